"""The housing-need estimates on the bundled refresh: the question the docs promise to answer in one
query, the Leicester Romanian-born row recomputed by hand from its inputs and the parameter file, the
totals against their independent references (the plausibility bands), the artefacts the review found,
the bands failing a build on a planted implausible parameter set, the projected move-on, and the
"Housing need" section of the briefing pages."""

from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import pytest

from housing_need.pipeline.dbt_runner import DbtFailed, run_dbt
from tests.conftest import ROOT, Project

pytestmark = pytest.mark.integration

METHOD = ROOT / "docs" / "need-method.md"
SEEDS = ROOT / "dbt_project" / "seeds" / "need"
PARAMETERS = SEEDS / "ref_need_parameters.csv"
VERSION = "2026.12.1"


def documented_examples() -> list[tuple[str, str, list[tuple[str, ...]]]]:
    """Every ``-- example: <name>`` query in docs/need-method.md with the table printed under it."""
    page = METHOD.read_text(encoding="utf-8")
    examples = []
    for sql, name in re.findall(r"```sql\n(-- example: ([\w-]+)\n.*?)```", page, re.S):
        printed = re.search(rf"<!-- example-output: {name} -->\n(.*?)<!-- /example-output -->", page, re.S)
        assert printed, f"docs/need-method.md prints no output for example {name}"
        table = [
            [c.strip() for c in line.strip("|").split("|")] for line in printed.group(1).strip().splitlines()
        ]
        examples.append((name, sql, [tuple(row) for row in table[2:]]))
    return examples


def shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def test_the_documented_queries_give_the_documented_answers(bundled: Project) -> None:
    examples = documented_examples()
    assert {name for name, _, _ in examples} >= {
        "romanian-born-in-leicester",
        "england-total",
        "leicester-worked-examples",
        "england-against-references",
        "foreign-born-household-growth-2011-2021",
    }
    for name, sql, expected in examples:
        rows = bundled.query(sql)
        assert [tuple(shown(v) for v in row) for row in rows] == expected, name
    # the like-for-like row (15 years, the backlog averaged over them as Bramley's is) within half to
    # twice the communities' proportional share of Bramley (2018)'s 145,000 a year for England, and
    # their central household growth below the census decade's pace (docs: "Against independent references")
    ((share_of_bramley, share_of_households, growth),) = bundled.query(
        "select annual_need / 145000, community_households_at_base / all_households_2021, "
        "(select sum(households_at_horizon - households_at_base) / 15 from marts.mart_housing_need_estimate "
        " where lad_code like 'E%' and scenario = 'central' and horizon_years = 15) "
        "from marts.mart_housing_need_total where area_code = 'E92000001' and scenario = 'central' and horizon_years = 15"
    )
    assert 0.5 * share_of_households <= share_of_bramley <= 2 * share_of_households
    ((decade_households,),) = bundled.query(
        "select sum(born_outside_uk_2021 - born_outside_uk_2011) / 10 * sum(households) / sum(residents_2021) "
        "from marts.mart_community_profile_by_la where lad_code like 'E%'"
    )
    assert 0 < growth < decade_households
    ((low, central, high),) = bundled.query(
        "select max(annual_need) filter (where scenario = 'low'), max(annual_need) filter (where scenario = 'central'), "
        "max(annual_need) filter (where scenario = 'high') from marts.mart_housing_need_total "
        "where area_code = 'E92000001' and horizon_years = 10"
    )
    assert 0 < low <= central < high  # more net migration, more need


def parameters() -> dict[str, float]:
    return {r["parameter"]: float(r["central"]) for r in csv.DictReader(PARAMETERS.open(encoding="utf-8"))}


def phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def test_the_leicester_romanian_row_recomputed_by_hand(bundled: Project) -> None:
    """Every component of the central-parameter 10-year row from the model's inputs and the parameter
    file's central values, by the formulas of docs/need-method.md written out again here."""
    columns = [
        "residents_2011", "residents_2021", "years_census_to_base", "national_growth", "relative_growth",
        "evidence_weight", "internal_migration_rate", "regime_group", "la_residents_2021", "la_households_2021",
        "la_born_outside_uk_2021", "la_overcrowded_share", "la_has_register_extract", "register_extract_households",
        "la_social_rented_share", "la_social_rented_2021", "la_lower_quartile_annual_rent",
        "la_median_annual_earnings", "la_earnings_log_sigma", "la_move_on_duties_per_year", "move_on_basis",
        "asylum_grant_share", "asylum_local_grant_share",
    ]  # fmt: skip
    ((*values,),) = bundled.query(
        f"select {', '.join(columns)} from intermediate.int_need_community_inputs where pair_key = 'E06000016|romania'"
    )
    i = dict(zip(columns, values, strict=True))
    ((factor,),) = bundled.query(
        "select factor from intermediate.int_need_migration_regimes where regime_group = ? and scenario = 'central'",
        [i["regime_group"]],
    )
    p = parameters()
    years = 10

    national = p["engine_rho_n"] * math.tanh(i["national_growth"] / p["engine_rho_n"]) * factor
    local = (
        p["engine_phi_l"]
        * i["evidence_weight"]
        * p["engine_rho_l"]
        * math.tanh(i["relative_growth"] / p["engine_rho_l"])
        + p["engine_beta_dom"] * i["internal_migration_rate"]
    )
    rate = national + local  # central scenario: the same rate to the base and after it
    base = i["residents_2021"] * math.exp(rate * i["years_census_to_base"])
    at_horizon = base * math.exp(rate * years)
    headship = i["la_households_2021"] / i["la_residents_2021"] * p["relative_headship"]
    households, households_end = base * headship, at_horizon * headship
    growth = (households_end - households) / years
    mean_households = sum(households * math.exp(k * rate) for k in range(1, years + 1)) / years

    households_2021 = i["residents_2021"] * headship
    foreign_born = i["la_born_outside_uk_2021"] * headship
    risk = p["overcrowding_relative_risk"]
    overcrowded = min(
        households_2021,
        i["la_overcrowded_share"]
        * i["la_households_2021"]
        * risk
        * households_2021
        / (i["la_households_2021"] + (risk - 1) * foreign_born),
    )
    # Leicester's own (SYNTHETIC) register extract replaces the LAHS share: its Romanian applicants
    assert i["la_has_register_extract"]
    register = i["register_extract_households"]
    listed = overcrowded + register - p["register_overlap"] * min(overcrowded, register)
    released = listed * i["la_social_rented_share"]
    afford = phi(
        (
            math.log(i["la_lower_quartile_annual_rent"] / p["rent_to_income"])
            - math.log(i["la_median_annual_earnings"])
        )
        / i["la_earnings_log_sigma"]
    )
    quota = p["backlog_quota"]
    backlog = (listed - released) * afford * quota * min(years, 1 / quota) / years
    # Leicester reported H-CLIC in each of the last four quarters: its own duties are its move-on
    assert i["move_on_basis"].startswith("H-CLIC duties")
    move_on = (
        i["la_move_on_duties_per_year"]
        * p["move_on_calibration_multiplier"]
        * (
            (1 - p["move_on_local_weight"]) * i["asylum_grant_share"]
            + p["move_on_local_weight"] * i["asylum_local_grant_share"]
        )
    )
    arising = move_on + max(0.0, growth - move_on) * afford
    supply = i["la_social_rented_2021"] * p["relet_rate"] * mean_households / i["la_households_2021"]

    ((*row,),) = bundled.query(
        "select residents_at_base, residents_at_horizon, households_at_base, overcrowded_households, "
        "register_households, current_unmet_need, stock_available, unable_to_afford_share, backlog_annual, "
        "move_on_annual, newly_arising_annual, supply_annual, annual_need_central_parameters "
        "from marts.mart_housing_need_estimate where estimate_key = 'E06000016|romania|10|central'"
    )
    expected = [
        base, at_horizon, households, overcrowded, register, listed, released, afford, backlog, move_on, arising,
        supply, backlog + arising - supply,
    ]  # fmt: skip
    # the affordability share's Phi is a 7.5e-8 approximation: the net need is a difference of hundreds
    assert row == pytest.approx(expected, rel=1e-6, abs=1e-4)
    assert i["residents_2011"] == 304 and i["residents_2021"] == 4698  # QS203EW and TS012, as published


