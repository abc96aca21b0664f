"""The thin layer between Airflow and the package: asset names, default args, task bodies, callbacks.

DAG files import this; Airflow itself is only imported inside functions (the only imports there), so
the rest of the package (and its tests) never needs a scheduler. Task bodies call the pipeline's step registry
(``refresh/steps.py``, run by ``refresh/run.py``) and return its typed records.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from .config import settings
from .errors import HousingNeedError
from .pipeline.extract import extract_source
from .pipeline.fetch import FETCH_RETRIES
from .refresh import run
from .sources import get_source
from .synth.samples import sample_writers

log = logging.getLogger(__name__)

START_DATE = datetime(2024, 1, 1)
WAREHOUSE_ASSET = "housing_need.warehouse.marts"


def archive_asset_name(source: str) -> str:
    return f"housing_need.archive.{source}"


def on_task_failure(context: dict[str, Any]) -> None:
    """The one failure callback: which task of which run failed, and the whole error message."""
    ti = context.get("task_instance") or context.get("ti")
    log.error(
        "task %s of %s run %s failed: %s",
        getattr(ti, "task_id", "?"),
        getattr(ti, "dag_id", "?"),
        context.get("run_id"),
        context.get("exception"),
    )


DEFAULT_ARGS: dict[str, Any] = {
    "owner": "housing-need",
    "retries": 0,
    "on_failure_callback": on_task_failure,
}

# Fetch retries and Airflow's task retries multiply: a publisher URL is asked at most GET_BUDGET
# times in one extract run. fetch_url retries blips within a task attempt (FETCH_RETRIES: seconds
# apart); Airflow retries the task for longer outages (minutes apart, 2 to 30); so the task gets
# the attempts the budget leaves (12 // 4 = 3 attempts: 2 retries).
GET_BUDGET = 12
NETWORK_RETRIES: dict[str, Any] = {
    "retries": GET_BUDGET // (FETCH_RETRIES + 1) - 1,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}


def extract(source: str) -> dict[str, Any]:
    """Task body: archive new deliveries of one source; broken ones are refused one by one. The
    source's release calendar is read for the run's logical date (a scheduled run looks on the day
    it stands for, a backfill on its own day)."""
    from airflow.sdk import get_current_context

    logical = get_current_context().get("logical_date")
    today = logical.date() if logical is not None else None
    return extract_source(get_source(source), settings(), today, sample_writers()).to_dict()


def check_deliveries(summary: dict[str, Any]) -> None:
    """Task body after the archive step: fail the extract run (for monitoring) if any delivery was
    refused, after the good ones were archived and the source's Asset was emitted."""
    from airflow.sdk.exceptions import AirflowFailException

    problems = [f"delivery refused: {r}" for r in summary.get("rejected") or []]
    problems += [f"release discovery failed: {e}" for e in summary.get("errors") or []]
    if problems:
        raise AirflowFailException(f"{summary['source']}: " + "\n".join(problems))


def _context() -> tuple[str, dict[str, Any]]:
    from airflow.sdk import get_current_context

    context = get_current_context()
    dag_run = context.get("dag_run")
    return str(context["run_id"]), dict(getattr(dag_run, "conf", None) or {})


def run_step(name: str) -> dict[str, Any]:
    """Task body: one step of the refresh (see refresh/steps.py); its record goes to XCom."""
    from airflow.sdk.exceptions import AirflowFailException

    run_id, conf = _context()
    try:
        record = run.run_step(settings(), name, run_id, full=bool(conf.get("full")))
    except HousingNeedError as exc:  # bad data or a busy warehouse: retrying the same input cannot help
        raise AirflowFailException(str(exc)) from exc
    return run.step_record(record)


def abandon() -> None:
    """Runs when any guarded step failed: drop the shadow copy (the published warehouse stays as
    it was), then fail, so the DAG run is marked failed (this task is a leaf)."""
    from airflow.sdk.exceptions import AirflowFailException

    run_id, _ = _context()
    report = run.abandon(settings(), run_id)
    raise AirflowFailException(f"refresh {run_id} failed: {report.error}; published warehouse unchanged")
