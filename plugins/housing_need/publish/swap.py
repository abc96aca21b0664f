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
    old = docs_dir.with_name(docs_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if docs_dir.exists():
        docs_dir.rename(old)
    staging.rename(docs_dir)
    shutil.rmtree(old, ignore_errors=True)
