"""``scenario run FILE``: the need models rebuilt with a scenario's overrides, never on the published
warehouse.

1. The file is read and checked on its own (nothing is touched if it fails).
2. Under the scenario's own lock (two runs of one scenario take turns; different scenarios run side
   by side), the published warehouse is copied to ``var/scenarios/.work/<name>/`` while holding the
   warehouse's writer flock, which a refresh holds while it swaps its shadow copy in: the copy is
   one published state, never half of a swap. The copy keeps the warehouse's file name, so its
   catalog name and the views in it are those dbt expects (as the refresh's shadow copy does).
3. The file is checked against that snapshot (parameters, LAs, communities, event dates); a problem
   removes the snapshot and changes nothing.
4. dbt builds the need models and their children on the snapshot with ``--vars {"scenario": …}``
   (the same SQL as the published build: the models read the var through
   ``macros/scenario_overrides.sql``), then runs their data tests; a failing plausibility band is
   recorded and printed, not fatal: a what-if may leave the published bands.
5. Its briefing pages (``pages.py``) are built from the snapshot into ``var/site/scenarios/<name>/``.
6. The rebuilt marts are copied into ``scenario_<name>`` of a new file with the record, which is
   renamed to ``var/scenarios/<name>.duckdb``; the snapshot is removed.
7. With a BI database configured (``HOUSING_NEED_PG_URI``, as the refresh reads it), the schema is
   copied to PostgreSQL ``scenario_<name>`` and its record into ``scenarios.scenarios``, both readable
   by ``bi_reader`` (``publish/postgres.py``); the BI copy of the baseline (``marts``) is not touched.

Reproducible: the parameter draws are a seeded seed file and the models' sums are ordered, so one
file on one warehouse gives the same rows (the record keeps each table's checksum).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from ..pipeline.dbt_runner import DbtFailed, run_dbt
from ..pipeline.lock import exclusive
from ..publish.postgres import pg_uri_from_env, publish_scenario, redact
from . import compare, pages, store
from .spec import Baseline, Scenario, ScenarioError, read_file, resolve

log = logging.getLogger(__name__)

# The need models a scenario changes, with everything downstream of them (dbt's "+" selector)
NEED_MODELS = ("int_need_parameter_draws+", "int_need_migration_regimes+", "int_need_community_inputs+")
PROJECTION = "fct_asylum_support_projection+"  # rebuilt when a scenario has known events


def read_baseline(warehouse: Path) -> Baseline:
    """The baseline's parameters, LAs, communities, latest quarter and provenance, from ``warehouse``."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        run = con.execute(
            "select run_id from meta.runs where status = 'success' order by finished_at desc nulls last limit 1"
        ).fetchone()
        parameters = {
            name: (float(low), float(central), float(high), str(varies))
            for name, low, central, high, varies in con.execute(
                "select parameter, low, central, high, varies from reference.ref_need_parameters"
            ).fetchall()
        }
        (version,) = con.execute(
            "select max(parameter_version) from reference.ref_need_parameters"
        ).fetchone() or ("",)
        las = dict(
            con.execute("select distinct lad_code, lad_name from marts.mart_housing_need_estimate").fetchall()
        )
        communities = dict(
            con.execute(
                "select distinct community_key, community_name from marts.mart_housing_need_estimate"
            ).fetchall()
        )
        (base_date,) = con.execute(
            "select max(base_date) from marts.mart_housing_need_estimate"
        ).fetchone() or (None,)
        supported = dict(
            con.execute(
                "select lad_code, sum(people) from marts.fct_asylum_support_by_la_quarter "
                "where period_end = ? and lad_code is not null group by lad_code",
                [base_date],
            ).fetchall()
        )
        grant_rates = dict(
            con.execute(
                "select distinct community_key, asylum_grant_rate from intermediate.int_need_community_inputs "
                "where asylum_grant_rate is not null"
            ).fetchall()
        )
        releases: dict[str, list[str]] = {}
        for source, release in con.execute(
            "select distinct source, release from meta.loads order by source, release"
        ).fetchall():
            releases.setdefault(source, []).append(release)
    finally:
        con.close()
    if base_date is None:
        raise ScenarioError(f"{warehouse}: the published warehouse has no need estimates to depart from")
    return Baseline(
        run_id=run[0] if run else "unknown",
        parameter_version=str(version),
        parameters=parameters,
        las=las,
        communities=communities,
        base_date=base_date,
        people_supported_at_base={k: int(v) for k, v in supported.items()},
        grant_rates={k: float(v) for k, v in grant_rates.items()},
        input_releases=releases,
    )


