"""What-if scenarios, through the real command on the real refresh (the session's `bundled` warehouse):

- two scenarios built at once by `scenario run` (one fixture, once per session): one that overrides
  the backlog clearance period, the EU accession regime factor and a Leicester known event; one that
  overrides nothing, whose marts must be byte for byte the published ones (the same SQL, seeded draws);
- hand-computed checks that each override reaches the figures;
- the scenario's pages (a banner on every page, the scenario in every chart's caption, the comparison
  page) and its BI copy in PostgreSQL, readable by the BI role, with the catalogue;
- bad files fail naming the file and the key, and leave nothing behind;
- the published warehouse (file bytes and every mart's content) and the BI copy of the baseline are
  unchanged after all of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from housing_need.publish.postgres import publish_marts
from housing_need.scenarios import build, compare
from tests.conftest import ROOT, Project, temporary_database
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
  flows:
    - {la: Leicester, community: India, growth_factor: 2}
grant_rates:
  Iran: 0.25
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
    pg_uri: str
    pg_marts: list[tuple]


PG_MARTS = """
    select table_name, md5(string_agg(t::text, chr(10) order by t::text))
    from (select 'mart_housing_need_estimate' as table_name, e::text as t from marts.mart_housing_need_estimate as e
          union all
          select 'mart_housing_need_total', n::text from marts.mart_housing_need_total as n) as rows
    group by table_name order by table_name
"""


def pg_rows(uri: str, sql: str, role: str | None = None) -> list[tuple]:
    import psycopg

    with psycopg.connect(uri) as conn:
        if role:
            conn.execute(f"set role {role}")
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def built(bundled: Project, pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Two scenarios run at once on the bundled warehouse, from a deployment of their own (its own
    var/, the bundled warehouse as its published one, a BI database holding the baseline's marts)."""
    base = tmp_path_factory.mktemp("scenarios")
    with temporary_database(pg_server, "hn_scenarios") as uri:
        publish_marts(bundled.warehouse, uri, run_id="baseline")
        project = Project(root=ROOT, var_dir=base / "var", warehouse=bundled.warehouse)
        project.extra_env["HOUSING_NEED_PG_URI"] = uri
        yield _build(project, uri)


def _build(project: Project, uri: str) -> Built:
    before_sha, before_marts = sha256(project.warehouse), marts_fingerprint(project.warehouse)
    before_pg = pg_rows(uri, PG_MARTS)
    base = project.var_dir.parent
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
    return Built(project, {n: r.stdout for n, r in results.items()}, before_sha, before_marts, uri, before_pg)


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
    # the projection of asylum support takes the event from 2024 Q2 on, and its move-on follows
    projected = rows(
        built,
        """
        select p.period_end, p.people_p50, s.people_p50, p.move_on_households_p50, s.move_on_households_p50
        from pub.marts.fct_asylum_support_projection as p
        inner join combined.scenario_combined.fct_asylum_support_projection as s using (projection_key)
        where p.lad_code = 'E06000016' order by p.period_end
        """,
    )
    assert len(projected) == 8 and projected[0][2] == projected[0][1]  # 2024 Q1: before the event
    for _end, before, after, move_on_before, move_on_after in projected[1:]:
        assert after == pytest.approx(before - 596, rel=1e-9)
        assert move_on_after == pytest.approx(move_on_before * after / before, rel=1e-9)


def test_a_flow_override_scales_one_pairs_growth_over_the_horizon_and_no_other(built: Built) -> None:
    """Leicester x India at growth factor 2: at central parameters households grow as
    H(base + Y) = H(base) exp(Y r), so ln(H(base + Y) / H(base)) doubles; its base and every other
    rest-of-the-world pair stay as published."""
    pairs = rows(
        built,
        """
        select p.lad_name = 'Leicester' and p.community_key = 'india' as overridden,
            ln(p.households_at_horizon / p.households_at_base), ln(s.households_at_horizon / s.households_at_base),
            s.households_at_base - p.households_at_base
        from pub.marts.mart_housing_need_estimate as p
        inner join combined.scenario_combined.mart_housing_need_estimate as s using (estimate_key)
        where p.community_key in ('india', 'pakistan') and p.scenario = 'central' and p.households_at_base > 0
        """,
    )
    overridden = [r for r in pairs if r[0]]
    assert len(overridden) == 3 and all(abs(r[1]) > 1e-3 for r in overridden)  # one row per horizon
    for over, published, scenario, base_change in pairs:
        assert base_change == pytest.approx(0, abs=1e-9)
        assert scenario == pytest.approx(2 * published if over else published, rel=1e-9, abs=1e-12)


