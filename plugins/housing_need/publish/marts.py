"""What the published warehouse offers its readers: the marts, and the latest quarter they cover.

The one place these questions are answered, for the PostgreSQL copy, the briefing pages, the CLI
summary and the tests.
"""

from __future__ import annotations

import duckdb

MARTS_SCHEMA = "marts"
# The schema is written into these catalogue queries, not bound as a parameter: binding a Python value
# makes DuckDB's client import pandas (0.3 s), which `./run status` otherwise never needs.
_IN_MARTS = f"schema_name = '{MARTS_SCHEMA}' and database_name = current_database()"


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the marts schema (what BI tools and the briefing pages read), by name."""
    return [
        str(row[0])
        for row in con.execute(
            f"select table_name from duckdb_tables() where {_IN_MARTS} order by 1"
        ).fetchall()
    ]


def mart_sizes(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(table, estimated rows) of every mart."""
    return [
        (str(name), int(rows))
        for name, rows in con.execute(
            f"select table_name, estimated_size from duckdb_tables() where {_IN_MARTS} order by 1"
        ).fetchall()
    ]


def latest_quarter(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """(quarter end as ISO text, label such as '2023 Q4') of the newest asylum-support quarter."""
    row = con.execute(
        "select max(period_end)::varchar, max_by(quarter_label, period_end) from marts.mart_dispersal_vs_deprivation"
    ).fetchone()
    if row is None or row[0] is None:
        raise LookupError("marts.mart_dispersal_vs_deprivation has no quarters")
    return str(row[0]), str(row[1])
