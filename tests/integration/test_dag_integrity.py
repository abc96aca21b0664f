"""Every DAG file imports cleanly and the DAGs have the shape the design asks for (DagBag test)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from housing_need.orchestration import GET_BUDGET
from housing_need.pipeline.fetch import FETCH_RETRIES
from tests.conftest import Project

pytestmark = pytest.mark.integration

PROBE = r"""
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag()
out = {"errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    out["dags"][dag_id] = {
        "max_active_runs": dag.max_active_runs,
        "tasks": [t.task_id for t in dag.topological_sort()] if hasattr(dag, "topological_sort") else sorted(dag.task_ids),
        "upstream": {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks},
        "retries": {t.task_id: t.retries for t in dag.tasks},
        "outlets": {t.task_id: [getattr(o, "name", str(o)) for o in t.outlets] for t in dag.tasks},
    }
print("JSON" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def dagbag(make_project) -> dict:
    project: Project = make_project("dagbag")
    from housing_need.config import settings
    from housing_need.ops.airflow_env import airflow_env

    full_env = airflow_env(settings(project.env), base=project.env)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], env=full_env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("JSON")][-1]
    return json.loads(line[4:])


def test_no_import_errors(dagbag: dict) -> None:
    assert dagbag["errors"] == {}


def test_expected_dags_exist(dagbag: dict) -> None:
    assert {"extract_home_office_asylum_support", "housing_need_refresh"} <= set(dagbag["dags"])


def test_refresh_tasks_are_the_step_registry_in_order(dagbag: dict) -> None:
    """One task per step of housing_need.refresh.steps.STEPS, guarded steps chained in registry
    order, so adding a step to the registry adds its task."""
    from housing_need.refresh.steps import STEPS

    refresh = dagbag["dags"]["housing_need_refresh"]
    up = refresh["upstream"]
    assert set(up) == {s.name for s in STEPS} | {"abandon"}
    guarded = [s.name for s in STEPS if s.guarded]
    assert guarded[-1] == "publish" and guarded.index("raw_gate") < guarded.index("dbt_build")
    assert guarded.index("dbt_build") < guarded.index("marts_gate") < guarded.index("publish")
    for before, after in zip(guarded, guarded[1:], strict=False):
        assert up[after] == [before]
    assert up["abandon"] == sorted(guarded)


def test_warehouse_writer_runs_one_at_a_time_and_gates_precede_publish(dagbag: dict) -> None:
    refresh = dagbag["dags"]["housing_need_refresh"]
    assert refresh["max_active_runs"] == 1
    up = refresh["upstream"]
    assert refresh["outlets"]["publish"] == ["housing_need.warehouse.marts"]
    assert up["publish_postgres"] == ["publish"]  # BI copy only after the warehouse is published
    assert "publish_postgres" not in up["abandon"]
    assert up["briefing"] == ["publish"]  # pages are built from the published warehouse only
    assert refresh["retries"]["publish_postgres"] == 2


def test_extracts_retry_network_steps_emit_assets_and_then_report_refusals(dagbag: dict) -> None:
    extract = dagbag["dags"]["extract_home_office_asylum_support"]
    # fetch_url's own retries (4 GETs an attempt) times the task's attempts stay within the budget of
    # 12 GETs per URL and extract run: 3 attempts, 2 retries
    assert extract["retries"]["fetch_and_archive"] == 2
    assert (extract["retries"]["fetch_and_archive"] + 1) * (FETCH_RETRIES + 1) <= GET_BUDGET == 12
    assert extract["outlets"]["fetch_and_archive"] == ["housing_need.archive.home_office_asylum_support"]
    assert extract["upstream"]["check_deliveries"] == ["fetch_and_archive"]
    assert extract["outlets"]["check_deliveries"] == []
