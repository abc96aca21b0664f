"""Publishing the DuckDB warehouse: the shadow copy swapped in with an atomic rename, and the run's
dbt docs installed in the site. Readers that already opened the old file keep their snapshot."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from ..errors import PublishError
from ..pipeline.warehouse import connect

log = logging.getLogger(__name__)

DOCS_FILES = ("index.html", "static_index.html", "manifest.json", "catalog.json", "run_results.json")


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


def install_dbt_docs(target: Path, docs_dir: Path) -> None:
    """Replace the site's dbt docs with those generated in ``target`` (if any were)."""
    if not (target / "static_index.html").exists():
        return
    staging = docs_dir.with_name(docs_dir.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in DOCS_FILES:
        if (target / name).exists():
            shutil.copy2(target / name, staging / name)
    replace_folder(staging, docs_dir)


def replace_folder(staging: Path, target: Path) -> None:
    """Put a fully written ``staging`` folder in place of ``target`` (two renames: a reader sees the
    old folder or the new one, never half of either)."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
