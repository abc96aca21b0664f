"""Load archived deliveries into raw.<table>, quarantine.rows and meta.loads: one transaction per file.

Every archived file is loaded at most once (``meta.loads`` is keyed on source + sha256, and the
load id is derived from them, so a re-run produces the same ids). Accounting is recorded per load
and enforced: rows in file = rows loaded + rows quarantined.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .archive import ArchivedFile, list_archived
from .errors import HousingNeedError
from .sources.base import ParseResult, SourceSpec

log = logging.getLogger(__name__)

METADATA_COLUMNS: dict[str, str] = {
    "_load_id": "VARCHAR",
    "_release": "VARCHAR",
    "_source_file": "VARCHAR",
    "_source_sha256": "VARCHAR",
    "_row_number": "BIGINT",
    "_loaded_at": "TIMESTAMP",
}

_ARROW_TYPES: dict[str, pa.DataType] = {
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
    """create table if not exists quarantine.rows (
        load_id varchar not null,
        source varchar not null,
        source_file varchar not null,
        row_number bigint not null,
        column_name varchar,
        value varchar,
        reason varchar not null,
        record varchar not null
    )""",
    """create table if not exists meta.runs (
        run_id varchar primary key,
        started_at timestamp not null,
        finished_at timestamp,
        status varchar not null,
        summary varchar
    )""",
]


@dataclass(frozen=True)
class LoadSummary:
    load_id: str
    source: str
    source_file: str
    release: str
    rows_in_file: int
    rows_loaded: int
    rows_quarantined: int

    def line(self) -> str:
        return (
            f"{self.source}: {self.source_file} (release {self.release}): {self.rows_in_file} rows in file, "
            f"{self.rows_loaded} loaded, {self.rows_quarantined} quarantined"
        )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in META_DDL:
        con.execute(ddl)


def load_id_for(source: str, sha256: str) -> str:
    return f"{source}:{sha256[:16]}"


def _raw_columns(spec: SourceSpec) -> dict[str, str]:
    return {**spec.columns, **METADATA_COLUMNS}


def ensure_raw_table(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    wanted = _raw_columns(spec)
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


def already_loaded(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    return {
        row[0] for row in con.execute("select sha256 from meta.loads where source = ?", [source]).fetchall()
    }


def _to_arrow(rows: list[dict[str, Any]], columns: dict[str, str]) -> pa.Table:
    arrays = []
    for name, kind in columns.items():
        arrays.append(pa.array([row.get(name) for row in rows], type=_ARROW_TYPES[kind]))
    return pa.Table.from_arrays(arrays, names=list(columns))


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def load_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: ArchivedFile,
    archive_dir: Path,
    *,
    run_id: str | None = None,
) -> LoadSummary:
    """Parse one archived file and load it in a single transaction."""
    content = entry.absolute(archive_dir).read_bytes()
    result: ParseResult = spec.parse(content, entry.original_name)
    result.check_accounting()
    load_id = load_id_for(spec.name, entry.sha256)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    meta = {
        "_load_id": load_id,
        "_release": result.release,
        "_source_file": entry.original_name,
        "_source_sha256": entry.sha256,
        "_loaded_at": loaded_at,
    }
    rows = [{**row, **meta, "_row_number": row["_row_number"]} for row in result.rows]
    table = _to_arrow(rows, _raw_columns(spec))
    quarantine = [
        (
            load_id,
            spec.name,
            entry.original_name,
            q.row_number,
            q.column,
            q.value,
            q.reason,
            json.dumps({k: _jsonable(v) for k, v in q.record.items()}, default=str),
        )
        for q in result.quarantined
    ]
    con.execute("begin transaction")
    try:
        con.register("incoming_rows", table)
        con.execute(f'insert into raw."{spec.raw_table}" by name select * from incoming_rows')
        con.unregister("incoming_rows")
        if quarantine:
            con.executemany("insert into quarantine.rows values (?, ?, ?, ?, ?, ?, ?, ?)", quarantine)
        con.execute(
            "insert into meta.loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                spec.name,
                spec.raw_table,
                entry.original_name,
                entry.path,
                entry.origin,
                entry.sha256,
                result.release,
                result.file_format,
                result.rows_in_file,
                len(result.rows),
                len(result.quarantined),
                loaded_at,
                run_id,
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    summary = LoadSummary(
        load_id=load_id,
        source=spec.name,
        source_file=entry.original_name,
        release=result.release,
        rows_in_file=result.rows_in_file,
        rows_loaded=len(result.rows),
        rows_quarantined=len(result.quarantined),
    )
    log.info("loaded %s", summary.line())
    return summary


def load_pending(
    con: duckdb.DuckDBPyConnection,
    specs: Iterable[SourceSpec],
    archive_dir: Path,
    *,
    run_id: str | None = None,
) -> list[LoadSummary]:
    """Load every archived file not yet in meta.loads, oldest delivery first."""
    ensure_schema(con)
    summaries = []
    for spec in specs:
        ensure_raw_table(con, spec)
        done = already_loaded(con, spec.name)
        pending = [e for e in list_archived(archive_dir, spec.name) if e.sha256 not in done]
        for number, entry in enumerate(pending, start=1):
            log.info("%s: loading file %d of %d: %s", spec.name, number, len(pending), entry.original_name)
            summaries.append(load_file(con, spec, entry, archive_dir, run_id=run_id))
            done.add(entry.sha256)
    return summaries
