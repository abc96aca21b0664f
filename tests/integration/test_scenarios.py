"""What-if scenarios, through the real command on the real refresh (the session's `bundled` warehouse):

- two scenarios built at once by `scenario run` (one fixture, once per session): one that overrides
  the backlog clearance period, the EU accession regime factor and a Leicester known event; one that
  overrides nothing, whose marts must be byte for byte the published ones (the same SQL, seeded draws);
- hand-computed checks that each override reaches the figures;
- bad files fail naming the file and the key, and leave nothing behind;
- the published warehouse is unchanged (file bytes and every mart's content) after all of it.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, Project
from tests.support.warehouse import marts_fingerprint

COMBINED = """\
name: combined
description: backlog over ten years, EU accession at the census-decade rate, Leicester hotels close
author: test suite
baseline: published
parameter_version: "2026.12.1"
backlog_clearance_years: 10
migration:
  regime_factors:
    eu_accession: 1.0
known_events:
  - date: 2024-06-30
    la: Leicester
    people_supported_change: -596
    description: two contingency hotels close
"""
REPLICA = """\
name: replica
description: no overrides at all
author: test suite
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Built:
    project: Project
    outputs: dict[str, str]
    published_sha256: str
    published_marts: dict[str, str]


@pytest.fixture(scope="module")
def built(bundled: Project, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Two scenarios run at once on the bundled warehouse, from a deployment of their own (its own
    var/, the bundled warehouse as its published one)."""
    base = tmp_path_factory.mktemp("scenarios")
    project = Project(root=ROOT, var_dir=base / "var", warehouse=bundled.warehouse)
    before_sha, before_marts = sha256(bundled.warehouse), marts_fingerprint(bundled.warehouse)
    files = {}
    for name, text in (("combined", COMBINED), ("replica", REPLICA)):
        files[name] = base / f"{name}.yaml"
        files[name].write_text(text, encoding="utf-8")
    with ThreadPoolExecutor(2) as pool:
        results = dict(
            zip(
                files, pool.map(lambda f: project.cli("scenario", "run", str(f)), files.values()), strict=True
            )
        )
    for name, result in results.items():
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"
    return Built(project, {n: r.stdout for n, r in results.items()}, before_sha, before_marts)


def rows(built: Built, sql: str) -> list[tuple]:
    """``sql`` over the scenario files and the published warehouse (as ``pub``), read-only."""
    con = duckdb.connect()
    try:
        for name in ("combined", "replica"):
            con.execute(
                f"attach '{built.project.var_dir / 'scenarios' / f'{name}.duckdb'}' as {name} (read_only)"
            )
        con.execute(f"attach '{built.project.warehouse}' as pub (read_only)")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_scenario_that_overrides_nothing_gives_the_published_marts_byte_for_byte(built: Built) -> None:
    record = rows(
        built,
        "select tables, baseline_run_id, parameter_version, input_releases from replica.scenario_replica.scenarios",
    )
    tables, run_id, version, releases = record[0]
    checksums = json.loads(tables)
    assert set(checksums) == {"mart_housing_need_estimate", "mart_housing_need_total"}
    con = duckdb.connect(str(built.project.warehouse), read_only=True)
    try:
        from housing_need.scenarios.store import table_checksum

        for table, digest in checksums.items():
            assert table_checksum(con, f"marts.{table}") == digest, table
        (published_run,) = con.execute(
            "select run_id from meta.runs where status = 'success' order by finished_at desc limit 1"
        ).fetchone()
    finally:
        con.close()
    assert (run_id, version) == (published_run, "2026.12.1")
    assert json.loads(releases)["home_office_asylum_support"] == ["2023-12-31"]


def test_the_backlog_clearance_period_reaches_the_figures_as_computed_by_hand(built: Built) -> None:
    """backlog_annual = (listed - released) x a x quota x min(Y, 1/quota) / Y: a ten-year clearance
    (quota 0.1) halves the backlog over 5 years, and leaves 10 and 15 as they were."""
    pairs = rows(
        built,
        """
        select p.horizon_years, p.current_unmet_need, p.stock_available, p.unable_to_afford_share,
            p.backlog_annual, s.backlog_annual, s.current_unmet_need
        from pub.marts.mart_housing_need_estimate as p
        inner join combined.scenario_combined.mart_housing_need_estimate as s using (estimate_key)
        where p.lad_name = 'Brent' and p.community_key = 'india' and p.scenario = 'central'
        order by p.horizon_years
        """,
    )
    assert [p[0] for p in pairs] == [5, 10, 15]
    for horizon, listed, released, afford, published, scenario, listed_in_scenario in pairs:
        assert listed_in_scenario == pytest.approx(listed, rel=1e-12)
        net = (listed - released) * afford
        assert published == pytest.approx(net * 0.2 * min(horizon, 5) / horizon, rel=1e-9)
        assert scenario == pytest.approx(net * 0.1 * min(horizon, 10) / horizon, rel=1e-9)
    assert pairs[0][5] == pytest.approx(pairs[0][4] / 2, rel=1e-9) and pairs[0][5] > 100


def test_a_known_event_and_a_regime_factor_reach_the_figures(built: Built) -> None:
    (people,) = rows(
        built,
        "select sum(people) from pub.marts.fct_asylum_support_by_la_quarter "
        "where lad_name = 'Leicester' and period_end = '2023-12-31'",
    )[0:1][0]
    ((published, scenario),) = rows(
        built,
        """
        select p.move_on_annual, s.move_on_annual
        from pub.marts.mart_housing_need_estimate as p
        inner join combined.scenario_combined.mart_housing_need_estimate as s using (estimate_key)
        where p.lad_name = 'Leicester' and p.community_key = 'afghanistan' and p.scenario = 'central'
            and p.horizon_years = 10
        """,
    )
    assert published > 10
    assert scenario == pytest.approx(published * (people - 596) / people, rel=1e-9)
    # the regime factor: every EU accession row at factor 1 in every migration scenario, from the same
    # households at the base quarter (history is not a scenario's); Romania-born in Leicester grow faster
    ((factors, same_base, faster),) = rows(
        built,
        """
        select list(distinct s.migration_factor), bool_and(abs(s.households_at_base - p.households_at_base) < 1e-9),
            bool_and(s.households_at_horizon > p.households_at_horizon)
                filter (where p.lad_name = 'Leicester' and p.community_key = 'romania' and p.scenario = 'central')
        from pub.marts.mart_housing_need_estimate as p
        inner join combined.scenario_combined.mart_housing_need_estimate as s using (estimate_key)
        where p.community_key in ('romania', 'poland')
        """,
    )
    assert factors == [1.0] and same_base and faster


def test_list_show_and_diff_name_the_scenario_and_what_moved(built: Built) -> None:
    project = built.project
    listed = project.cli("scenario", "list")
    assert listed.returncode == 0 and "combined" in listed.stdout and "replica" in listed.stdout
    assert "backlog_quota = 0.1 in every draw (baseline 0.2)" in listed.stdout
    shown = project.cli("scenario", "show", "combined")
    assert "migration regime factor of eu_accession = 1" in shown.stdout
    assert "Leicester" in shown.stdout and "move-on x 0.627" in shown.stdout
    diff = project.cli(
        "scenario", "diff", "combined", "--limit", "400", "--csv", str(project.var_dir / "d.csv")
    )
    assert diff.returncode == 0, diff.stderr
    assert "England  5 years" in diff.stdout
    leicester = [
        ln for ln in diff.stdout.splitlines() if ln.lstrip().startswith("Leicester") and "Afghanistan" in ln
    ]
    assert leicester and "move-on" in leicester[0]
    same = project.cli("scenario", "diff", "replica")
    assert "0 of " in same.stdout, same.stdout
    against = project.cli("scenario", "diff", "combined", "--against", "replica", "--limit", "1")
    assert "combined (B) against replica (A)" in against.stdout
    header = (project.var_dir / "d.csv").read_text().splitlines()[0]
    assert header.startswith("lad_code,lad_name,community_name,need_5y_baseline,need_5y_combined,change_5y")


BAD = {
    "unknown_parameter": ("parameters:\n  backlog_quot: 0.1\n", "parameters.backlog_quot: unknown parameter"),
    "out_of_range": ("parameters:\n  rent_to_income: 0.9\n", "parameters.rent_to_income: value 0.9 out of range [0.1, 0.6]"),
    "engine": ("parameters:\n  engine_rho_n: 0.05\n", "parameters.engine_rho_n: not overridable"),
    "unknown_key": ("backlog_clearence_years: 10\n", "backlog_clearence_years: unknown key"),
    "unknown_la": (
        "known_events:\n  - {date: 2024-06-30, la: Atlantis, people_supported_change: -10}\n",
        "known_events.0.la: unknown local authority 'Atlantis'",
    ),
    "unknown_community": (
        "migration:\n  flows:\n    - {la: Leicester, community: Atlantean, growth_factor: 0.5}\n",
        "migration.flows.0.community: unknown community 'Atlantean'",
    ),
    "event_before_latest_quarter": (
        "known_events:\n  - {date: 2023-06-30, la: E06000016, people_supported_change: -10}\n",
        "known_events.0.date: 2023-06-30 is not after the baseline's latest quarter (2023-12-31)",
    ),
    "malformed": ("parameters: [unclosed\n", "cannot read the scenario file"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_fails_naming_the_file_and_key_and_changes_nothing(built: Built, case: str) -> None:
    text, expected = BAD[case]
    file = built.project.var_dir / f"bad_{case}.yaml"
    file.write_text(
        f"name: bad_{case}\ndescription: a bad file\nauthor: test suite\n{text}", encoding="utf-8"
    )
    result = built.project.cli("scenario", "run", str(file))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"scenario: {file}: " in result.stderr and expected in result.stderr, result.stderr
    folder = built.project.var_dir / "scenarios"
    assert not (folder / f"bad_{case}.duckdb").exists()
    assert not (folder / ".work" / f"bad_{case}").exists()


def test_drop_removes_a_scenario_and_the_published_warehouse_never_changed(built: Built) -> None:
    project = built.project
    other = project.var_dir / "scenarios" / "replica.duckdb"
    copy = other.with_name("spare.duckdb.keep")
    copy.write_bytes(other.read_bytes())  # keep the replica for a re-run of the module's other tests
    try:
        dropped = project.cli("scenario", "drop", "replica")
        assert dropped.returncode == 0 and not other.exists()
        assert "replica" not in project.cli("scenario", "list").stdout
    finally:
        copy.rename(other)
    assert sha256(project.warehouse) == built.published_sha256
    assert marts_fingerprint(project.warehouse) == built.published_marts
