"""Load archived deliveries into raw.<table>, quarantine.rows and meta.loads: one transaction per file.

Every archived file is loaded at most once (``meta.loads`` is keyed on source + sha256, and the
load id is derived from them, so a re-run produces the same ids). Accounting is recorded per load
and enforced: rows in file = rows loaded + rows quarantined. After dbt has built the facts,
:func:`account` records what happened to every loaded row (``meta.load_outcomes``): in the facts,
or set aside and why, so that no row leaves the totals unseen.

The source's privacy class applies here: an encrypted delivery is decrypted in memory only;
personal-data columns are pseudonymised before a row is written (``SourceSpec.pseudonymise``); for
private sources the quarantine keeps row, column and reason but neither the value nor the record.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import repeat
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from ..errors import HousingNeedError
from ..privacy import pseudonymise
from ..privacy.keys import ARCHIVE_KEY, PSEUDONYMISATION_KEY, KeySpec, load_key
from ..privacy.policy import Policy, policy_for, withhold
from ..sources import ParseResult, SourceSpec
from . import archive
from .archive import ArchivedFile
from .report import LoadRecord, RunReport

log = logging.getLogger(__name__)

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


def policy_of(spec: SourceSpec) -> Policy:
    return policy_for(spec.privacy)


def raw_columns(spec: SourceSpec) -> dict[str, str]:
    """The raw table's columns: the parser's, after the pseudonymisation transforms, plus metadata."""
    return {**pseudonymise.output_columns(spec.columns, spec.pseudonymise), **METADATA_COLUMNS}


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


# --------------------------------------------------------------------------------------------
# What to load


@dataclass
class SourcePlan:
    pending: list[ArchivedFile] = field(default_factory=list)  # archived, not loaded, not rejected
    withdraw: list[ArchivedFile] = field(default_factory=list)  # loaded, then rejected
    skipped_rejected: list[ArchivedFile] = field(default_factory=list)  # rejected before loading
    refused: list[str] = field(default_factory=list)  # refused at the door since the last run


def plan(
    con: duckdb.DuckDBPyConnection, specs: Iterable[SourceSpec], archive_dir: Path
) -> dict[str, SourcePlan]:
    """Per source: what the archive holds that the warehouse does not, and what it must give back."""
    out: dict[str, SourcePlan] = {}
    for spec in specs:
        loaded = {
            r[0]
            for r in con.execute("select sha256 from meta.loads where source = ?", [spec.name]).fetchall()
        }
        rejected = archive.rejections(archive_dir, spec.name)
        source_plan = SourcePlan()
        for entry in archive.list_archived(archive_dir, spec.name):
            if entry.sha256 in rejected:
                (source_plan.withdraw if entry.sha256 in loaded else source_plan.skipped_rejected).append(
                    entry
                )
            elif entry.sha256 not in loaded:
                source_plan.pending.append(entry)
        out[spec.name] = source_plan
    return out


def archived(archive_dir: Path, spec: SourceSpec) -> list[ArchivedFile]:
    """What a first build loads: every archived file not rejected."""
    rejected = archive.rejections(archive_dir, spec.name)
    return [e for e in archive.list_archived(archive_dir, spec.name) if e.sha256 not in rejected]


def _seen_key(source: str) -> str:
    return f"archive_events_seen:{source}"


def new_refusals(con: duckdb.DuckDBPyConnection | None, archive_dir: Path, source: str) -> list[str]:
    """Deliveries refused at the door since the last published run (the count of archive events
    already reported lives in the warehouse, so an abandoned run reports them again)."""
    from .build_state import get_value

    seen = int(get_value(con, _seen_key(source)) or 0) if con is not None else 0
    return [
        f"{e.name} ({e.origin}): {e.reason}"
        for e in archive.events(archive_dir, source)[seen:]
        if e.event == "refused"
    ]


def mark_refusals_seen(con: duckdb.DuckDBPyConnection, archive_dir: Path, source: str) -> None:
    from .build_state import set_value

    set_value(con, _seen_key(source), str(len(archive.events(archive_dir, source))))


# --------------------------------------------------------------------------------------------
# Loading one file


def _to_arrow(rows: list[dict[str, Any]], columns: Mapping[str, str]) -> pa.Table:
    arrays = [
        pa.array([row.get(name) for row in rows], type=_ARROW_TYPES[kind]) for name, kind in columns.items()
    ]
    return pa.Table.from_arrays(arrays, names=list(columns))


def _frame_to_arrow(frame: Mapping[str, pd.Series], columns: Mapping[str, str]) -> pa.Table:
    n = len(next(iter(frame.values()))) if frame else 0
    arrays = []
    for name, kind in columns.items():
        kind_type = _ARROW_TYPES[kind]
        if name in frame:
            array = pa.array(frame[name], from_pandas=True)
            arrays.append(array if array.type == kind_type else array.cast(kind_type))
        else:
            arrays.append(pa.nulls(n, type=kind_type))
    return pa.Table.from_arrays(arrays, names=list(columns))


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _screen(result: ParseResult, spec: SourceSpec) -> ParseResult:
    from ..sources.screening import screen

    return screen(result, spec)


def _quarantine_rows(
    result: ParseResult, spec: SourceSpec, load_id: str, source_file: str, policy: Policy
) -> list[tuple[Any, ...]]:
    out = []
    for q in result.quarantined:
        if policy.keep_values:
            value, record = q.value, json.dumps({k: _jsonable(v) for k, v in q.record.items()}, default=str)
            reason = q.reason
        else:  # private: row, column and reason only; a value a parser put in its reason is blanked
            value, record = None, None
            reason = withhold(q.reason, [q.value, *(str(v) for v in q.record.values() if v is not None)])
        out.append((load_id, spec.name, source_file, q.row_number, q.column, value, reason, record))
    return out


@dataclass
class PreparedLoad:
    """One delivery ready to insert, made without the warehouse (so also in a worker process): the
    raw table's rows, pseudonymised, without the load's metadata columns; its quarantine rows."""

    table: pa.Table
    quarantine: list[tuple[Any, ...]]
    release: str
    file_format: str
    rows_in_file: int
    rows_quarantined: int
    quarantined_by_reason: dict[str, int]
    warnings: list[str]


def prepare_file(
    spec: SourceSpec, entry: ArchivedFile, archive_dir: Path, keys: Mapping[KeySpec, bytes] | None = None
) -> PreparedLoad:
    """Parse, screen and pseudonymise one archived delivery. ``keys`` (archive and pseudonymisation
    keys by name) are given to worker processes; without them the keys are loaded here."""
    keys = keys if keys is not None else _keys(spec, [entry])
    policy = policy_of(spec)
    raw = entry.read(archive_dir, keys[ARCHIVE_KEY] if entry.encrypted else None)
    result = _screen(spec.parse(raw, entry.original_name), spec)
    result.check_accounting()
    transforms = spec.pseudonymise
    key = keys.get(PSEUDONYMISATION_KEY)
    columns = {k: v for k, v in raw_columns(spec).items() if k not in LOAD_COLUMNS}
    if result.frame is not None:
        frame = {name: result.frame[name] for name in result.frame.columns}
        if transforms:
            pseudonymise.apply_columns(frame, transforms, key)
        table = _frame_to_arrow(frame, columns)
    else:
        rows = []
        for parsed in result.rows:
            row = dict(parsed)
            if transforms:
                pseudonymise.apply(row, transforms, key)
            rows.append(row)
        table = _to_arrow(rows, columns)
        del rows
    return PreparedLoad(
        table=table,
        quarantine=_quarantine_rows(result, spec, entry.load_id, entry.original_name, policy),
        release=result.release,
        file_format=result.file_format,
        rows_in_file=result.rows_in_file,
        rows_quarantined=len(result.quarantined),
        quarantined_by_reason=dict(Counter(_quarantine_group(q.column) for q in result.quarantined)),
        warnings=list(result.warnings or []),
    )


def _keys(spec: SourceSpec, entries: Iterable[ArchivedFile]) -> dict[KeySpec, bytes]:
    keys = {}
    if any(e.encrypted for e in entries):
        keys[ARCHIVE_KEY] = load_key(ARCHIVE_KEY)
    if pseudonymise.needs_key(spec.pseudonymise):
        keys[PSEUDONYMISATION_KEY] = load_key(PSEUDONYMISATION_KEY)
    return keys


def commit_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: ArchivedFile,
    prepared: PreparedLoad,
    *,
    run_id: str | None = None,
) -> LoadRecord:
    """Insert a prepared delivery, its quarantine and its meta.loads row in one transaction."""
    con.execute("begin transaction")
    try:
        record = _insert(con, spec, entry, prepared, run_id=run_id)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    _log_load(spec, record)
    return record


def _insert(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: ArchivedFile,
    prepared: PreparedLoad,
    *,
    run_id: str | None = None,
) -> LoadRecord:
    """The inserts of one delivery, inside the caller's transaction."""
    policy = policy_of(spec)
    load_id = entry.load_id
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    meta = {
        "_load_id": load_id,
        "_release": prepared.release,
        "_source_file": entry.original_name,
        "_source_sha256": entry.sha256,
        "_loaded_at": loaded_at,
    }
    table = prepared.table
    n = table.num_rows
    kinds = raw_columns(spec)
    for name, value in meta.items():
        table = table.append_column(name, pa.array([value] * n, type=_ARROW_TYPES[kinds[name]]))
    rows_loaded = n
    con.register("incoming_rows", table)
    con.execute(f'insert into raw."{spec.raw_table}" by name select * from incoming_rows')
    con.unregister("incoming_rows")
    if prepared.quarantine:
        con.executemany("insert into quarantine.rows values (?, ?, ?, ?, ?, ?, ?, ?)", prepared.quarantine)
    con.execute(
        """insert into meta.loads (load_id, source, raw_table, source_file, archive_path, origin, sha256,
               release, file_format, rows_in_file, rows_loaded, rows_quarantined, loaded_at, run_id,
               privacy, warnings)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            load_id,
            spec.name,
            spec.raw_table,
            entry.original_name,
            entry.path,
            entry.origin,
            entry.sha256,
            prepared.release,
            prepared.file_format,
            prepared.rows_in_file,
            rows_loaded,
            prepared.rows_quarantined,
            loaded_at,
            run_id,
            policy.privacy,
            json.dumps(prepared.warnings) if prepared.warnings else None,
        ],
    )
    return LoadRecord(
        load_id=load_id,
        source_file=entry.original_name,
        release=prepared.release,
        rows_in_file=prepared.rows_in_file,
        rows_loaded=rows_loaded,
        rows_quarantined=prepared.rows_quarantined,
        quarantined_by_reason=prepared.quarantined_by_reason,
        warnings=prepared.warnings,
    )


def _log_load(spec: SourceSpec, record: LoadRecord) -> None:
    log.info(
        "%s: loaded %s (release %s): %d rows in file, %d loaded, %d quarantined",
        spec.name,
        record.source_file,
        record.release,
        record.rows_in_file,
        record.rows_loaded,
        record.rows_quarantined,
    )
    for warning in record.warnings:
        log.warning("%s: %s", spec.name, warning)


def load_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: ArchivedFile,
    archive_dir: Path,
    *,
    run_id: str | None = None,
) -> LoadRecord:
    """Parse one archived file and load it in a single transaction."""
    ensure_raw_table(con, spec)
    return commit_file(con, spec, entry, prepare_file(spec, entry, archive_dir), run_id=run_id)


WORKERS_ENV = "HOUSING_NEED_LOAD_WORKERS"
PARALLEL_FROM_BYTES = 64 * 2**20  # below this a source's pending files load in the task's process
# With workers, files are committed in groups of about this many rows: a commit writes and syncs
# the WAL (25 ms), more than inserting a snapshot. A failed file fails the source's whole load in
# this run (load_raw sets it aside and withdraws its loads), so a group is as safe as a file.
GROUP_ROWS = 250_000


def load_workers(entries: list[ArchivedFile], archive_dir: Path) -> int:
    """Worker processes to prepare ``entries`` in: the machine's cores (``HOUSING_NEED_LOAD_WORKERS``
    overrides; 1 = none) when there are at least 64 MiB of them, else none (starting a worker costs
    more than it saves)."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        return max(1, min(int(configured), len(entries)))
    size = sum((archive_dir / e.path).stat().st_size for e in entries if (archive_dir / e.path).exists())
    if len(entries) < 2 or size < PARALLEL_FROM_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, len(entries)))


