"""The refresh as one ordered registry of steps, read by the Airflow DAG, the CLI and the benchmarks.
It sits above what it composes (pipeline, quality, publish, model) and imports them directly.

begin → load_raw → raw_gate → dbt_build (and its docs) → account → marts_gate → publish,
then publish_postgres, briefing and backtest from the published warehouse.

Each step is a function of a :class:`Context` that fills its part of the run report
(``report.py``) and returns a one-line summary, or raises :class:`Skip` when there is nothing for it
to do. ``run.py`` runs them: :func:`~.run.run_step` records every step in the report, saves it,
and re-raises failures, so the DAG (one task per step), :func:`~.run.run_refresh` (all steps in one
process) and the CLI read one record. Adding a step is one function and one line in ``STEPS``.

Steps before ``publish`` are guarded: if one fails, :func:`~.run.abandon` drops the run's shadow copy and the
published warehouse stays exactly as it was. A source whose delivery fails to load or fails its raw
gate is set aside alone: its new loads are taken back out of the shadow, the run goes on for the
other sources, and the report marks that source failed.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..config import Settings
from ..errors import HousingNeedError
from ..pipeline import build_state, dbt_state, warehouse
from ..pipeline.accounting import account as account_rows
from ..pipeline.dbt_runner import COMMAND_RESULTS, DbtResult, DbtStateUnusable, run_dbt
from ..pipeline.load import load_files, withdraw
from ..pipeline.lock import TOKEN_ENV, WriterLease, run_token
from ..pipeline.plan import SourcePlan, archived, mark_refusals_seen, new_refusals, plan
from ..pipeline.raw_schema import ensure_raw_table, ensure_schema
from ..privacy.policy import policy_for
from ..publish.backtest import write_backtest
from ..publish.briefing import build_briefing
from ..publish.postgres import last_published_run, pg_uri_from_env, publish_marts, redact
from ..publish.swap import install_dbt_docs
from ..quality import GateResult
from ..quality.child import run_gate_in_child
from ..sources import SourceSpec, sources
from .report import (
    FAILED,
    PARTIAL,
    SUCCESS,
    UNCHANGED,
    BuildRecord,
    GateRecord,
    RunReport,
    now_iso,
    record_run,
)

log = logging.getLogger(__name__)
# Every build's arguments: stop at the first failure, and leave out dbt's unit tests, as dbt advises
# for production builds: they check the models' code on fixed inputs, which no delivery changes, and
# they sat on the build's critical path (each before its model). The suite runs every one
# (tests/integration/test_dbt_unit_tests.py). Full and modified builds add --full-refresh: the
# incremental models (the council register's, docs/registers.md) are rebuilt from every row when the
# project changed or a full build was asked for, and only an incremental build (new or withdrawn
# deliveries, same project) adds to them.
DBT_BUILD = ("build", "--fail-fast", "--exclude-resource-type", "unit_test")


class Skip(Exception):
    """Raised by a step that has nothing to do in this run; the message says why."""


@dataclass
class Context:
    settings: Settings
    run_id: str
    report: RunReport
    specs: Mapping[str, SourceSpec] = field(default_factory=sources)

    @property
    def token(self) -> str:
        return os.environ.get(TOKEN_ENV) or run_token(self.run_id)

    @property
    def lease(self) -> WriterLease:
        return WriterLease(self.settings.warehouse_path)

    @property
    def shadow(self) -> Path:
        return warehouse.shadow_path(self.settings.shadow_dir, self.settings.warehouse_path)

    @property
    def dbt_target(self) -> Path:
        """One target folder (one run at a time holds the lease): dbt's partial parsing state
        carries over from run to run."""
        return self.settings.var_dir / "dbt" / "target"


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Context], str]
    guarded: bool = True  # before publish: a failure abandons the run
    writes: bool = True  # needs the writer lease
    in_shadow: bool = False  # works in the shadow copy: skipped when the run made none
    task: Mapping[str, Any] = field(default_factory=dict)  # extra Airflow task arguments


# --------------------------------------------------------------------------------------------
# The steps


def begin(ctx: Context) -> str:
    """Take the writer lease, plan the run, and copy the published warehouse into a shadow when
    there is anything to do (a run with nothing new copies nothing and publishes nothing)."""
    s, report = ctx.settings, ctx.report
    holder = "housing-need refresh" if os.environ.get(TOKEN_ENV) else f"Airflow run {ctx.run_id}"
    ctx.lease.acquire(holder, token=ctx.token, run_id=ctx.run_id)
    if not s.warehouse_path.exists():
        plans = {name: SourcePlan(pending=archived(s.archive_dir, spec)) for name, spec in ctx.specs.items()}
        decision = build_state.plan_build(None, s, pending=_pending(plans), full_requested=report.full)
        refusals = {name: new_refusals(None, s.archive_dir, name) for name in ctx.specs}
    else:
        with warehouse.connect(s.warehouse_path, read_only=True) as con:
            plans = plan(con, ctx.specs.values(), s.archive_dir)
            decision = build_state.plan_build(con, s, pending=_pending(plans), full_requested=report.full)
            refusals = {name: new_refusals(con, s.archive_dir, name) for name in ctx.specs}
    for name, spec in ctx.specs.items():
        record = report.source(name)
        policy = policy_for(spec.privacy)
        record.privacy, record.policy = policy.privacy, policy.sentence()
        record.skipped_rejected = [e.original_name for e in plans[name].skipped_rejected]
        record.refused = refusals[name]
        record.failures += [f"delivery refused: {r}" for r in record.refused]
        if record.refused:
            record.status = "failed"
    report.build = BuildRecord(mode=decision.mode, reason=decision.reason, select=decision.select)
    files = sum(len(p.pending) for p in plans.values())
    withdrawing = sum(len(p.withdraw) for p in plans.values())
    if report.build.mode == "none" and not any(refusals.values()):
        return "nothing new: no shadow copy made"
    shadow = warehouse.prepare_shadow(s.warehouse_path, s.shadow_dir, ctx.run_id)
    report.shadow = str(shadow)
    with warehouse.connect(shadow) as con:
        ensure_schema(con)
        for name, spec in ctx.specs.items():
            ensure_raw_table(con, spec)  # dbt reads every source's raw table, delivered or not
            mark_refusals_seen(con, s.archive_dir, name)
    return f"shadow copy made; {files} file(s) to load, {withdrawing} to withdraw; build: {report.build.mode}"


def load_raw(ctx: Context) -> str:
    """Withdraw rejected loads, then load every archived file not loaded yet (one transaction each)."""
    report = ctx.report
    with warehouse.connect(ctx.shadow) as con:
        plans = plan(con, ctx.specs.values(), ctx.settings.archive_dir)
        loaded = withdrawn = 0
        for name, source_plan in plans.items():
            record = report.source(name)
            if source_plan.withdraw:
                record.withdrawn = withdraw(con, [e.load_id for e in source_plan.withdraw])
                withdrawn += len(record.withdrawn)
                record.status = "withdrawn"
            try:
                for load_record in load_files(
                    con, ctx.specs[name], source_plan.pending, ctx.settings.archive_dir, run_id=ctx.run_id
                ):
                    record.loads.append(load_record)
                    loaded += 1
            except HousingNeedError as exc:
                _set_aside(con, report, name, f"load failed: {exc}")
                continue
            if record.loads:
                record.status = "new data"
    _settle_build_mode(report)
    if not loaded and not withdrawn:
        raise Skip("no new deliveries to load and none to withdraw")
    return f"{loaded} file(s) loaded, {withdrawn} withdrawn"


def raw_gate(ctx: Context) -> str:
    """Great Expectations on this run's new loads only; a failing source is set aside alone."""
    report = ctx.report
    new_loads = {
        name: [load_record.load_id for load_record in record.loads]
        for name, record in report.sources.items()
        if record.loads
    }
    if not new_loads:
        raise Skip("no new loads to check")
    result = _gate(ctx, "raw", new_loads=new_loads, raise_on_failure=False)
    failed = result.failed_sources()
    if failed:
        with warehouse.connect(ctx.shadow) as con:
            for name, lines in failed.items():
                _set_aside(con, report, name, *(f"raw gate: {line}" for line in lines))
        _settle_build_mode(report)
    unattributed = [o for o in result.outcomes if not o.success and not o.sources]
    if unattributed:
        raise HousingNeedError(result.failure_message())
    return result.summary().splitlines()[0]


