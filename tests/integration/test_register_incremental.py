"""The register models are incremental (docs/registers.md, "At national scale"): a refresh that
delivers one more month of every council, with one council's earlier month revised, rebuilds only
the snapshots that changed, and gives the same register marts, row audit and person-level table as a
full rebuild (``refresh --full``, dbt's --full-refresh) of the same raw rows; so does withdrawing the
revision afterwards (``archive reject``), which gives the month back its first issue."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import Project
from tests.support.registers import REGISTER_MARTS, SOURCE, generated

pytestmark = pytest.mark.integration

NEW_MONTH = "2024-04"
REVISED_MONTH = "2024-02"


def register_state(project: Project) -> dict[str, object]:
    """Every register mart's rows (sorted, floats rounded), the row audit and the person-level
    table's counts and totals: what an incremental build must leave as a full build does."""
    state: dict[str, object] = {}
    for mart in REGISTER_MARTS:
        rows = project.query(f"select * from marts.{mart}")
        state[mart] = sorted(
            repr(tuple(round(v, 9) if isinstance(v, float) else v for v in row)) for row in rows
        )
    state["register_row_outcomes"] = project.query(
        "select load_id, outcome, reason, rows from audit.register_row_outcomes order by all"
    )
    state["int_register_applications"] = project.query(
        "select snapshot_key, load_id, count(*), count(distinct application_id), "
        "count(*) filter (where is_live), sum(household_size), sum(band_rank) "
        "from intermediate.int_register_applications group by all order by all"
    )
    return state


def build_of_last_run(project: Project) -> dict:
    report = json.loads((project.var_dir / "runs" / "latest.json").read_text(encoding="utf-8"))
    return report["build"]


def test_one_more_month_built_incrementally_equals_a_full_rebuild(bundled: Project, fork) -> None:
    project = fork("register-incremental")
    before = register_state(project)
    # the same generator as the bundled sample, one month further: April 2024 of every council, and
    # February 2024 again from a different simulation (its rows differ: a revised delivery)
    more = project.var_dir.parent / "more-months"
    result = project.cli("generate", "register", "--months", "13", "--out", str(more))
    assert result.returncode == 0, result.stdout + result.stderr
    inbox = project.inbox(SOURCE)
    new_files = sorted(more.glob(f"SYNTHETIC-register-*-{NEW_MONTH}.*"))
    assert len(new_files) == 3
    for path in new_files:
        shutil.copy2(path, inbox / path.name)
    (revised,) = more.glob(f"SYNTHETIC-register-E06000016-*-{REVISED_MONTH}.csv")
    first_issue = next(p for p in generated(bundled) if p.name == revised.name)
    assert revised.read_bytes() != first_issue.read_bytes()
    shutil.copy2(revised, inbox / revised.name.replace(".csv", "_revised.csv"))

    result = project.cli("refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    build = build_of_last_run(project)
    assert build["mode"] == "incremental", build
    incremental = register_state(project)
    assert incremental != before
    snapshots = {row[0] for row in incremental["int_register_applications"]}  # type: ignore[union-attr]
    assert {f"{lad}|{NEW_MONTH}-30" for lad in ("E06000015", "E06000016", "E06000018")} <= snapshots
    # the revised February replaced the first issue: one load per snapshot, that of the revision
    loads = [row[:2] for row in incremental["int_register_applications"]]  # type: ignore[union-attr]
    assert len(loads) == len({key for key, _ in loads}) == 12
    superseded = [row for row in incremental["register_row_outcomes"] if row[1] != "in_facts"]  # type: ignore[union-attr]
    ((first_rows,),) = project.query(
        "select rows_loaded from meta.loads where source = ? and source_file = ?", [SOURCE, first_issue.name]
    )
    assert {r[2].split(":")[0] for r in superseded} == {"superseded"}
    assert sum(r[3] for r in superseded) == first_rows

    assert full_rebuild(project) == incremental

    # the revision rejected after loading: the next refresh withdraws it, and February falls back to
    # its first issue, again as a full rebuild has it
    ((sha, revised_load),) = project.query(
        "select sha256, load_id from meta.loads where source_file = ?",
        [revised.name.replace(".csv", "_revised.csv")],
    )
    rejected = project.cli("archive", "reject", sha[:12], "--reason", "revision withdrawn by the council")
    assert rejected.returncode == 0, rejected.stdout + rejected.stderr
    result = project.cli("refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert build_of_last_run(project)["mode"] == "incremental"
    withdrawn = register_state(project)
    february = [row for row in withdrawn["int_register_applications"] if REVISED_MONTH in row[0]]  # type: ignore[union-attr]
    assert revised_load not in {row[1] for row in february} and len(february) == 3
    assert withdrawn["register_row_outcomes"] != incremental["register_row_outcomes"]
    assert full_rebuild(project) == withdrawn


def full_rebuild(project: Project) -> dict[str, object]:
    """``refresh --full`` (every model rebuilt, incremental ones with --full-refresh); the state after."""
    result = project.cli("refresh", "--full")
    assert result.returncode == 0, result.stdout + result.stderr
    assert build_of_last_run(project)["mode"] == "full"
    return register_state(project)
