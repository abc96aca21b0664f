"""What each suite validates, as SQL: a whole table, or only the rows of given load ids.

Everything here is a SQL statement run on the gate's one DuckDB connection (a SQLAlchemy
connection: the one GX itself uses). A suite's batch is a ``select`` of the columns it needs,
fully qualified with the warehouse's catalog (a warehouse file named like a schema, e.g.
``raw.duckdb``, would otherwise make ``raw.<table>`` ambiguous), and, when only this run's
deliveries are to be checked, ``where _load_id in (...)``: DuckDB applies the filter while
scanning, so no whole raw table is ever read into Python.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa

LOAD_ID_COLUMN = "_load_id"


class TableUnavailable(Exception):
    """The suite's table (or the column its batch is scoped by) is not in the warehouse."""


@dataclass(frozen=True)
class Batch:
    """The rows one suite validates."""

    table: str  # "<schema>.<table>"
    query: str  # select ... from "<catalog>"."<schema>"."<table>" [where _load_id in (...)]
    load_ids: tuple[str, ...] | None  # None: the whole table

    def describe(self) -> str:
        if self.load_ids is None:
            return "whole table"
        return f"{len(self.load_ids)} new load(s): {', '.join(self.load_ids)}"


def quote_identifier(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A DuckDB string literal (standard strings: only the quote is special, not backslash)."""
    return "'" + value.replace("'", "''") + "'"


def _rows(con: sa.Connection, sql: str, **params: object) -> list[tuple[Any, ...]]:
    import sqlalchemy as sa

    return [tuple(row) for row in con.execute(sa.text(sql), params).fetchall()]


def current_catalog(con: sa.Connection) -> str:
    [(catalog,)] = _rows(con, "select current_database()")
    return str(catalog)


def loaded_sources(con: sa.Connection) -> set[str]:
    """Sources with at least one load in meta.loads: a deployment that has not yet received a
    source's first delivery still refreshes everything else."""
    tables = _rows(
        con,
        "select 1 from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'meta' and table_name = 'loads'",
    )
    if not tables:  # no meta.loads: nothing was ever loaded
        return set()
    return {str(source) for (source,) in _rows(con, "select distinct source from meta.loads")}


def table_columns(con: sa.Connection, table: str) -> list[str]:
    """The table's columns in order (empty when there is no such table)."""
    schema, name = table.split(".", 1)
    rows = _rows(
        con,
        "select column_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = :schema and table_name = :name order by column_index",
        schema=schema,
        name=name,
    )
    return [str(column) for (column,) in rows]


def batch_for(
    con: sa.Connection,
    table: str,
    *,
    columns_needed: Collection[str] | None,
    load_ids: Sequence[str] | None,
) -> Batch:
    """The batch of ``table``: the needed columns (all when None), of ``load_ids`` only if given.

    Raises :class:`TableUnavailable` when the table does not exist, or has no ``_load_id``
    column to scope it by.
    """
    columns = table_columns(con, table)
    if not columns:
        raise TableUnavailable(f"table {table} does not exist in the warehouse: nothing validated")
    selected = columns if columns_needed is None else [c for c in columns if c in columns_needed]
    if not selected:
        selected = columns[:1]  # a row-count-only suite: one column carries the rows
    schema, name = table.split(".", 1)
    source = ".".join(quote_identifier(part) for part in (current_catalog(con), schema, name))
    query = f"select {', '.join(quote_identifier(c) for c in selected)} from {source}"
    if load_ids is None:
        return Batch(table=table, query=query, load_ids=None)
    if LOAD_ID_COLUMN not in columns:
        raise TableUnavailable(
            f"table {table} has no {LOAD_ID_COLUMN} column, so it cannot be limited to this run's "
            f"new loads ({', '.join(load_ids)}): nothing validated"
        )
    ids = ", ".join(quote_literal(i) for i in load_ids)
    query += f" where {quote_identifier(LOAD_ID_COLUMN)} in ({ids})"
    return Batch(table=table, query=query, load_ids=tuple(load_ids))


def batch_rows(con: sa.Connection, batch: Batch) -> int:
    """How many rows the batch holds (free for a whole table; one column scan for new loads)."""
    [(count,)] = _rows(con, f"select count(*) from ({batch.query})")
    return int(count)
