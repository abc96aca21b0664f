"""The published DuckDB warehouse and its shadow copies.

A refresh never writes the published file. It copies it to ``warehouse/.shadow/<run>/``, loads,
checks and builds there; :func:`publish` swaps it in with an atomic rename. A run killed at any
point leaves the published warehouse exactly as it was; readers that already opened the old file
keep their snapshot.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ..errors import PublishError

log = logging.getLogger(__name__)


OWNER = "OWNER"  # the run the shadow copy belongs to


def shadow_path(shadow_dir: Path, published: Path) -> Path:
    """Where the shadow copy lives: one stable path (dbt's partial parsing needs an unchanged
    profile), owned by one run at a time (the writer lease), named in ``OWNER``."""
    return shadow_dir / published.name


def prepare_shadow(published: Path, shadow_dir: Path, run_id: str) -> Path:
    """Copy the published warehouse (if any) into a fresh shadow folder for this run.

    Anything left by a killed run is removed first: the caller holds the writer lease
    (``lock.py``), so no other run is writing it.
    """
    target = shadow_path(shadow_dir, published)
    if shadow_dir.exists():
        owner = (shadow_dir / OWNER).read_text().strip() if (shadow_dir / OWNER).exists() else "?"
        log.info("removing the shadow copy left by run %s", owner)
        shutil.rmtree(shadow_dir)
    shadow_dir.mkdir(parents=True)
    (shadow_dir / OWNER).write_text(run_id + "\n")
    if published.exists():
        # A clean checkpoint is guaranteed: every writer closes its connection, which checkpoints.
        shutil.copy2(published, target)
        log.info("shadow warehouse %s copied from %s", target, published)
    else:
        duckdb.connect(str(target)).close()
        log.info("shadow warehouse %s created (nothing published yet)", target)
    return target


MEMORY_LIMIT_ENV = "HOUSING_NEED_DUCKDB_MEMORY_LIMIT"  # also read by dbt_project/profiles.yml


def memory_limit() -> str:
    """DuckDB's memory limit for the pipeline's connections (DuckDB spills to disk beyond it; its
    own default is 80% of the machine's memory)."""
    return os.environ.get(MEMORY_LIMIT_ENV) or "3GB"


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": memory_limit()})
    try:
        yield con
    finally:
        con.close()


def discard_shadow(shadow_dir: Path, run_id: str) -> None:
    """Remove the shadow copy if ``run_id`` owns it (a run that lost the lease leaves the new
    owner's copy alone)."""
    marker = shadow_dir / OWNER
    if marker.exists() and marker.read_text().strip() == run_id:
        shutil.rmtree(shadow_dir)


def publish(shadow: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the shadow copy."""
    if not shadow.exists():
        raise PublishError(f"shadow warehouse {shadow} does not exist: nothing to publish")
    with connect(shadow) as con:
        con.execute("checkpoint")
    wal = shadow.with_name(shadow.name + ".wal")
    if wal.exists():
        raise PublishError(f"shadow warehouse {shadow} still has a write-ahead log; a writer is open")
    published.parent.mkdir(parents=True, exist_ok=True)
    with open(shadow, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(shadow, published)
    dir_fd = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    log.info("published %s", published)
