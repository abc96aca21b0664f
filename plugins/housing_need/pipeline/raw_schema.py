"""The tables the loader writes: ``raw.<table>`` per source, ``quarantine.rows``, and ``meta``'s loads,
row outcomes and runs; their DDL, and a delivery's rows as an Arrow table of the raw table's types.

A raw table's columns are the parser's, after the source's pseudonymisation transforms, plus the
load's metadata columns (``METADATA_COLUMNS``). A source whose columns changed fails loudly here
instead of writing beside the old ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from ..errors import HousingNeedError
from ..privacy.pseudonymise import output_columns
from ..sources import SourceSpec

if TYPE_CHECKING:
    import pandas as pd

METADATA_COLUMNS: dict[str, str] = {
    "_load_id": "VARCHAR",
    "_release": "VARCHAR",
    "_source_file": "VARCHAR",
    "_source_sha256": "VARCHAR",
    "_row_number": "BIGINT",
    "_loaded_at": "TIMESTAMP",
}
# set for every row of a load when it is committed (``_row_number`` comes from the parser)
LOAD_COLUMNS = frozenset(METADATA_COLUMNS) - {"_row_number"}

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}

META_DDL = [
    "create schema if not exists raw",
    "create schema if not exists quarantine",
    "create schema if not exists meta",
    """create table if not exists meta.loads (
        load_id varchar primary key,
        source varchar not null,
        raw_table varchar not null,
        source_file varchar not null,
        archive_path varchar not null,
        origin varchar not null,
        sha256 varchar not null,
        release varchar not null,
        file_format varchar not null,
        rows_in_file bigint not null,
        rows_loaded bigint not null,
        rows_quarantined bigint not null,
        loaded_at timestamp not null,
        run_id varchar,
        unique (source, sha256),
        check (rows_in_file = rows_loaded + rows_quarantined)
    )""",
    # Added after the first release: existing warehouses gain them in place.
    "alter table meta.loads add column if not exists privacy varchar",
    "alter table meta.loads add column if not exists warnings varchar",
    "alter table meta.loads add column if not exists rows_in_facts bigint",
    "alter table meta.loads add column if not exists rows_set_aside bigint",
    """create table if not exists quarantine.rows (
        load_id varchar not null,
        source varchar not null,
        source_file varchar not null,
        row_number bigint not null,
        column_name varchar,
        value varchar,
        reason varchar not null,
        record varchar
    )""",
    "alter table quarantine.rows alter column record drop not null",
    """create table if not exists meta.load_outcomes (
        load_id varchar not null,
        source varchar not null,
        stage varchar not null,
        outcome varchar not null,
        reason varchar,
        rows bigint not null
    )""",
    """create table if not exists meta.runs (
        run_id varchar primary key,
        started_at timestamp not null,
        finished_at timestamp,
        status varchar not null,
        summary varchar
    )""",
]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in META_DDL:
        con.execute(ddl)


def raw_columns(spec: SourceSpec) -> dict[str, str]:
    """The raw table's columns: the parser's, after the pseudonymisation transforms, plus metadata."""
    return {**output_columns(spec.columns, spec.pseudonymise), **METADATA_COLUMNS}


def ensure_raw_table(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    wanted = raw_columns(spec)
    existing = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'raw' and table_name = ? order by ordinal_position",
        [spec.raw_table],
    ).fetchall()
    if not existing:
        cols = ", ".join(f'"{name}" {kind}' for name, kind in wanted.items())
        con.execute(f'create table raw."{spec.raw_table}" ({cols})')
        return
    have = {name: kind for name, kind in existing}
    if have != wanted:
        raise HousingNeedError(
            f"raw.{spec.raw_table} has columns {have} but source {spec.name} now produces {wanted}; "
            "migrate the raw table (see docs/operating.md) before loading"
        )


def rows_to_arrow(rows: list[dict[str, Any]], columns: Mapping[str, str]) -> pa.Table:
    arrays = [
        pa.array([row.get(name) for row in rows], type=ARROW_TYPES[kind]) for name, kind in columns.items()
    ]
    return pa.Table.from_arrays(arrays, names=list(columns))


def frame_to_arrow(frame: Mapping[str, pd.Series], columns: Mapping[str, str]) -> pa.Table:
    n = len(next(iter(frame.values()))) if frame else 0
    arrays = []
    for name, kind in columns.items():
        kind_type = ARROW_TYPES[kind]
        if name in frame:
            array = pa.array(frame[name], from_pandas=True)
            arrays.append(array if array.type == kind_type else array.cast(kind_type))
        else:
            arrays.append(pa.nulls(n, type=kind_type))
    return pa.Table.from_arrays(arrays, names=list(columns))
