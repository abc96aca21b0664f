"""Folders of the site swapped in whole: the run's dbt docs installed, and any fully written folder
put in place of the old one (two renames). The warehouse file itself is swapped in by
``pipeline/warehouse.py``, which owns the shadow copy."""

from __future__ import annotations

import shutil
from pathlib import Path

DOCS_FILES = ("index.html", "static_index.html", "manifest.json", "catalog.json", "run_results.json")


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