def dbt_build(ctx: Context) -> str:
    """dbt build in the shadow: everything (full), what the project change touched and what depends on
    the sources that changed (modified), or only the latter (incremental)."""
    report = ctx.report
    assert report.build is not None
    if report.build.mode == "none":
        raise Skip(report.build.reason)
    with warehouse.connect(ctx.shadow, read_only=True) as con:
        selectors = build_state.selectors(con)
        saved = dbt_state.load(con)
    args = _build_args(ctx, selectors, saved)
    started = time.monotonic()
    (ctx.dbt_target / "static_index.html").unlink(missing_ok=True)
    try:
        result = _run_build(ctx, args)
    except DbtStateUnusable as exc:  # nothing was built: build everything instead, and say why
        report.build.mode, report.build.select = "full", []
        report.build.reason += f"; full build instead: dbt could not use the saved state ({exc})"
        result = _run_build(ctx, [*DBT_BUILD, "--full-refresh"])
    report.build.seconds = round(time.monotonic() - started, 2)
    report.build.summary = result.summary()
    manifest_path = ctx.dbt_target / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    report.build.relations = build_state.built_relations(manifest, ctx.dbt_target / COMMAND_RESULTS)
    with warehouse.connect(ctx.shadow) as con:
        if saved is not None and report.build.mode != "incremental":  # the project may have lost nodes
            removed = dbt_state.removed_relations(saved.manifest_json(), manifest)
            report.build.dropped = dbt_state.drop_relations(con, removed)
        build_state.record_build(con, ctx.settings, manifest, manifest_path)
    return f"{report.build.mode}: {result.summary()}"


