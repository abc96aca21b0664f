"""The published DuckDB warehouse and its shadow copies.

A refresh never writes the published file. It copies it to ``warehouse/.shadow/<run>/``, loads,
checks and builds there, and publishes with an atomic rename. A run killed at any point leaves
the published warehouse exactly as it was; readers that already opened it keep their snapshot.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .errors import PublishError

log = logging.getLogger(__name__)


def _safe(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)[:120]


def shadow_path(shadow_dir: Path, run_id: str, name: str) -> Path:
    return shadow_dir / _safe(run_id) / name


def prepare_shadow(published: Path, shadow_dir: Path, run_id: str) -> Path:
    """Copy the published warehouse (if any) into a fresh shadow folder for this run.

    Shadow folders left by killed runs are removed first: only one refresh runs at a time
    (the refresh DAG has max_active_runs=1), so any other shadow is abandoned.
    """
    target = shadow_path(shadow_dir, run_id, published.name)
    if shadow_dir.exists():
        for stale in shadow_dir.iterdir():
            log.info("removing shadow folder left by an earlier run: %s", stale)
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    target.parent.mkdir(parents=True)
    if published.exists():
        # A clean checkpoint is guaranteed: every writer closes its connection, which checkpoints.
        shutil.copy2(published, target)
        log.info("shadow warehouse %s copied from %s", target, published)
    else:
        duckdb.connect(str(target)).close()
        log.info("shadow warehouse %s created (nothing published yet)", target)
    return target


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


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


def discard_shadow(shadow_dir: Path, run_id: str) -> None:
    folder = shadow_dir / _safe(run_id)
    if folder.exists():
        shutil.rmtree(folder)