def load_files(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entries: list[ArchivedFile],
    archive_dir: Path,
    *,
    run_id: str | None = None,
) -> Iterator[LoadRecord]:
    """Load ``entries`` in order, one transaction each. For a big delivery set (a national register
    run: 3,500 snapshots), worker processes parse, screen and pseudonymise the next files while this
    process inserts them in order, committing every GROUP_ROWS rows; what is loaded and recorded is
    the same either way. The first file that fails stops the rest (and rolls back its group)."""
    ensure_raw_table(con, spec)
    workers = load_workers(entries, archive_dir)
    if workers == 1:
        prepared: Iterator[PreparedLoad] = (prepare_file(spec, e, archive_dir) for e in entries)
        pool = None
    else:
        log.info("%s: preparing %d files in %d worker processes", spec.name, len(entries), workers)
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        keys = _keys(spec, entries)
        prepared = pool.map(prepare_file, repeat(spec), entries, repeat(archive_dir), repeat(keys))
    group: list[LoadRecord] = []
    rows = 0
    try:
        for number, (entry, ready) in enumerate(zip(entries, prepared, strict=True), start=1):
            if pool is None:
                log.info("%s: loading file %d of %d", spec.name, number, len(entries))
                yield commit_file(con, spec, entry, ready, run_id=run_id)
                continue
            if not group:
                con.execute("begin transaction")
            group.append(_insert(con, spec, entry, ready, run_id=run_id))
            rows += ready.rows_in_file
            if rows >= GROUP_ROWS or number == len(entries):
                yield from _commit_group(con, spec, group, number, len(entries))
                group, rows = [], 0
    except BaseException:
        if group:
            con.execute("rollback")
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _commit_group(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, group: list[LoadRecord], done: int, total: int
) -> Iterator[LoadRecord]:
    con.execute("commit")
    log.info("%s: %d of %d files loaded", spec.name, done, total)
    for record in group:
        _log_load(spec, record)
        yield record


