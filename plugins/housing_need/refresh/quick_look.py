"""Which DAG runs a refresh needs, decided before Airflow starts.

A refresh with nothing new used to pay for Airflow all the same: importing it, filling the DAG bag,
starting the in-process execution API and running every extract DAG and the refresh DAG to find
that no step had work (18 s on the bundled data, against ~1 s for the answer). The answer needs
only local files, so it is given here first:

- an extract DAG runs when its source may have a new delivery (:func:`~..pipeline.extract.
  why_extract`: a publisher URL to ask, a release due on its calendar, a file in the inbox, a sample
  file not archived yet);
- the refresh DAG runs when any extract DAG runs, or when the warehouse is behind the archive or
  the project (:func:`why_refresh`: the same questions the refresh's ``begin`` step asks, plus the
  parts of the site it rebuilds and a configured BI database, which only the run can compare).

Nothing here writes: with no reason to run, the refresh prints why and ends; a scheduled Airflow
deployment runs the DAGs on their own cadence and is not affected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..config import Settings
from ..pipeline import build_state, warehouse
from ..pipeline.extract import calendar_status, why_extract
from ..pipeline.plan import new_refusals, plan
from ..publish.postgres import pg_uri_from_env
from ..sources import SourceSpec
from .report import FAILED, PARTIAL, RUNNING, load_latest


@dataclass
class RunsNeeded:
    extracts: dict[str, str] = field(default_factory=dict)  # source -> why its extract DAG runs
    refresh: list[str] = field(default_factory=list)  # why the refresh DAG runs
    calendars: dict[str, str] = field(default_factory=dict)  # source -> where it stands on its calendar

    @property
    def nothing(self) -> bool:
        return not self.extracts and not self.refresh


def why_refresh(settings: Settings, specs: Mapping[str, SourceSpec], *, full: bool = False) -> list[str]:
    """Why the refresh DAG must run although no extract brings anything new (empty: it would find
    nothing to do)."""
    if full:
        return ["a full rebuild was asked for (--full)"]
    if not settings.warehouse_path.exists():
        return ["no warehouse is published yet"]
    reasons = []
    if settings.shadow_dir.exists() and any(settings.shadow_dir.iterdir()):
        reasons.append("an earlier run left a shadow copy to clear")
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        plans = plan(con, specs.values(), settings.archive_dir)
        behind = sorted(name for name, p in plans.items() if p.pending or p.withdraw)
        if behind:
            reasons.append("archived deliveries not in the warehouse yet: " + ", ".join(behind))
        changed = build_state.changes(con, settings)
        if changed:
            reasons.append(changed)
        if build_state.expectations_changed(con, settings):
            reasons.append("the expectation suites changed")
        refused = sorted(name for name in specs if new_refusals(con, settings.archive_dir, name))
        if refused:
            reasons.append("refused deliveries not reported yet: " + ", ".join(refused))
    last = load_latest(settings.runs_dir)
    if last is None:
        reasons.append("no record of an earlier refresh")
    elif last.status in (FAILED, PARTIAL, RUNNING) or last.failed_sources:
        reasons.append(f"the last refresh ({last.run_id}) ended {last.status}, with failures to report again")
    site = settings.site_dir
    for part, made in (
        ("briefing pages", site / "briefing" / "index.html"),
        ("backtest", site / "backtest" / "backtest.md"),
    ):
        if not made.exists():
            reasons.append(f"the {part} are not built")
    if pg_uri_from_env() is not None:
        reasons.append("a BI database is configured (the run checks whether it is behind)")
    return reasons


def runs_needed(settings: Settings, specs: Mapping[str, SourceSpec], *, full: bool = False) -> RunsNeeded:
    """The extract DAGs that may collect something and the reasons to run the refresh DAG."""
    needed = RunsNeeded()
    for name, spec in specs.items():
        reason = why_extract(spec, settings)
        if reason:
            needed.extracts[name] = reason
        status = calendar_status(spec, settings)
        if status is not None:
            needed.calendars[name] = status.text()
    needed.refresh = why_refresh(settings, specs, full=full)
    return needed
