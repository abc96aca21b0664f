"""The thin layer between Airflow and the package: asset names, default args, task bodies, callbacks.

DAG files import this; Airflow itself is only imported inside functions, so the rest of the
package (and its tests) never needs a scheduler.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from . import refresh
from .config import settings
from .errors import ParseError

log = logging.getLogger(__name__)

START_DATE = datetime(2024, 1, 1)
WAREHOUSE_ASSET = "housing_need.warehouse.marts"


def archive_asset_name(source: str) -> str:
    return f"housing_need.archive.{source}"


FAILURE_MARKER = "HOUSING-NEED TASK FAILED"


def on_task_failure(context: dict[str, Any]) -> None:
    """The one failure callback: which task of which run failed, and the whole error message
    (file, row, column; failing expectations), as one block the CLI can show."""
    ti = context.get("task_instance") or context.get("ti")
    log.error(
        "%s dag=%s task=%s run=%s\n%s\n%s END",
        FAILURE_MARKER,
        getattr(ti, "dag_id", "?"),
        getattr(ti, "task_id", "?"),
        context.get("run_id"),
        context.get("exception"),
        FAILURE_MARKER,
    )


DEFAULT_ARGS: dict[str, Any] = {
    "owner": "housing-need",
    "retries": 0,
    "on_failure_callback": on_task_failure,
}

NETWORK_RETRIES: dict[str, Any] = {
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}


def extract(source: str) -> dict[str, Any]:
    """Task body: archive new deliveries for one source. A broken file fails without retrying."""
    from airflow.sdk.exceptions import AirflowFailException

    from .extract import extract_source
    from .sources import get_source

    try:
        summary = extract_source(get_source(source), settings())
    except ParseError as exc:
        raise AirflowFailException(str(exc)) from exc
    return {
        "source": source,
        "new": [a.original_name for a in summary.archived],
        "duplicates": summary.duplicates,
        "not_modified": summary.not_modified,
    }


def run_id_from_context() -> str:
    from airflow.sdk import get_current_context

    return str(get_current_context()["run_id"])


def begin() -> str:
    return refresh.begin(settings(), run_id_from_context())


def load_raw(shadow: str) -> list[dict[str, Any]]:
    return refresh.load_raw(settings(), shadow, run_id_from_context())


def gate(name: str, shadow: str) -> dict[str, Any]:
    return refresh.gate(settings(), name, shadow, run_id_from_context())


def build(shadow: str) -> dict[str, Any]:
    return refresh.build(settings(), shadow, run_id_from_context())


def docs(shadow: str) -> str:
    return refresh.docs(settings(), shadow, run_id_from_context())


def publish(shadow: str, report: dict[str, Any]) -> dict[str, Any]:
    from airflow.sdk import get_current_context

    context = get_current_context()
    started = context["dag_run"].start_date
    report = {**report, "started_at": started.isoformat() if started else None}
    return refresh.publish_run(settings(), shadow, str(context["run_id"]), report)


def publish_postgres() -> dict[str, Any]:
    return refresh.publish_postgres(settings(), run_id_from_context())


def briefing() -> dict[str, Any]:
    return refresh.briefing(settings(), run_id_from_context())


def abandon() -> None:
    """Runs when any refresh step failed: discard the shadow copy (the published warehouse stays as
    it was), then fail, so the DAG run is marked failed (this task is the DAG's only leaf)."""
    from airflow.sdk import get_current_context
    from airflow.sdk.exceptions import AirflowFailException

    run_id = str(get_current_context()["run_id"])
    refresh.abandon(settings(), run_id, "a refresh step failed; see the task logs of this run")
    raise AirflowFailException(f"refresh {run_id} failed: shadow discarded, published warehouse unchanged")