def _build_args(ctx: Context, selectors: dict[str, str], saved: dbt_state.SavedState | None) -> list[str]:
    """``dbt build`` of the whole project, of what the project change touched (``state:modified+``
    against the published build's manifest) and what depends on the delivered sources (these two
    with ``--full-refresh``), or of these sources' dependants only (incremental models add the new
    snapshots); fills in the build record's selection."""
    build = ctx.report.build
    assert build is not None
    args = list(DBT_BUILD)
    if build.mode == "full":
        return [*args, "--full-refresh"]
    wanted = {ctx.specs[name].raw_table for name in ctx.report.changed_sources}
    sources = sorted(selectors[t] for t in wanted if t in selectors)
    if build.mode == "incremental":
        build.select = sources
        if not build.select:
            build.reason += "; no dbt model reads these sources"
            raise Skip(build.reason)
        return [*args, "--select", *build.select]
    assert saved is not None, "a modified build is planned only when the dbt state is saved"
    build.select = list(dict.fromkeys([*build.select, *sources]))
    state = saved.write_manifest(ctx.settings.var_dir / "dbt" / "state")
    return [*args, "--full-refresh", "--select", *build.select, "--state", str(state)]


def _run_build(ctx: Context, args: list[str]) -> DbtResult:
    return run_dbt(
        args,
        project_dir=ctx.settings.dbt_project_dir,
        warehouse_path=ctx.shadow,
        target_path=ctx.dbt_target,
        docs=True,
    )


def account(ctx: Context) -> str:
    """Every raw row of every changed source's loads: in the facts, or set aside and why."""
    report = ctx.report
    names = [n for n in report.changed_sources if ctx.specs[n].row_outcomes_model]
    if report.build is not None and report.build.mode == "full":
        names = [n for n, spec in ctx.specs.items() if spec.row_outcomes_model]
    if not names:
        raise Skip("no source with new data has a row-outcomes model")
    with warehouse.connect(ctx.shadow) as con:
        for name in names:
            spec = ctx.specs[name]
            this_run = [r.load_id for r in report.source(name).loads]
            report.source(name).outcomes = account_rows(con, spec, this_run)
    return "rows accounted for: " + ", ".join(names)


