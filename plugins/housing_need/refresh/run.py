"""Running the refresh's steps (``steps.py``): one step of a run, recorded in its run report and
saved, failures re-raised (what each DAG task calls); abandoning a run whose guarded step failed; and
every step in order in one process, without Airflow (benchmarks, tests, debugging)."""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime
from typing import Any

from ..config import Settings
from ..errors import HousingNeedError
from ..ops.processes import release_free_memory
from ..pipeline import warehouse
from ..pipeline.lock import TOKEN_ENV
from .report import DONE, FAILED, SKIPPED, STEP_FAILED, RunReport, StepRecord, load_report, now_iso
from .steps import STEPS, STEPS_BY_NAME, Context, Skip, release

log = logging.getLogger(__name__)


def run_step(settings: Settings, name: str, run_id: str, *, full: bool = False) -> StepRecord:
    """Run one step of run ``run_id``: record it in the run report, save the report, re-raise failures."""
    step = STEPS_BY_NAME[name]
    report = load_report(settings.runs_dir, run_id)
    if report is None:
        if name != "begin":
            raise HousingNeedError(f"run {run_id} has no report: it must start with the 'begin' step")
        report = RunReport(run_id=run_id, full=full)
    ctx = Context(settings, run_id, report)
    release_free_memory()  # what the previous step freed, before this one (dbt) starts a child
    started_at, started = now_iso(), time.monotonic()
    try:
        if step.in_shadow and report.shadow is None:
            raise Skip("nothing new: this run made no shadow copy")
        if step.writes and name != "begin":
            ctx.lease.check(ctx.token)
        if step.writes and not os.environ.get(TOKEN_ENV) and name != "begin":
            with ctx.lease.beating(ctx.token):
                summary = step.run(ctx)
        else:
            summary = step.run(ctx)
        record = StepRecord(
            name=name, status=DONE, started_at=started_at, seconds=_since(started), summary=summary
        )
    except Skip as skip:
        record = StepRecord(
            name=name, status=SKIPPED, started_at=started_at, seconds=_since(started), summary=str(skip)
        )
    except BaseException as exc:
        record = StepRecord(
            name=name,
            status=STEP_FAILED,
            started_at=started_at,
            seconds=_since(started),
            error=f"{type(exc).__name__}: {exc}",
        )
        report.steps.append(record)
        report.error = f"step {name} failed: {exc}"
        report.save(settings.runs_dir)
        raise
    report.steps.append(record)
    log.info("step %s: %s%s", name, record.status, f": {record.summary}" if record.summary else "")
    report.save(settings.runs_dir)
    return record


def abandon(settings: Settings, run_id: str) -> RunReport:
    """A guarded step failed: drop this run's shadow, record the failure, give the lease back.
    The published warehouse is exactly as it was."""
    report = load_report(settings.runs_dir, run_id) or RunReport(run_id=run_id)
    warehouse.discard_shadow(settings.shadow_dir, run_id)
    report.status = FAILED
    report.finished_at = now_iso()
    report.error = report.error or "a refresh step failed; see the task logs of this run"
    report.save(settings.runs_dir)
    release(Context(settings, run_id, report))
    return report


def run_refresh(settings: Settings, run_id: str | None = None, *, full: bool = False) -> RunReport:
    """Every step in order in this process (no Airflow): for benchmarks, tests and debugging."""
    run_id = run_id or f"local__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S.%f')}"
    for step in STEPS:
        try:
            run_step(settings, step.name, run_id, full=full)
        except BaseException:
            if step.guarded:
                abandon(settings, run_id)
            raise
    report = load_report(settings.runs_dir, run_id)
    assert report is not None
    return report


def step_record(record: StepRecord) -> dict[str, Any]:
    """A step record as Airflow passes it on (XCom)."""
    return record.model_dump()


def _since(started: float) -> float:
    return round(time.monotonic() - started, 2)
