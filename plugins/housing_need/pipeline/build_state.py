"""What the last build of a warehouse was made from, kept inside the warehouse (``meta.build_state``).

An incremental refresh rebuilds only the dbt models downstream of the sources that delivered. That
is only right while the dbt project is the one that built the rest of the warehouse, so every build
records a fingerprint of the project (every file dbt reads: models, macros, seeds, tests, project
and profile) and the dbt selector of each raw table. A refresh whose project fingerprint differs
from the recorded one rebuilds everything, and says so. The expectations' fingerprint is kept the
same way: when a suite file changed, the marts gate checks every mart, not only the rebuilt ones.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from ..config import Settings
from . import dbt_state

DDL = """create table if not exists meta.build_state (
    key varchar primary key,
    value varchar not null,
    updated_at timestamp not null default current_timestamp
)"""
_SKIP_DIRS = {"target", "logs", "dbt_packages", "__pycache__"}


def fingerprint(folder: Path, *, suffixes: Iterable[str] | None = None) -> str:
    """sha256 over every file's relative path and bytes (generated folders left out)."""
    digest = hashlib.sha256()
    wanted = tuple(suffixes) if suffixes else None
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if _SKIP_DIRS & set(relative.parts) or relative.name == ".user.yml":
            continue
        if wanted and path.suffix not in wanted:
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def get_value(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    try:
        row = con.execute("select value from meta.build_state where key = ?", [key]).fetchone()
    except duckdb.CatalogException:  # a warehouse built before build records were kept
        return None
    return str(row[0]) if row else None


def set_value(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(DDL)
    con.execute(
        "insert or replace into meta.build_state (key, value, updated_at) values (?, ?, current_timestamp)",
        [key, value],
    )


def changes(con: duckdb.DuckDBPyConnection, settings: Settings) -> str | None:
    """Why the whole project must be rebuilt, or None when an incremental build is safe."""
    recorded = get_value(con, "dbt_project_fingerprint")
    if recorded is None:
        return "no record of what built this warehouse (first refresh with build records)"
    if recorded != fingerprint(settings.dbt_project_dir):
        return "the dbt project changed since the last build (models, macros, seeds or tests)"
    return None


def plan_build(
    con: duckdb.DuckDBPyConnection | None,
    settings: Settings,
    *,
    pending: list[str],
    full_requested: bool = False,
) -> dbt_state.Decision:
    """What a refresh of the warehouse behind ``con`` (None: nothing published yet) builds, and why."""
    current = dbt_state.snapshot(settings.dbt_project_dir, os.environ)
    if con is None:
        return dbt_state.decide(
            pending=pending,
            project_changed=None,
            previous=None,
            current=current,
            full_requested=full_requested,
            first_build=True,
        )
    saved = dbt_state.load(con)
    recorded = get_value(con, "dbt_project_fingerprint")
    return dbt_state.decide(
        pending=pending,
        project_changed=changes(con, settings),
        previous=saved.snapshot if saved else None,
        current=current,
        state_matches=saved is not None and saved.project_fingerprint == recorded,
        full_requested=full_requested,
    )


def record_build(
    con: duckdb.DuckDBPyConnection, settings: Settings, manifest: dict[str, Any], manifest_path: Path
) -> None:
    """After a build: the project's fingerprint, each raw table's selector, and the dbt state (the
    build's manifest and the project's snapshot) that a later build compares with."""
    project = fingerprint(settings.dbt_project_dir)
    set_value(con, "dbt_project_fingerprint", project)
    dbt_state.save(con, project, dbt_state.snapshot(settings.dbt_project_dir, os.environ), manifest_path)
    selectors = {
        node["identifier"]: f"source:{node['source_name']}.{node['name']}+"
        for node in manifest.get("sources", {}).values()
        if node.get("schema") == "raw"
    }
    set_value(con, "raw_table_selectors", json.dumps(selectors, sort_keys=True))


def selectors(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """raw table name -> the dbt selector of everything downstream of it."""
    return json.loads(get_value(con, "raw_table_selectors") or "{}")


def expectations_changed(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    return get_value(con, "expectations_fingerprint") != fingerprint(
        settings.expectations_dir, suffixes=[".json"]
    )


def record_expectations(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    set_value(con, "expectations_fingerprint", fingerprint(settings.expectations_dir, suffixes=[".json"]))


def built_relations(manifest: dict[str, Any], run_results: Path) -> list[str]:
    """``<schema>.<name>`` of every model and seed the build ran successfully."""
    results = json.loads(run_results.read_text()) if run_results.exists() else {"results": []}
    nodes = manifest.get("nodes", {})
    built = []
    for result in results.get("results", []):
        node = nodes.get(result.get("unique_id", ""))
        if node and node.get("resource_type") in ("model", "seed") and result.get("status") == "success":
            if (node.get("config") or {}).get("materialized") == "ephemeral":
                continue
            built.append(f"{node['schema']}.{node.get('alias') or node['name']}")
    return sorted(built)