def test_a_grant_rate_scales_the_communitys_move_on_by_the_new_rate_over_the_baseline(built: Built) -> None:
    """Iran-born at an initial grant rate of 0.25: move-on x 0.25 / (grants / decisions on merits of the
    last four quarters, recomputed here from the published decisions) in every LA but Leicester (whose
    known event moves it too); Pakistan-born, not overridden, as published."""
    ((rate,),) = rows(
        built,
        """
        select sum(grants) / sum(decisions_on_merits) from pub.marts.fct_initial_decisions_by_nationality_quarter
        where nationality = 'Iran' and period_end in (
            select distinct period_end from pub.marts.fct_initial_decisions_by_nationality_quarter
            order by period_end desc limit 4)
        """,
    )
    pairs = rows(
        built,
        """
        select p.community_key, p.move_on_annual, s.move_on_annual
        from pub.marts.mart_housing_need_estimate as p
        inner join combined.scenario_combined.mart_housing_need_estimate as s using (estimate_key)
        where p.community_key in ('iran', 'pakistan') and p.lad_name <> 'Leicester' and p.scenario = 'central'
        """,
    )
    assert 0.25 < rate < 1 and sum(1 for key, published, _ in pairs if key == "iran" and published > 1) > 20
    for key, published, scenario in pairs:
        assert scenario == pytest.approx(
            published * (0.25 / rate if key == "iran" else 1), rel=1e-9, abs=1e-12
        )


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


def test_the_bi_copy_holds_each_scenario_and_the_catalogue_for_the_bi_role(built: Built) -> None:
    catalogue = pg_rows(
        built.pg_uri,
        "select name, author, file_sha256, baseline_run_id, created_at is not null from scenarios.scenarios order by 1",
        role="bi_reader",
    )
    assert [c[0] for c in catalogue] == ["combined", "replica"]
    record = rows(built, "select file_sha256, baseline_run_id from combined.scenario_combined.scenarios")[0]
    assert catalogue[0][1:] == ("test suite", *record, True)
    ((count, digest),) = pg_rows(
        built.pg_uri,
        "select count(*), sum(need_over_horizon) from scenario_combined.mart_housing_need_estimate",
        role="bi_reader",
    )
    ((local_count, local_sum),) = rows(
        built,
        "select count(*), sum(need_over_horizon) from combined.scenario_combined.mart_housing_need_estimate",
    )
    assert count == local_count and digest == pytest.approx(local_sum, rel=1e-9)


def test_the_scenario_pages_name_it_on_every_page_and_chart_beside_the_baseline(built: Built) -> None:
    site = built.project.var_dir / "site" / "scenarios" / "combined"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 300
    shown = [p for p in pages if '<meta http-equiv="refresh"' not in p.read_text(encoding="utf-8")]
    for page in shown:
        html = page.read_text(encoding="utf-8")
        assert 'class="scenario-banner"' in html and "backlog_quota = 0.1 in every draw" in html, page
        assert html.count("<figcaption>") == html.count("<figcaption>Scenario “combined”"), page
    leicester = (site / "la" / "leicester-E06000016.html").read_text(encoding="utf-8")
    assert "<figcaption>Scenario “combined”" in leicester and "move-on x 0.627" in leicester
    comparison = (site / "comparison.html").read_text(encoding="utf-8")
    assert comparison.count('class="mark"') >= 2 * 10  # England and every region, baseline and scenario
    for csv in ("comparison.areas.csv", "comparison.local-authorities.csv", "comparison.pairs.csv"):
        assert csv in comparison and (site / csv).exists()
    areas = (site / "comparison.areas.csv").read_text(encoding="utf-8")
    assert "What-if scenario “combined”" in areas and "\nEngland,5," in areas


def test_the_comparison_reads_the_baseline_the_snapshot_was_taken_with(
    bundled: Project, tmp_path: Path
) -> None:
    """A refresh may publish between a scenario's snapshot and its pages: the comparison sets the
    scenario beside the need marts the snapshot kept, never the file published meanwhile."""
    copy = tmp_path / "snapshot.duckdb"
    build.snapshot(bundled.warehouse, copy)
    build.keep_baseline(copy)
    con = duckdb.connect(str(copy))
    try:
        for table in compare.TABLES:
            kept, now = (
                con.execute(f"select count(*), sum(need_over_horizon) from {schema}.{table}").fetchone()
                for schema in (compare.BASELINE_SCHEMA, "marts")
            )
            assert kept == now and kept is not None and kept[0] > 0, table
        lad = con.execute("select min(lad_code) from marts.mart_housing_need_estimate").fetchone()[0]
        con.execute(  # the "rebuild": one LA's need up by 100 over every horizon
            "update marts.mart_housing_need_estimate set need_over_horizon = need_over_horizon + 100 "
            "where lad_code = ?",
            [lad],
        )
    finally:
        con.close()
    changes = compare.pair_changes(
        compare.Side("baseline", copy, compare.BASELINE_SCHEMA), compare.Side("what-if", copy, "marts")
    )
    moved = [p for p in changes if p.moved()]
    assert moved and {p.lad_code for p in moved} == {lad}
    assert all(p.change(h) == pytest.approx(100) for p in moved for h in compare.HORIZONS)


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
    assert pg_rows(built.pg_uri, PG_MARTS) == built.pg_marts  # the BI copy of the baseline
    assert pg_rows(built.pg_uri, "select name from scenarios.scenarios order by 1") == [("combined",)]
    assert pg_rows(built.pg_uri, "select to_regnamespace('scenario_replica') is null") == [(True,)]
    assert not (project.var_dir / "site" / "scenarios" / "replica").exists()