def marts_gate(ctx: Context) -> str:
    """Great Expectations on the marts rebuilt in this run (every mart after a full build)."""
    report = ctx.report
    assert report.build is not None
    if report.build.mode == "none" or not report.build.summary:
        raise Skip("no marts rebuilt")
    with warehouse.connect(ctx.shadow) as con:
        suites_changed = build_state.expectations_changed(con, ctx.settings)
    tables = None if report.build.mode == "full" or suites_changed else report.build.relations
    result = _gate(ctx, "marts", tables=tables)
    with warehouse.connect(ctx.shadow) as con:
        build_state.record_expectations(con, ctx.settings)
    return result.summary().splitlines()[0]


def publish(ctx: Context) -> str:
    """Record the run in the shadow, then swap it in (atomic rename) while holding the lease."""
    s, report = ctx.settings, ctx.report
    refused = any(record.refused for record in report.sources.values())
    if report.shadow is None or (
        not report.changed_sources and not (report.build and report.build.summary) and not refused
    ):
        report.status = FAILED if report.failed_sources else UNCHANGED
        warehouse.discard_shadow(s.shadow_dir, ctx.run_id)
        release(ctx)
        raise Skip("nothing changed: the published warehouse stays as it is")
    report.status = PARTIAL if report.failed_sources else SUCCESS
    report.finished_at = now_iso()
    report.published = True
    report.warehouse = str(s.warehouse_path)
    if (ctx.dbt_target / "static_index.html").exists():
        report.dbt_docs = str(s.dbt_docs_dir / "static_index.html")
    with warehouse.connect(ctx.shadow) as con:
        record_run(con, report)
    with ctx.lease.locked():
        ctx.lease._owned(ctx.token)
        warehouse.publish(ctx.shadow, s.warehouse_path)
    install_dbt_docs(ctx.dbt_target, s.dbt_docs_dir)
    warehouse.discard_shadow(s.shadow_dir, ctx.run_id)
    release(ctx)
    return f"published {s.warehouse_path} ({report.status})"


def publish_postgres(ctx: Context) -> str:
    """Copy the marts to the BI PostgreSQL, when one is configured and the marts changed."""
    uri = pg_uri_from_env()
    if uri is None:
        raise Skip("no BI database configured (HOUSING_NEED_PG_URI / HOUSING_NEED_PG_HOST)")
    if not ctx.report.published and not _postgres_behind(ctx, uri):
        raise Skip("the BI database already holds the published marts")
    summary = publish_marts(ctx.settings.warehouse_path, uri, run_id=_published_run(ctx) or ctx.run_id)
    ctx.report.postgres = redact(uri)
    return summary.line()


def _site_part_needed(ctx: Context, made: Path, what: str) -> None:
    """Skip a part of the site built from the published warehouse when it is already current (the
    warehouse did not change and ``made`` exists) or when nothing is published yet."""
    if not ctx.report.published and made.exists():
        raise Skip(f"the published warehouse did not change: {what}")
    if not ctx.settings.warehouse_path.exists():
        raise Skip("nothing published yet")


def briefing(ctx: Context) -> str:
    """Rebuild the briefing pages from the published warehouse."""
    out = ctx.settings.site_dir / "briefing"
    _site_part_needed(ctx, out / "index.html", "the pages are current")
    summary = build_briefing(ctx.settings.warehouse_path, out)
    ctx.report.briefing = str(summary.out_dir / "index.html")
    return f"{summary.pages} pages, {summary.sections_rendered} sections"


def backtest(ctx: Context) -> str:
    """Re-run the asylum-support projection from every origin since 2016 Q1 on the published warehouse
    and write the scored report to the site (``backtest/backtest.md``)."""
    out = ctx.settings.site_dir / "backtest"
    _site_part_needed(ctx, out / "backtest.md", "the backtest is current")
    files = write_backtest(ctx.settings.warehouse_path, out)
    return ", ".join(
        f"{h.horizon}q WAPE {h.wape:.3f} (static {h.wape_static:.3f}, cover {h.coverage:.0%})"
        for h in files.report.horizons
    )