def _quarantine_group(column: str | None) -> str:
    return (
        f"quarantined at load: bad value in column {column!r}" if column else "quarantined at load: bad row"
    )


def withdraw(con: duckdb.DuckDBPyConnection, load_ids: list[str]) -> list[str]:
    """Take loads back out of raw, quarantine and meta (a rejected delivery, or a failed gate)."""
    if not load_ids:
        return []
    placeholders = ", ".join("?" for _ in load_ids)
    tables = con.execute(
        f"select distinct raw_table from meta.loads where load_id in ({placeholders})", load_ids
    ).fetchall()
    con.execute("begin transaction")
    try:
        for (table,) in tables:
            con.execute(f'delete from raw."{table}" where _load_id in ({placeholders})', load_ids)
        for statement in (
            "delete from quarantine.rows where load_id in ({})",
            "delete from meta.load_outcomes where load_id in ({})",
            "delete from meta.loads where load_id in ({})",
        ):
            con.execute(statement.format(placeholders), load_ids)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return list(load_ids)


# --------------------------------------------------------------------------------------------
# After the build: every row accounted for


def account(con: duckdb.DuckDBPyConnection, spec: SourceSpec, this_run: list[str]) -> dict[str, int]:
    """Record in meta.load_outcomes what happened to every row of every load of ``spec`` (quarantined
    at load; in the facts; set aside by the models, with the reason), check that each load's rows add
    up, and update meta.loads. Returns the outcomes of this run's loads (what -> rows)."""
    model = f'audit."{spec.row_outcomes_model}"'
    by_load = dict(
        con.execute(f"select load_id, sum(rows) from {model} group by load_id").fetchall()  # noqa: S608
    )
    loads = con.execute(
        "select load_id, rows_loaded from meta.loads where source = ? order by load_id", [spec.name]
    ).fetchall()
    wrong = [(lid, n, by_load.get(lid, 0)) for lid, n in loads if by_load.get(lid, 0) != n]
    if wrong:
        lines = "; ".join(f"{lid}: {n} rows loaded, {got} accounted for" for lid, n, got in wrong[:5])
        raise HousingNeedError(f"row accounting failed for {spec.name} ({model}): {lines}")
    con.execute("begin transaction")
    try:
        con.execute("delete from meta.load_outcomes where source = ?", [spec.name])
        con.execute(
            """insert into meta.load_outcomes
               select load_id, source, 'load', 'quarantined',
                      case when column_name is null then 'bad row'
                           else 'bad value in column ' || column_name end, count(*)
               from quarantine.rows where source = ? group by all""",
            [spec.name],
        )
        con.execute(
            f"""insert into meta.load_outcomes
                select load_id, ?, 'dbt', outcome, reason, sum(rows) from {model} group by all""",  # noqa: S608
            [spec.name],
        )
        con.execute(
            """update meta.loads set
                 rows_in_facts = coalesce(o.in_facts, 0), rows_set_aside = coalesce(o.set_aside, 0)
               from (select load_id,
                            sum(rows) filter (where outcome = 'in_facts') as in_facts,
                            sum(rows) filter (where outcome = 'set_aside') as set_aside
                     from meta.load_outcomes where stage = 'dbt' group by load_id) as o
               where meta.loads.load_id = o.load_id and meta.loads.source = ?""",
            [spec.name],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    if not this_run:
        return {}
    placeholders = ", ".join("?" for _ in this_run)
    rows = con.execute(
        f"""select case outcome when 'in_facts' then 'in facts'
                                when 'set_aside' then 'set aside: ' || reason
                                else 'quarantined at load: ' || reason end,
                   sum(rows)
            from meta.load_outcomes where load_id in ({placeholders}) group by 1 order by 2 desc""",
        this_run,
    ).fetchall()
    return {str(what): int(n) for what, n in rows}


def record_run(con: duckdb.DuckDBPyConnection, report: RunReport) -> None:
    con.execute(
        "insert or replace into meta.runs values (?, ?, ?, ?, ?)",
        [
            report.run_id,
            datetime.fromisoformat(report.started_at).replace(tzinfo=None),
            datetime.now(UTC).replace(tzinfo=None),
            report.status,
            report.to_json(),
        ],
    )