def snapshot(published: Path, target: Path) -> None:
    """Copy the published warehouse: one published state, whatever a refresh does meanwhile. A refresh
    publishes by renaming its checkpointed shadow over this path (pipeline/warehouse.publish), so the
    file opened here stays the state it was when opened; no lock is taken (the writer flock guards the
    lease, and holding it through the copy of a national warehouse would stall a refresh's heartbeat)."""
    try:
        source = published.open("rb")
    except FileNotFoundError:
        raise ScenarioError(f"{published}: nothing is published yet: `./run refresh` first") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    with source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy, 8 << 20)


def keep_baseline(copy: Path) -> None:
    """Keep the snapshot's own need marts in schema ``compare.BASELINE_SCHEMA`` before dbt rebuilds
    them: the comparison page sets the scenario beside the published state it departs from, not
    beside whatever a refresh has published since the snapshot was taken."""
    con = duckdb.connect(str(copy))
    try:
        con.execute(f"create schema {compare.BASELINE_SCHEMA}")
        for table in compare.TABLES:
            con.execute(f"create table {compare.BASELINE_SCHEMA}.{table} as select * from marts.{table}")
    finally:
        con.close()


def run_scenario(
    file: Path,
    *,
    var_dir: Path,
    warehouse: Path,
    dbt_project_dir: Path,
    say: Callable[[str], None] = print,
) -> store.Record:
    """Build the scenario in ``file``; returns its record (see the module docstring)."""
    spec = read_file(file.resolve())
    var_dir, warehouse = var_dir.resolve(), warehouse.resolve()  # dbt runs in the project folder
    folder = store.scenarios_dir(var_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive(store.lock_path(var_dir, spec.name)):
        work = folder / ".work" / spec.name
        shutil.rmtree(work, ignore_errors=True)
        try:
            copy = work / warehouse.name
            snapshot(warehouse, copy)
            baseline = read_baseline(copy)
            keep_baseline(copy)
            scenario = resolve(spec, baseline)
            say(f"scenario {scenario.name}: {len(scenario.overrides)} override(s) of run {baseline.run_id}")
            for line in scenario.overrides:
                say(f"  {line}")
            built = _build(scenario, copy, work / "target", dbt_project_dir, say)
            tests = _test(copy, work / "target", dbt_project_dir, scenario)
            say(f"  dbt tests on the scenario: {tests}")
            site = pages.build_pages(scenario, baseline.run_id, copy, var_dir)
            say(f"  pages: {site / 'index.html'} (beside the baseline: comparison.html)")
            staged = folder / f".{spec.name}.duckdb.new"
            staged.unlink(missing_ok=True)
            _write(scenario, baseline, copy, built, staged, warehouse, tests)
            os.replace(staged, store.scenario_path(var_dir, spec.name))
            pg_uri = pg_uri_from_env()
            if pg_uri:
                copied = publish_scenario(store.scenario_path(var_dir, spec.name), scenario.schema, pg_uri)
                say(
                    f"  BI copy: {len(copied.tables)} tables in PostgreSQL schema {scenario.schema} ({redact(pg_uri)})"
                )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return store.read_record(store.scenario_path(var_dir, spec.name))


def _models(scenario: Scenario) -> tuple[str, ...]:
    """The need models, and the projection of asylum support when the scenario has known events."""
    return NEED_MODELS + (PROJECTION,) * bool(scenario.dbt_vars["known_events"])


def _dbt_vars(scenario: Scenario) -> list[str]:
    return ["--vars", json.dumps({"scenario": scenario.dbt_vars}, sort_keys=True)]


def _build(
    scenario: Scenario, copy: Path, target: Path, project: Path, say: Callable[[str], None]
) -> list[str]:
    """dbt build of the need models on the snapshot; the marts it rebuilt."""
    say("  dbt build of the need models on a snapshot of the published warehouse …")
    args = ["build", "--select", *_models(scenario), "--exclude-resource-type", "test"]
    args += ["--exclude-resource-type", "unit_test", *_dbt_vars(scenario)]
    run_dbt(args, project_dir=project, warehouse_path=copy, target_path=target)
    results = json.loads((target / "command_results.json").read_text(encoding="utf-8"))
    models = [
        r["unique_id"].split(".")[-1] for r in results["results"] if r["unique_id"].startswith("model.")
    ]
    con = duckdb.connect(str(copy), read_only=True)
    try:
        marts = {
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    finally:
        con.close()
    return sorted(m for m in models if m in marts)


def _test(copy: Path, target: Path, project: Path, scenario: Scenario) -> str:
    args = [
        "test",
        "--select",
        *_models(scenario),
        "--exclude-resource-type",
        "unit_test",
        *_dbt_vars(scenario),
    ]
    try:
        result = run_dbt(args, project_dir=project, warehouse_path=copy, target_path=target)
    except DbtFailed as failed:
        names = [
            line.split(":")[0].split(".")[2]
            for line in str(failed).splitlines()[1:]
            if line.startswith("test.")
        ]
        return "failing (outside the published bands, kept): " + ", ".join(names or [str(failed)[:200]])
    return f"{result.statuses.get('pass', 0)} passed"


def _write(
    scenario: Scenario,
    baseline: Baseline,
    copy: Path,
    marts: list[str],
    staged: Path,
    published: Path,
    tests: str,
) -> None:
    schema = scenario.schema
    con = duckdb.connect(str(staged))
    try:
        con.execute("set enable_progress_bar = false")
        con.execute(f"attach '{copy}' as snapshot (read_only)")
        con.execute(f"create schema {schema}")
        checksums = {}
        for table in marts:
            con.execute(f"create table {schema}.{table} as select * from snapshot.marts.{table}")
            checksums[table] = store.table_checksum(con, f"{schema}.{table}")
        columns = ", ".join(f"{c} {t}" for c, t in store.RECORD_COLUMNS.items())
        con.execute(f"create table {schema}.{store.RECORD_TABLE} ({columns})")
        values = {
            "name": scenario.name,
            "schema_name": schema,
            "description": scenario.file.description,
            "author": scenario.file.author,
            "file": str(scenario.path),
            "file_sha256": scenario.sha256,
            "file_text": scenario.text,
            "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "baseline": scenario.file.baseline,
            "baseline_warehouse": str(published),
            "baseline_run_id": baseline.run_id,
            "parameter_version": baseline.parameter_version,
            "base_date": baseline.base_date,
            "input_releases": json.dumps(baseline.input_releases, sort_keys=True),
            "overrides": json.dumps(scenario.overrides),
            "dbt_vars": json.dumps(scenario.dbt_vars, sort_keys=True),
            "tables": json.dumps(checksums, sort_keys=True),
            "dbt_tests": tests,
        }
        marks = ", ".join("?" for _ in values)
        con.execute(f"insert into {schema}.{store.RECORD_TABLE} values ({marks})", list(values.values()))
        con.execute("detach snapshot")
        con.execute("checkpoint")
    finally:
        con.close()
