"""Where scenarios live and what each records.

Each scenario is one DuckDB file, ``var/scenarios/<name>.duckdb``, holding one schema,
``scenario_<name>``: the need marts rebuilt with its overrides, and a one-row ``scenarios`` table
(its file, author, created time, checksums, baseline run id, parameter version, input releases).
The file is written under another name and renamed into place, so a reader sees the old scenario or
the new one; the published warehouse is only ever read. ``scenarios`` read across every file is the
catalogue ``./run scenario list`` prints and the BI copy publishes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from .spec import ScenarioError

RECORD_TABLE = "scenarios"
RECORD_COLUMNS = {
    "name": "varchar",
    "schema_name": "varchar",
    "description": "varchar",
    "author": "varchar",
    "file": "varchar",
    "file_sha256": "varchar",
    "file_text": "varchar",
    "created_at": "timestamp",
    "baseline": "varchar",
    "baseline_warehouse": "varchar",
    "baseline_run_id": "varchar",
    "parameter_version": "varchar",
    "base_date": "date",
    "input_releases": "varchar",  # JSON: source -> releases
    "overrides": "varchar",  # JSON: the lines of the banner
    "dbt_vars": "varchar",  # JSON: what the need models read
    "tables": "varchar",  # JSON: table -> checksum of its rows
    "dbt_tests": "varchar",  # what the need models' data tests said on the scenario
}


def scenarios_dir(var_dir: Path) -> Path:
    return var_dir / "scenarios"


def scenario_path(var_dir: Path, name: str) -> Path:
    return scenarios_dir(var_dir) / f"{name}.duckdb"


def lock_path(var_dir: Path, name: str) -> Path:
    return scenarios_dir(var_dir) / f".{name}.lock"


def schema_of(name: str) -> str:
    return f"scenario_{name}"


def table_checksum(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """md5 of every row's text, rows in order: equal for equal contents, whatever the storage order
    (doubles print in their shortest exact form, so equal checksums are equal bits)."""
    (digest,) = con.execute(
        f"select md5(coalesce(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar)), '')) "
        f"from {relation} as t"
    ).fetchone() or ("",)
    return str(digest)


@dataclass(frozen=True)
class Record:
    values: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.values["name"])

    def json(self, key: str) -> Any:
        return json.loads(self.values[key] or "null")


def read_record(path: Path) -> Record:
    name = path.stem
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ScenarioError(f"{path}: cannot open the scenario: {exc}") from exc
    try:
        cursor = con.execute(f"select * from {schema_of(name)}.{RECORD_TABLE}")
        columns = [d[0] for d in cursor.description]
        row = cursor.fetchone()
    finally:
        con.close()
    if row is None:
        raise ScenarioError(f"{path}: the scenario has no record")
    return Record(dict(zip(columns, row, strict=True)))


def records(var_dir: Path) -> list[Record]:
    folder = scenarios_dir(var_dir)
    return [read_record(p) for p in sorted(folder.glob("*.duckdb"))] if folder.is_dir() else []


def find(var_dir: Path, name: str) -> Path:
    path = scenario_path(var_dir, name)
    if not path.is_file():
        known = ", ".join(r.name for r in records(var_dir)) or "none yet"
        raise ScenarioError(f"no scenario named {name!r} (built: {known}); `scenario run FILE` builds one")
    return path