def test_every_estimate_names_its_inputs_and_covers_england_and_wales(bundled: Project) -> None:
    ((rows, las, pairs, synthetic, unnamed, versions),) = bundled.query(
        "select count(*), count(distinct lad_code), count(distinct lad_code || community_key), "
        "count(*) filter (where rests_on_synthetic_input), "
        "count(*) filter (where inputs not like '%release 2023-12-31%' or inputs not like '%census2021-ts012%' "
        "or inputs not like '%VOA private rents%' or inputs not like '%Annual Population Survey%' "
        "or (lad_code like 'E%' and inputs not like '%VOA private rents 2022-10/2023-09%')), "
        "list(distinct parameter_version) from marts.mart_housing_need_estimate"
    )
    assert las == 318 and rows == 9 * pairs and unnamed == 0
    # the rows of the three councils whose (SYNTHETIC) register extracts are loaded, and only those
    ((flagged, councils, said),) = bundled.query(
        "select count(*), list(distinct lad_code order by lad_code), "
        "count(*) filter (where synthetic_inputs like '%SYNTHETIC%' and inputs like '%register extract%(SYNTHETIC)%') "
        "from marts.mart_housing_need_estimate where rests_on_synthetic_input"
    )
    assert flagged == synthetic == said > 0 and councils == ["E06000015", "E06000016", "E06000018"]
    assert versions == [VERSION]
    # an asylum community new to an LA is estimated even below 100 census residents
    ((afghan_las,),) = bundled.query(
        "select count(distinct lad_code) from marts.mart_housing_need_estimate where community_key = 'afghanistan'"
    )
    assert afghan_las == 318
    # Welsh LAs have no VOA rents: their rents are estimated from earnings, and the row says so
    ((welsh, said_welsh),) = bundled.query(
        "select count(*), count(*) filter (where inputs like '%rent estimated from earnings%') "
        "from marts.mart_housing_need_estimate where lad_code like 'W%'"
    )
    assert welsh == said_welsh > 0


def test_the_totals_sit_inside_their_independent_references(bundled: Project) -> None:
    """The national figure against Bramley (2018) and the census household growth, the backlog against
    each LA's own census counts, the move-on once: the review's findings, now inside their bands."""
    ((england, p10, p90, low, high, arising, growth),) = bundled.query(
        "select max(annual_need) filter (where scenario = 'central'), max(annual_need_p10) filter (where scenario = 'central'), "
        "max(annual_need_p90) filter (where scenario = 'central'), max(annual_need) filter (where scenario = 'low'), "
        "max(annual_need) filter (where scenario = 'high'), max(newly_arising_annual) filter (where scenario = 'central'), "
        "(select sum(household_growth_annual) from marts.mart_housing_need_estimate "
        " where lad_code like 'E%' and horizon_years = 10 and scenario = 'central') "
        "from marts.mart_housing_need_total where area_code = 'E92000001' and horizon_years = 10"
    )
    assert 14_500 <= low <= england <= high <= 72_500 and 14_500 <= p10 < england < p90 <= 72_500
    # new households of the communities a year: below all net household growth of England and Wales
    # 2011-2021 (about 140,000 a year), which the review found the old model exceeded (256,000)
    assert 0 < growth < 140_000 and arising < growth
    # no LA's communities hold more overcrowded households than the LA's census count
    ((over,),) = bundled.query(
        "select count(*) from (select lad_code, sum(overcrowded_households) as overcrowded "
        "from marts.mart_housing_need_estimate where scenario = 'central' and horizon_years = 10 group by lad_code) as m "
        "join marts.mart_community_profile_by_la using (lad_code) "
        "where m.overcrowded > overcrowded_share * households"
    )
    assert over == 0
    # Newham: the old model put 61% of its foreign-born households in need; now the net backlog (in need,
    # not in social housing, unable to afford) is under the 40% band
    ((newham,),) = bundled.query(
        "select sum((current_unmet_need - stock_available) * unable_to_afford_share) / sum(households_at_base) "
        "from marts.mart_housing_need_estimate where lad_code = 'E09000025' and scenario = 'central' and horizon_years = 10"
    )
    assert 0.1 < newham < 0.4
    # move-on counted once: an LA's move-on shares add up to at most its calibrated move-on
    ((excess,),) = bundled.query(
        "select count(*) from (select lad_code, sum(move_on_annual) as allocated, "
        "max(la_move_on_duties_per_year) as calibrated "
        "from intermediate.int_need_estimate_draws join intermediate.int_need_community_inputs using (pair_key, lad_code) "
        "where draw_id = 0 and scenario = 'central' and horizon_years = 10 group by lad_code) as m "
        "where allocated > calibrated * (1 + 1e-9)"
    )
    assert excess == 0


