"""Load archived deliveries into raw.<table>, quarantine.rows and meta.loads: one transaction per file.

Every archived file is loaded at most once (``meta.loads`` is keyed on source + sha256, and the
load id is derived from them, so a re-run produces the same ids). Accounting is recorded per load
and enforced: rows in file = rows loaded + rows quarantined. A file is made ready by
``prepare.py`` (parse, screen, and the source's privacy class applied once, ``privacy.protect``);
this module inserts it, in this process or, for a big delivery set, while worker processes prepare
the next files. :func:`withdraw` takes loads back out. What the tables look like is
``raw_schema.py``; what to load, ``plan.py``; what became of every row after dbt, ``accounting.py``.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import duckdb
import pyarrow as pa

from ..sources import SourceSpec
from .archive import ArchivedFile
from .prepare import PreparedLoad, prepare_file, prepare_files, source_keys
from .raw_schema import ARROW_TYPES, ensure_raw_table, raw_columns
from .records import LoadRecord

log = logging.getLogger(__name__)


def commit_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: ArchivedFile,
    prepared: PreparedLoad,
    *,
    run_id: str | None = None,
) -> LoadRecord:
    """Insert a prepared delivery, its quarantine and its meta.loads row in one transaction."""
    (record,) = _commit(con, spec, [(entry, prepared)], run_id=run_id)
    _log_load(spec, record)
    return record


def _commit(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    group: list[tuple[ArchivedFile, PreparedLoad]],
    *,
    run_id: str | None = None,
) -> list[LoadRecord]:
    """Insert prepared deliveries in one transaction."""
    con.execute("begin transaction")
    try:
        records = _insert(con, spec, group, run_id=run_id)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return records


def _with_metadata(
    spec: SourceSpec, entry: ArchivedFile, prepared: PreparedLoad, loaded_at: datetime
) -> pa.Table:
    """The delivery's raw rows with the load's metadata columns."""
    meta = {
        "_load_id": entry.load_id,
        "_release": prepared.release,
        "_source_file": entry.original_name,
        "_source_sha256": entry.sha256,
        "_loaded_at": loaded_at,
    }
    table = prepared.table
    n = table.num_rows
    kinds = raw_columns(spec)
    for name, value in meta.items():
        table = table.append_column(name, pa.array([value] * n, type=ARROW_TYPES[kinds[name]]))
    return table


def _insert(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    group: list[tuple[ArchivedFile, PreparedLoad]],
    *,
    run_id: str | None = None,
) -> list[LoadRecord]:
    """The inserts of deliveries, inside the caller's transaction: their raw rows in one statement
    (DuckDB writes a statement's full row groups straight to the database file, where rows inserted
    a file at a time go through the write-ahead log first), then each one's quarantine and
    meta.loads row."""
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    tables = [_with_metadata(spec, entry, prepared, loaded_at) for entry, prepared in group]
    con.register("incoming_rows", pa.concat_tables(tables) if len(tables) > 1 else tables[0])
    con.execute(f'insert into raw."{spec.raw_table}" by name select * from incoming_rows')
    con.unregister("incoming_rows")
    return [_record(con, spec, entry, prepared, loaded_at, run_id) for entry, prepared in group]


def _record(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: ArchivedFile,
    prepared: PreparedLoad,
    loaded_at: datetime,
    run_id: str | None,
) -> LoadRecord:
    """One delivery's quarantine and meta.loads row."""
    load_id = entry.load_id
    rows_loaded = prepared.table.num_rows
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
            prepared.privacy,
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
# With workers, files are committed in groups of about this many rows, their raw rows in one insert:
# a commit writes and syncs the WAL (25 ms), more than inserting a snapshot, and an insert of full
# row groups (122,880 rows) skips the WAL. A failed file fails the source's whole load in
# this run (load_raw sets it aside and withdraws its loads), so a group is as safe as a file.
GROUP_ROWS = 250_000
# Files are prepared in batches of about this many delivered bytes (a national snapshot averages
# 1.3 MB): checked and protected together, the fixed cost of each column operation is spread over
# them (see prepare_files: 22 us of CPU a row in batches of 8 MiB, 28 a file at a time; 16 MiB
# gains nothing more and holds twice the memory in each worker).
BATCH_BYTES = 8 * 2**20


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


def batches(entries: Sequence[ArchivedFile], limit: int = BATCH_BYTES) -> Iterator[list[ArchivedFile]]:
    """``entries`` in order, in runs of about ``limit`` delivered bytes (a file bigger than that alone)."""
    batch: list[ArchivedFile] = []
    size = 0
    for entry in entries:
        if batch and size + entry.size > limit:
            yield batch
            batch, size = [], 0
        batch.append(entry)
        size += entry.size
    if batch:
        yield batch


def prepared_loads(
    spec: SourceSpec, entries: Sequence[ArchivedFile], archive_dir: Path, workers: int
) -> Generator[PreparedLoad]:
    """``entries`` prepared, in order, a batch at a time (:func:`.prepare.prepare_files`): here, or in
    ``workers`` processes with at most two batches per worker in flight, so prepared files never
    pile up faster than they are inserted."""
    if workers == 1:
        for batch in batches(entries):
            yield from prepare_files(spec, batch, archive_dir)
        return
    keys = source_keys(spec, entries)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        waiting = batches(entries)
        running: deque[Future[list[PreparedLoad]]] = deque(
            pool.submit(prepare_files, spec, batch, archive_dir, keys)
            for batch in islice(waiting, 2 * workers)
        )
        while running:
            ready = running.popleft().result()
            for batch in islice(waiting, 1):
                running.append(pool.submit(prepare_files, spec, batch, archive_dir, keys))
            yield from ready
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def load_files(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entries: list[ArchivedFile],
    archive_dir: Path,
    *,
    run_id: str | None = None,
) -> Iterator[LoadRecord]:
    """Load ``entries`` in order. For a big delivery set (a national register run: 3,500
    snapshots), worker processes parse, screen and pseudonymise the next batches of files while this
    process inserts them in order, committing every GROUP_ROWS rows; otherwise each file is one
    transaction. What is loaded and recorded is the same either way. The first file that fails
    stops the rest (and rolls back its group)."""
    ensure_raw_table(con, spec)
    workers = load_workers(entries, archive_dir)
    if workers > 1:
        log.info("%s: preparing %d files in %d worker processes", spec.name, len(entries), workers)
    prepared = prepared_loads(spec, entries, archive_dir, workers)
    group: list[tuple[ArchivedFile, PreparedLoad]] = []
    rows = 0
    try:
        for number, (entry, ready) in enumerate(zip(entries, prepared, strict=True), start=1):
            if workers == 1:
                log.info("%s: loading file %d of %d", spec.name, number, len(entries))
                yield commit_file(con, spec, entry, ready, run_id=run_id)
                continue
            group.append((entry, ready))
            rows += ready.rows_in_file
            if rows >= GROUP_ROWS or number == len(entries):
                records = _commit(con, spec, group, run_id=run_id)
                group, rows = [], 0
                log.info("%s: %d of %d files loaded", spec.name, number, len(entries))
                for record in records:
                    _log_load(spec, record)
                    yield record
    finally:
        prepared.close()


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