STEPS: tuple[Step, ...] = (
    Step("begin", begin),
    Step("load_raw", load_raw, in_shadow=True),
    Step("raw_gate", raw_gate, in_shadow=True),
    Step("dbt_build", dbt_build, in_shadow=True),
    Step("account", account, in_shadow=True),
    Step("marts_gate", marts_gate, in_shadow=True),
    Step("publish", publish),
    Step("publish_postgres", publish_postgres, guarded=False, writes=False, task={"retries": 2}),
    Step("briefing", briefing, guarded=False, writes=False),
    Step("backtest", backtest, guarded=False, writes=False),
)
STEPS_BY_NAME = {step.name: step for step in STEPS}
GUARDED = tuple(step.name for step in STEPS if step.guarded)


# --------------------------------------------------------------------------------------------
# Helpers


def _private_sources(ctx: Context) -> list[str]:
    return [name for name, spec in ctx.specs.items() if policy_for(spec.privacy).encrypt_archive]


def _set_aside(con: duckdb.DuckDBPyConnection, report: RunReport, name: str, *failures: str) -> None:
    record = report.source(name)
    ids = [load_record.load_id for load_record in record.loads]
    withdraw(con, ids)
    record.set_aside += ids
    record.loads = []
    record.failures += list(failures)
    record.status = "failed"
    log.error("%s set aside for this run: %s", name, "; ".join(failures))


def _pending(plans: Mapping[str, SourcePlan]) -> list[str]:
    return sorted(n for n, p in plans.items() if p.pending or p.withdraw)


def _settle_build_mode(report: RunReport) -> None:
    """An incremental build with nothing left to build (every changed source set aside) is none."""
    if report.build and report.build.mode == "incremental" and not report.changed_sources:
        report.build = BuildRecord(mode="none", reason="every new delivery was set aside")


def _gate(ctx: Context, name: str, **scope: Any) -> GateResult:
    """Run gate ``name`` on the shadow (values withheld for private sources) and record it. The gate
    runs in a child process (quality/child.py): this process, which lives for the whole run and is
    alive while dbt builds, never imports Great Expectations."""
    result = run_gate_in_child(
        name,
        ctx.shadow,
        expectations_dir=ctx.settings.expectations_dir,
        gx_dir=ctx.settings.var_dir / "gx",
        data_docs_dir=ctx.settings.data_docs_dir,
        redact_sources=_private_sources(ctx),
        node_modules=ctx.settings.node_modules_dir,
        **scope,
    )
    ctx.report.gates[name] = _gate_record(result)
    ctx.report.data_docs = ctx.report.gates[name].data_docs
    if ctx.report.data_docs and result.data_docs_warning:  # shown where the reader looks for the site
        ctx.report.data_docs += f" (warning: {result.data_docs_warning})"
    return result


def _gate_record(result: GateResult) -> GateRecord:
    lines = result.summary().splitlines()
    return GateRecord(
        gate=result.gate,
        passed=result.success,
        suites=len(result.outcomes),
        expectations=sum(o.evaluated for o in result.outcomes),
        skipped=sum(1 for o in result.outcomes if o.skipped),
        lines=lines,
        data_docs=str(result.data_docs_index) if result.data_docs_index else None,
        seconds=round(result.seconds, 2),
    )


def release(ctx: Context) -> None:
    """Runs of their own give the lease back; a CLI-held lease is released by the CLI."""
    if not os.environ.get(TOKEN_ENV):
        ctx.lease.release(ctx.token)


def _published_run(ctx: Context) -> str | None:
    with warehouse.connect(ctx.settings.warehouse_path, read_only=True) as con:
        row = con.execute("select run_id from meta.runs order by finished_at desc limit 1").fetchone()
    return str(row[0]) if row else None


def _postgres_behind(ctx: Context, uri: str) -> bool:
    return last_published_run(uri) != _published_run(ctx)