def test_the_review_artefacts_are_gone(bundled: Project) -> None:
    """US-born in West Suffolk (air bases) was 110 households a year; Irish-born (a shrinking
    population) 2,163 a year nationally, inferred from 10,000 arrivals a year."""
    ((us_west_suffolk,),) = bundled.query(
        "select annual_need from marts.mart_housing_need_estimate "
        "where lad_name = 'West Suffolk' and community_key = 'united_states' and scenario = 'central' and horizon_years = 10"
    )
    assert abs(us_west_suffolk) < 20
    ((irish, irish_growth, irish_arising_beyond_move_on),) = bundled.query(
        "select sum(annual_need), sum(household_growth_annual), sum(newly_arising_annual - move_on_annual) "
        "from marts.mart_housing_need_estimate where community_key = 'ireland' and scenario = 'central' and horizon_years = 10"
    )
    assert irish < 500 and irish_growth < 0 and irish_arising_beyond_move_on < 50


def test_the_plausibility_bands_fail_the_build_on_a_planted_implausible_parameter_set(
    bundled: Project, tmp_path: Path
) -> None:
    """The old model's scale, planted as parameters (everyone unable to afford, households per resident
    tripled, overcrowding risk tenfold, registers doubled): dbt rebuilds the need models on a copy of the
    published warehouse and the backlog and England bands fail, naming themselves (the per-household
    band holds: tripled headship scales need and households alike)."""
    import importlib.util

    project = tmp_path / "dbt_project"
    shutil.copytree(
        ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    warehouse = tmp_path / "warehouse" / bundled.warehouse.name  # the same catalog name: views refer to it
    warehouse.parent.mkdir()
    shutil.copy(bundled.warehouse, warehouse)
    planted = {"relative_headship": ("2.5", "3", "3.5"), "overcrowding_relative_risk": ("9", "10", "11"),
               "register_ratio": ("1.9", "2", "2.1"), "rent_to_income": ("0.05", "0.06", "0.07")}  # fmt: skip
    rows = list(csv.DictReader(PARAMETERS.open(encoding="utf-8")))
    for row in rows:
        row["parameter_version"] = "planted-implausible"
        if row["parameter"] in planted:
            row["low"], row["central"], row["high"] = planted[row["parameter"]]
    with (project / "seeds" / "need" / "ref_need_parameters.csv").open(
        "w", encoding="utf-8", newline=""
    ) as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    spec = importlib.util.spec_from_file_location(
        "draws", project / "seeds" / "need" / "generate_parameter_draws.py"
    )
    assert spec and spec.loader
    draws = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draws)
    (project / "seeds" / "need" / "ref_need_parameter_draws.csv").write_text(
        draws.draws_csv(project / "seeds" / "need" / "ref_need_parameters.csv"), encoding="utf-8"
    )

    def dbt(*args: str) -> None:
        run_dbt(list(args), project_dir=project, warehouse_path=warehouse, target_path=tmp_path / "target")

    need_models = ("ref_need_parameters", "ref_need_parameter_draws", "int_need_parameter_draws+")
    # the seeds and models first (a build would skip the area totals once the estimates' tests fail) ...
    dbt(
        "build",
        "--select",
        *need_models,
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
    )
    # ... then every data test on them
    with pytest.raises(DbtFailed) as failed:
        dbt("test", "--select", *need_models, "--exclude-resource-type", "unit_test")
    message = str(failed.value)
    assert "assert_need_backlog_within_its_la" in message and "assert_need_england_total_plausible" in message
    # the version test passed: the failures are the bands', not a mismatched draw file
    assert "assert_need_parameter_draws_match_parameters" not in message
    ((england,),) = bundled.query(
        "select annual_need from marts.mart_housing_need_total "
        "where area_code = 'E92000001' and horizon_years = 10 and scenario = 'central'"
    )
    assert 14_500 <= england <= 72_500  # the published warehouse, with the real parameters, is inside


