"""The housing-need estimates on the bundled refresh: the question the docs promise to answer in one
query, the Leicester Romanian-born row recomputed by hand from its inputs and the parameter file, the
projected move-on, and the "Housing need" section of the briefing pages."""

from __future__ import annotations

import csv
import re

import pytest

from tests.conftest import ROOT, Project

pytestmark = pytest.mark.integration

METHOD = ROOT / "docs" / "need-method.md"
PARAMETERS = ROOT / "dbt_project" / "seeds" / "need" / "ref_need_parameters.csv"


def test_the_documented_query_gives_the_documented_answer(bundled: Project) -> None:
    page = METHOD.read_text(encoding="utf-8")
    sql = re.search(r"```sql\n(-- example: romanian-born-in-leicester\n.*?)```", page, re.S)
    shown = re.search(
        r"<!-- example-output: romanian-born-in-leicester -->\n(.*?)<!-- /example-output -->", page, re.S
    )
    assert sql and shown
    table = [[c.strip() for c in line.strip("|").split("|")] for line in shown.group(1).strip().splitlines()]
    expected = [tuple(row) for row in table[2:]]

    rows = bundled.query(sql.group(1))

    assert [(r[0], *(f"{v:g}" for v in r[1:6]), r[6]) for r in rows] == expected
    assert [r[0] for r in rows] == ["low", "central", "high"]
    low, central, high = (r[1] for r in rows)
    assert 0 < low < central < high  # more arrivals, more need


def test_the_leicester_romanian_row_recomputed_by_hand(bundled: Project) -> None:
    """Every component of the central 10-year row from the model's inputs and the parameter file's central
    values, by the formulas of docs/need-method.md written out again here."""
    columns = [
        "residents_2011", "residents_2021", "la_residents_2021", "la_households_2021", "la_social_rented_2021",
        "la_social_rented_share", "la_overcrowded_share", "la_register_households", "la_move_on_households_per_year",
        "move_on_calibration_ratio", "la_homeless_after_asylum_support", "asylum_grant_share", "years_census_to_base",
        "la_has_register_extract", "register_extract_households",
    ]  # fmt: skip
    ((*values,),) = bundled.query(
        f"select {', '.join(columns)} from intermediate.int_need_community_inputs where pair_key = 'E06000016|romania'"
    )
    i = dict(zip(columns, values, strict=True))
    p = {r["parameter"]: float(r["central"]) for r in csv.DictReader(PARAMETERS.open(encoding="utf-8"))}
    e, years = p["exit_rate"], 10
    q = 1 - e

    def s(n: float) -> float:
        return (1 - q**n) / e

    arrivals = max(0.0, i["residents_2021"] - i["residents_2011"] * q**10) / s(10)
    base = i["residents_2021"] * q ** i["years_census_to_base"] + arrivals * s(i["years_census_to_base"])
    at_horizon = base * q**years + arrivals * s(years)
    mean_residents = sum(base * q**k + arrivals * s(k) for k in range(1, years + 1)) / years
    headship = i["la_households_2021"] / i["la_residents_2021"] * p["relative_headship_europe_outside_uk"]
    households = base * headship
    overcrowded = households * min(1, i["la_overcrowded_share"] * p["overcrowding_ratio"])
    # Leicester's own (SYNTHETIC) register extract replaces the LAHS share: its Romanian applicants
    assert i["la_has_register_extract"]
    register = i["register_extract_households"]
    listed = overcrowded + register - p["register_overlap"] * min(overcrowded, register)
    unmet = listed + i["la_homeless_after_asylum_support"] * i["asylum_grant_share"]
    released = listed * i["la_social_rented_share"]
    backlog = (unmet - released) * p["backlog_quota"] * min(years, 1 / p["backlog_quota"]) / years
    arising = arrivals * headship * p["unable_to_afford"] + (
        i["la_move_on_households_per_year"]
        * i["move_on_calibration_ratio"]
        * p["move_on_calibration_multiplier"]
        * i["asylum_grant_share"]
    )
    supply = (
        i["la_social_rented_2021"] * p["relet_rate"] * mean_residents * headship / i["la_households_2021"]
    )

    ((*row,),) = bundled.query(
        "select arrivals_per_year, residents_at_horizon, households_at_base, current_unmet_need, stock_available, "
        "backlog_annual, newly_arising_annual, supply_annual, annual_need from marts.mart_housing_need_estimate "
        "where estimate_key = 'E06000016|romania|10|central'"
    )
    expected = [
        arrivals,
        at_horizon,
        households,
        unmet,
        released,
        backlog,
        arising,
        supply,
        backlog + arising - supply,
    ]
    assert row == pytest.approx(expected, rel=1e-9)
    assert i["residents_2011"] == 304 and i["residents_2021"] == 4698  # QS203EW and TS012, as published


def test_every_estimate_names_its_inputs_and_covers_england_and_wales(bundled: Project) -> None:
    ((rows, las, pairs, synthetic, unnamed, versions),) = bundled.query(
        "select count(*), count(distinct lad_code), count(distinct lad_code || community_key), "
        "count(*) filter (where rests_on_synthetic_input), "
        "count(*) filter (where inputs not like '%release 2023-12-31%' or inputs not like '%census2021-ts012%'), "
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
    assert versions == ["2026.11.1"]
    # an asylum community new to an LA is estimated even below 100 census residents
    ((afghan_las,),) = bundled.query(
        "select count(distinct lad_code) from marts.mart_housing_need_estimate where community_key = 'afghanistan'"
    )
    assert afghan_las == 318


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
    page = (site / "la" / "E06000016.html").read_text(encoding="utf-8")
    section = re.search(r"<section id='need-estimates'>(.*?)</section>", page, re.S)
    assert section, "Leicester's page has no Housing need section"
    ((central, p10, p90),) = bundled.query(
        "select annual_need, annual_need_p10, annual_need_p90 from marts.mart_housing_need_estimate "
        "where estimate_key = 'E06000016|romania|10|central'"
    )
    assert f'data-value="{round(central, 1)}"' in section.group(1)
    assert "<td>Romania</td><td>" in section.group(1)
    assert f"<td>{central:,.0f}</td><td>{p10:,.0f}</td><td>{p90:,.0f}</td>" in section.group(1)
    assert "Parameters version 2026.11.1" in section.group(1) and "release 2023-12-31" in section.group(1)
    assert "Synthetic inputs: council housing register extract (SYNTHETIC" in section.group(1)
    region = (site / "regions" / "east-midlands.html").read_text(encoding="utf-8")
    listed = re.search(r"<section id='need-estimates'>(.*?)</section>", region, re.S)
    assert listed and "<td>Leicester</td>" in listed.group(1)
