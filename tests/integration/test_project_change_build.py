"""A change to the dbt project rebuilds only what changed and what depends on it: on a fork of the
bundled deployment pointed at a copy of the dbt project (HOUSING_NEED_DBT_PROJECT_DIR), one mart model
is edited (its SQL and its description) and `housing-need refresh` runs real Airflow DAG runs and a
real dbt build with ``state:modified+`` against the published build's manifest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, Project
from tests.support.warehouse import marts_fingerprint

pytestmark = pytest.mark.integration

MODEL = "mart_dispersal_vs_deprivation"
NEW_DESCRIPTION = "Dispersal against deprivation, described anew to test a selective build."


def descendants(manifest: dict, name: str) -> set[str]:
    """``<schema>.<name>`` of the model and every model downstream of it, from dbt's child map."""
    nodes = manifest["nodes"]
    start = next(uid for uid, n in nodes.items() if n["resource_type"] == "model" and n["name"] == name)
    seen, todo = set(), [start]
    while todo:
        uid = todo.pop()
        if uid in seen or not uid.startswith("model."):
            continue
        seen.add(uid)
        todo += manifest["child_map"].get(uid, [])
    return {f"{nodes[u]['schema']}.{nodes[u].get('alias') or nodes[u]['name']}" for u in seen}


def latest_report(project: Project) -> dict:
    return json.loads((project.var_dir / "runs" / "latest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def edited(fork) -> tuple[Project, dict, dict]:
    """A fork of the bundled deployment on its own copy of the dbt project with one model edited,
    refreshed; with the published marts before and the dbt manifest of the bundled build."""
    project = fork("project-change")
    dbt_dir = project.var_dir.parent / "dbt_project"
    shutil.copytree(ROOT / "dbt_project", dbt_dir, ignore=shutil.ignore_patterns("target", "logs"))
    project.extra_env["HOUSING_NEED_DBT_PROJECT_DIR"] = str(dbt_dir)
    before = marts_fingerprint(project.warehouse)
    manifest = json.loads((project.var_dir / "site" / "dbt-docs" / "manifest.json").read_text())
    sql = dbt_dir / "models" / "marts" / "asylum" / f"{MODEL}.sql"
    sql.write_text(sql.read_text(encoding="utf-8") + "\n-- edited: a selective build rebuilds this\n")
    models = dbt_dir / "models" / "marts" / "asylum" / "_asylum__models.yml"
    text = models.read_text(encoding="utf-8")
    head, tail = text.split(f"  - name: {MODEL}\n    description: >\n", 1)
    old_description, rest = tail.split("\n    ", 1)
    while rest.startswith("  "):  # the folded description's further lines
        rest = rest.split("\n    ", 1)[1]
    models.write_text(
        f"{head}  - name: {MODEL}\n    description: {NEW_DESCRIPTION}\n    {rest}", encoding="utf-8"
    )
    result = project.cli("refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    project.output = result.stdout  # type: ignore[attr-defined]
    return project, before, manifest


def test_only_the_changed_model_and_its_dependants_are_rebuilt(edited: tuple[Project, dict, dict]) -> None:
    project, _, manifest = edited
    build = latest_report(project)["build"]
    assert build["mode"] == "modified", build
    assert build["select"] == ["state:modified+"]
    assert f"models/marts/asylum/{MODEL}.sql (modified)" in build["reason"]
    expected = descendants(manifest, MODEL)
    assert f"marts.{MODEL}" in expected and len(expected) > 1  # the edited mart has dependants
    assert set(build["relations"]) == expected
    assert build["dropped"] == []
    out = project.output  # type: ignore[attr-defined]
    assert "build: modified (the dbt project changed" in out and "selected: state:modified+" in out


def test_the_marts_are_unchanged_and_the_new_description_reaches_the_warehouse(
    edited: tuple[Project, dict, dict],
) -> None:
    """The edit changes no row: every mart, rebuilt or not, is what it was; persist_docs wrote the
    new description on the rebuilt mart, the others keep theirs; dbt docs describe every model."""
    project, before, manifest = edited
    assert marts_fingerprint(project.warehouse) == before
    comments = dict(
        project.query("select table_name, comment from duckdb_tables() where schema_name = 'marts'")
    )
    assert comments[MODEL] == NEW_DESCRIPTION
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    untouched = [t for t in comments if t != MODEL and t in models]
    assert untouched and all(comments[t] == models[t]["description"] for t in untouched)
    docs = project.var_dir / "site" / "dbt-docs"
    new_manifest = json.loads((docs / "manifest.json").read_text(encoding="utf-8"))
    new_models = {n["name"]: n for n in new_manifest["nodes"].values() if n["resource_type"] == "model"}
    assert new_models[MODEL]["description"] == NEW_DESCRIPTION and set(new_models) == set(models)
    assert (docs / "static_index.html").exists()


def test_the_marts_gate_checked_the_rebuilt_marts(edited: tuple[Project, dict, dict]) -> None:
    project, _, _ = edited
    report = latest_report(project)
    assert report["status"] == "success" and report["published"] and report["gates"]["marts"]["passed"]


def test_a_model_added_then_removed_is_built_alone_then_dropped(edited: tuple[Project, dict, dict]) -> None:
    """A new model is built alone (dbt's state:new is part of state:modified); once removed from
    the project its view is dropped; after that the warehouse is current and no DAG run starts."""
    project, before, _ = edited
    dbt_dir = Path(project.extra_env["HOUSING_NEED_DBT_PROJECT_DIR"])
    probe = dbt_dir / "models" / "intermediate" / "int_selection_probe.sql"
    probe.write_text("select 1 as probe\n", encoding="utf-8")
    added = project.cli("refresh")
    assert added.returncode == 0, added.stdout + added.stderr
    build = latest_report(project)["build"]
    assert (build["mode"], build["relations"], build["dropped"]) == (
        "modified",
        ["intermediate.int_selection_probe"],
        [],
    )
    assert project.query("select probe from intermediate.int_selection_probe") == [(1,)]
    probe.unlink()
    removed = project.cli("refresh")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    build = latest_report(project)["build"]
    assert (build["mode"], build["relations"]) == ("modified", [])
    assert build["dropped"] == ["intermediate.int_selection_probe"]
    assert not project.query("select 1 from duckdb_views() where view_name = 'int_selection_probe'")
    assert marts_fingerprint(project.warehouse) == before
    again = project.cli("refresh")
    assert again.returncode == 0 and "nothing new, no DAG run started" in again.stdout, again.stdout


def test_a_state_dbt_cannot_read_is_reported_as_unusable(tmp_path: Path) -> None:
    """A saved manifest of another artifact version: the real dbt refuses it before building
    anything, and the runner says so (the refresh then builds everything)."""
    from housing_need.pipeline.dbt_runner import DbtStateUnusable, run_dbt

    state = tmp_path / "state"
    state.mkdir()
    old = {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v1.json"}}
    (state / "manifest.json").write_text(json.dumps(old), encoding="utf-8")
    with pytest.raises(DbtStateUnusable, match="state unusable"):
        run_dbt(
            ["ls", "--select", "state:modified+", "--state", str(state)],
            project_dir=ROOT / "dbt_project",
            warehouse_path=tmp_path / "w.duckdb",
            target_path=tmp_path / "target",
        )