def test_the_projection_carries_move_on_households(bundled: Project) -> None:
    ((disordered, leicester_rate, duties_ratio),) = bundled.query(
        """
        select count(*) filter (where not (move_on_households_p10 <= move_on_households_p50
                                           and move_on_households_p50 <= move_on_households_p90)),
               max(move_on_households_p50 / people_p50) filter (where lad_code = 'E06000016'),
               max(move_on_duties_p50 / move_on_households_p50) filter (where lad_code = 'E06000016')
        from marts.fct_asylum_support_projection where people_p50 > 0
        """
    )
    ((moved, supported),) = bundled.query(
        "select sum(estimated_households_central), "
        "(select sum(people) from marts.fct_asylum_support_by_la_quarter where lad_code = 'E06000016' "
        "and period_end = '2023-12-31') from marts.mart_move_on_pressure_by_la_quarter "
        "where lad_code = 'E06000016' and period_end > '2022-12-31'"
    )
    ((ratio,),) = bundled.query(
        "select observed_to_estimate_ratio from marts.mart_move_on_calibration_by_la where lad_code = 'E06000016'"
    )
    assert disordered == 0
    assert leicester_rate == pytest.approx(moved / (4 * supported))
    assert duties_ratio == pytest.approx(ratio)


def test_the_briefing_pages_show_the_need_with_its_range_and_inputs(bundled: Project) -> None:
    site = bundled.var_dir / "site" / "briefing"
    page = (site / "la" / "leicester-E06000016.html").read_text(encoding="utf-8")
    section = re.search(r"<section id='need-estimates'>(.*?)</section>", page, re.S)
    assert section, "Leicester's page has no Housing need section"
    ((community, central, p10, p90),) = bundled.query(
        "select community_name, annual_need, annual_need_p10, annual_need_p90 from marts.mart_housing_need_estimate "
        "where lad_code = 'E06000016' and horizon_years = 10 and scenario = 'central' "
        "order by annual_need desc, community_name limit 1"
    )  # the largest need is drawn first
    assert f'data-value="{round(central, 1)}"' in section.group(1)
    assert f"<td>{community}</td><td>" in section.group(1) and "<td>Romania</td><td>" in section.group(1)
    assert f"<td>{central:,.0f}</td><td>{p10:,.0f}</td><td>{p90:,.0f}</td>" in section.group(1)
    assert "council housing register extract (SYNTHETIC" in section.group(1)
    ((total, total_p10, total_p90, over),) = bundled.query(
        "select annual_need, annual_need_p10, annual_need_p90, need_over_horizon from marts.mart_housing_need_total "
        "where area_code = 'E06000016' and horizon_years = 10 and scenario = 'central'"
    )
    answer = re.search(r"<section id='answer' class=\"answer\">(.*?)</section>", page, re.S)
    assert answer, "Leicester's page does not open with its answer"
    assert f'data-figure="need-10-years">{over:,.0f}</span> homes over 10 years' in answer.group(1)
    assert f"<p>{total:,.0f} a year (P10-P90 {total_p10:,.0f} to {total_p90:,.0f})</p>" in answer.group(1)
    assert f"Parameters version {VERSION}" in answer.group(1) and "release 2023-12-31" in answer.group(1)
    region = (site / "regions" / "east-midlands.html").read_text(encoding="utf-8")
    listed = re.search(r"<section id='need-estimates'>(.*?)</section>", region, re.S)
    assert listed and "<td>Leicester</td>" in listed.group(1)
