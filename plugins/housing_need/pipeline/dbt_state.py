"""The dbt state of the published warehouse, and what a refresh rebuilds after a change to the project.

Every build saves, inside the warehouse it built (``meta.dbt_state``), the ``manifest.json`` of that
build and a snapshot of the project it came from (each file's sha256, the macros each macro file
defines, the environment variables the project reads, the dbt and adapter versions). The state is
written in the shadow copy and swapped in with it, so it always describes the published warehouse: a
failed or abandoned run never replaces it.

When the project changed since that build, :func:`decide` chooses ``dbt build --select
state:modified+`` against the saved manifest (dbt's ``--state``), plus ``source:<source>+`` for the
sources that delivered, or a full build with the reason when the change cannot be selected safely:
no saved state, a different dbt, a changed environment variable the project reads, a change to a
project-wide file (``dbt_project.yml``: configs and vars; ``profiles.yml``) or to a macro every node
may use without naming it (``generate_schema_name``, a materialization, an adapter override). A
changed seed is selected by its path as well: dbt compares seeds over 1 MiB by path only. Relations of
models and seeds removed from the project are dropped after the build (:func:`removed_relations`).
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import duckdb
import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints

DDL = """create table if not exists meta.dbt_state (
    id integer primary key,
    project_fingerprint varchar not null,
    snapshot varchar not null,
    manifest blob not null,
    saved_at timestamp not null default current_timestamp
)"""
_SKIP_DIRS = {"target", "logs", "dbt_packages", "__pycache__"}
# Files at the project's root that change how every node is built: never selectable
PROJECT_WIDE = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml", "selectors.yml")
# Read only to connect (where the warehouse is, how many threads, how much memory): they change no
# relation, so a different value does not force a full build
CONNECTION_ONLY_ENV = frozenset(
    {
        "HOUSING_NEED_DBT_TARGET",
        "HOUSING_NEED_DBT_DUCKDB_PATH",
        "HOUSING_NEED_DBT_THREADS",
        "HOUSING_NEED_DUCKDB_MEMORY_LIMIT",
        "HOUSING_NEED_PG_HOST",
        "HOUSING_NEED_PG_PORT",
        "HOUSING_NEED_PG_USER",
        "HOUSING_NEED_PG_DATABASE",
        "HOUSING_NEED_PG_BUILD_SCHEMA",
    }
)
_ENV_VAR = re.compile(r"""env_var\(\s*['"]([A-Za-z0-9_]+)['"]""")
_MACRO = re.compile(r"{%-?\s*(macro|materialization|test)\s+([A-Za-z0-9_]+)")
_GLOBAL_MACRO = re.compile(r"^(generate_\w+_name|materialization:.*|(default|duckdb|postgres)__\w+)$")


@dataclass(frozen=True)
class Snapshot:
    """What a build was made from: enough to tell which changes since then are selectable."""

    files: dict[str, str]  # relative path -> sha256
    macros: dict[str, list[str]] = field(default_factory=dict)  # macro file -> macros it defines
    env: dict[str, str] = field(default_factory=dict)  # variable the project reads -> sha256 of value
    versions: dict[str, str] = field(default_factory=dict)  # dbt-core and adapters
    seed_paths: tuple[str, ...] = ("seeds",)
    macro_paths: tuple[str, ...] = ("macros",)
    resource_paths: tuple[str, ...] = ("models", "seeds", "macros", "tests", "analyses", "snapshots")

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        for key in ("seed_paths", "macro_paths", "resource_paths"):
            data[key] = tuple(data[key])
        return cls(**data)


@dataclass(frozen=True)
class Decision:
    """What to build: ``full``, ``modified`` (``select``, then the delivered sources' selectors),
    ``incremental`` (only the delivered sources' selectors) or ``none``; and why."""

    mode: Literal["full", "modified", "incremental", "none"]
    reason: str
    select: list[str] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _paths(project: dict[str, Any], key: str, default: list[str]) -> tuple[str, ...]:
    return tuple(str(p).strip("/") for p in (project.get(key) or default))


def snapshot(project_dir: Path, env: Mapping[str, str]) -> Snapshot:
    """The project as dbt reads it now (generated folders left out, as in the fingerprint)."""
    files: dict[str, str] = {}
    macros: dict[str, list[str]] = {}
    read_env: set[str] = set()
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    macro_paths = _paths(config, "macro-paths", ["macros"])
    for path in sorted(p for p in project_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(project_dir)
        if _SKIP_DIRS & set(relative.parts) or relative.name == ".user.yml":
            continue
        data = path.read_bytes()
        files[relative.as_posix()] = _sha(data)
        if path.suffix in (".sql", ".yml", ".yaml", ".py"):
            text = data.decode("utf-8", errors="replace")
            read_env.update(_ENV_VAR.findall(text))
            if relative.parts[0] in macro_paths and path.suffix == ".sql":
                macros[relative.as_posix()] = [
                    f"materialization:{name}" if kind == "materialization" else name
                    for kind, name in _MACRO.findall(text)
                ]
    wanted = sorted(v for v in read_env if v not in CONNECTION_ONLY_ENV and "SECRET" not in v)
    resource_keys = ("model-paths", "seed-paths", "macro-paths", "test-paths", "analysis-paths")
    resources = {p for key in resource_keys for p in _paths(config, key, [])}
    resources |= {p for p in _paths(config, "docs-paths", [])}
    return Snapshot(
        files=files,
        macros=macros,
        env={name: _sha(env.get(name, "\0unset").encode()) for name in wanted},
        versions=_versions(),
        seed_paths=_paths(config, "seed-paths", ["seeds"]),
        macro_paths=macro_paths,
        resource_paths=tuple(sorted(resources | {"models", "seeds", "macros", "tests"})),
    )


def _versions() -> dict[str, str]:
    found = {}
    for name in ("dbt-core", "dbt-duckdb", "dbt-postgres", "dbt-adapters"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def changed_files(previous: Snapshot, current: Snapshot) -> dict[str, str]:
    """path -> ``added`` / ``modified`` / ``removed``."""
    changes = {p: "removed" for p in previous.files if p not in current.files}
    for path, digest in current.files.items():
        if path not in previous.files:
            changes[path] = "added"
        elif previous.files[path] != digest:
            changes[path] = "modified"
    return dict(sorted(changes.items()))


def _under(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == f or path.startswith(f + "/") for f in folders)


def _unselectable(path: str, previous: Snapshot, current: Snapshot) -> str | None:
    """Why a change to ``path`` cannot be selected by ``state:modified+``, or None when it can."""
    if path in PROJECT_WIDE:
        return f"{path} changed: project-wide configs and vars reach every node"
    if _under(path, current.macro_paths):
        names = set(previous.macros.get(path, [])) | set(current.macros.get(path, []))
        shared = sorted(n for n in names if _GLOBAL_MACRO.match(n))
        if shared:
            return f"macro {', '.join(shared)} ({path}) changed: dbt applies it to nodes that do not name it"
        return None
    if _under(path, current.resource_paths) or path.endswith(".md"):
        return None
    return f"{path} changed: not a model, seed, macro, test or docs file"


def decide(
    *,
    pending: list[str],
    project_changed: str | None,
    previous: Snapshot | None,
    current: Snapshot,
    state_matches: bool = True,
    full_requested: bool = False,
    first_build: bool = False,
) -> Decision:
    """What this refresh builds and why. ``pending``: sources with new or withdrawn deliveries;
    ``project_changed``: why the project differs from the one that built the warehouse (None: it
    does not); ``previous``: the snapshot saved with the published warehouse's dbt state, if any;
    ``state_matches``: that state is the one that built the published warehouse."""
    delivered = "new or withdrawn deliveries: " + ", ".join(pending) if pending else ""
    if full_requested:
        return Decision("full", "full rebuild requested (--full)")
    if first_build:
        return Decision("full", "first build of this warehouse")
    if project_changed is None:
        if pending:
            return Decision("incremental", delivered)
        return Decision("none", "no new deliveries and no change to the dbt project")
    why_full = _why_full(project_changed, previous, current, state_matches)
    if why_full:
        return Decision("full", why_full)
    assert previous is not None
    changes = changed_files(previous, current)
    seeds = [
        f"path:{p}+" for p, what in changes.items() if what != "removed" and _under(p, current.seed_paths)
    ]
    shown = ", ".join(f"{p} ({what})" for p, what in list(changes.items())[:5])
    more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
    reason = f"the dbt project changed: {shown}{more}" if changes else project_changed
    if delivered:
        reason += f"; {delivered}"
    return Decision("modified", reason, ["state:modified+", *seeds])


def _why_full(
    project_changed: str, previous: Snapshot | None, current: Snapshot, state_matches: bool
) -> str | None:
    if previous is None:
        return f"{project_changed}; no saved dbt state of the published build to compare with"
    if not state_matches:
        return f"{project_changed}; the saved dbt state is not the one that built the published warehouse"
    if previous.versions != current.versions:
        return f"dbt changed since the published build ({_diff(previous.versions, current.versions)})"
    if previous.env != current.env:
        names = sorted(set(previous.env) ^ set(current.env) | _differing(previous.env, current.env))
        return f"environment variable(s) read by the dbt project changed: {', '.join(names)}"
    for path in changed_files(previous, current):
        why = _unselectable(path, previous, current)
        if why:
            return why
    return None


def _differing(a: dict[str, str], b: dict[str, str]) -> set[str]:
    return {k for k in set(a) & set(b) if a[k] != b[k]}


def _diff(a: dict[str, str], b: dict[str, str]) -> str:
    keys = sorted(set(a) | set(b))
    return ", ".join(f"{k} {a.get(k, '-')} -> {b.get(k, '-')}" for k in keys if a.get(k) != b.get(k))


# --------------------------------------------------------------------------------------------
# The saved state, inside the warehouse


@dataclass(frozen=True)
class SavedState:
    project_fingerprint: str
    snapshot: Snapshot
    manifest: bytes  # zlib-compressed manifest.json

    def write_manifest(self, folder: Path) -> Path:
        """Write the manifest where dbt's ``--state`` reads it; returns the folder."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.json").write_bytes(zlib.decompress(self.manifest))
        return folder

    def manifest_json(self) -> dict[str, Any]:
        return json.loads(zlib.decompress(self.manifest))


def save(con: duckdb.DuckDBPyConnection, fingerprint: str, snap: Snapshot, manifest_path: Path) -> None:
    con.execute(DDL)
    con.execute(
        "insert or replace into meta.dbt_state (id, project_fingerprint, snapshot, manifest, saved_at) "
        "values (1, ?, ?, ?, current_timestamp)",
        [fingerprint, snap.to_json(), zlib.compress(manifest_path.read_bytes(), 6)],
    )


def load(con: duckdb.DuckDBPyConnection) -> SavedState | None:
    try:
        row = con.execute(
            "select project_fingerprint, snapshot, manifest from meta.dbt_state where id = 1"
        ).fetchone()
    except duckdb.CatalogException:  # a warehouse built before the dbt state was kept
        return None
    if row is None:
        return None
    return SavedState(str(row[0]), Snapshot.from_json(row[1]), bytes(row[2]))


def relations(manifest: dict[str, Any]) -> set[str]:
    """``<schema>.<name>`` of every model and seed the manifest materializes in the warehouse."""
    return {
        f"{node['schema']}.{node.get('alias') or node['name']}"
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") in ("model", "seed")
        and (node.get("config") or {}).get("materialized") != "ephemeral"
        and (node.get("config") or {}).get("enabled", True)
    }


def removed_relations(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Relations the previous build made that the current project no longer makes."""
    return sorted(relations(previous) - relations(current))


def drop_relations(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[str]:
    """Drop each ``<schema>.<name>`` that exists (table or view); returns those dropped."""
    dropped = []
    for name in names:
        schema, table = name.split(".", 1)
        row = con.execute(
            "select 'table' from duckdb_tables() where schema_name = ? and table_name = ? "
            "union all select 'view' from duckdb_views() where schema_name = ? and view_name = ?",
            [schema, table, schema, table],
        ).fetchone()
        if row:
            con.execute(f'drop {row[0]} "{schema}"."{table}"')
            dropped.append(name)
    return dropped
