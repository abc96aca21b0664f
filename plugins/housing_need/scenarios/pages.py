"""A scenario's briefing pages: the published templates on the scenario's snapshot (its rebuilt need
marts beside every other published mart), a banner naming the scenario and its overrides on every page,
and comparison.html beside the baseline; in ``var/site/scenarios/<name>/`` (``./run serve`` serves
it), swapped in whole like the published site."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..publish.briefing import ScenarioBanner, build_briefing
from ..publish.briefing.comparison import AreaChange, Comparison
from . import compare
from .spec import Scenario


def site_path(var_dir: Path, name: str) -> Path:
    return var_dir / "site" / "scenarios" / name


def build_pages(scenario: Scenario, baseline_run_id: str, snapshot: Path, var_dir: Path) -> Path:
    """The pages of ``scenario``, built from ``snapshot`` and compared with the published need marts
    the snapshot was taken with (``build.keep_baseline`` kept them beside the rebuilt ones)."""
    out = site_path(var_dir, scenario.name)
    banner = ScenarioBanner(
        name=scenario.name,
        description=scenario.file.description,
        author=scenario.file.author,
        overrides=tuple(scenario.overrides),
        baseline_run_id=baseline_run_id,
        baseline_href="../../briefing/index.html",
    )
    base = compare.Side("baseline", snapshot, compare.BASELINE_SCHEMA)
    mine = compare.Side(scenario.name, snapshot, "marts")
    header, rows = compare.pair_table(compare.pair_changes(base, mine), ("baseline", scenario.name))
    comparison = Comparison(
        migration_scenario="central",
        areas=[
            AreaChange(kind, code, name, horizon, before, after, tuple(deltas))
            for kind, code, name, horizon, before, after, *deltas in compare.area_changes(base, mine)
        ],
        pair_headers=header,
        pair_rows=rows,
        synthetic=_synthetic(snapshot),
    )
    build_briefing(snapshot, out, scenario=banner, comparison=comparison)
    return out


def _synthetic(snapshot: Path) -> list[str]:
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        return [
            str(text)
            for (text,) in con.execute(
                "select distinct synthetic_inputs from marts.mart_housing_need_estimate "
                "where rests_on_synthetic_input order by 1"
            ).fetchall()
        ]
    finally:
        con.close()
