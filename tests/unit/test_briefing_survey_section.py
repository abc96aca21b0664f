"""The "How people experience housing services" region section: intervals drawn for every shown
cell, suppressed cells named instead of drawn, England and Wales beside each wave, SYNTHETIC said on
the chart, the caption and every row; nothing on LA pages."""

from __future__ import annotations

import re

import duckdb

from housing_need.publish.briefing.page import Published
from housing_need.publish.briefing.registry import SECTIONS
from housing_need.publish.briefing.sections.survey import housing_services

LABEL = "SYNTHETIC survey: generated, not real respondents"


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.fct_survey_estimate_by_wave_cell as
        select * from (values
            ('North East', '2001', 'white', 0.16, 0.11, 0.21, 387, false),
            ('North East', '2001', 'ethnic_minority', null, null, null, null, true),
            ('England and Wales', '2001', 'white', 0.15, 0.139, 0.161, 8060, false),
            ('England and Wales', '2001', 'ethnic_minority', 0.13, 0.117, 0.143, 5107, false)
        ) as t (region_name, wave, ethnic_group, estimate, ci_lower, ci_upper, respondents, is_suppressed)
        """
    )
    con.execute(
        f"""
        create or replace table marts.fct_survey_estimate_by_wave_cell as
        select *, 'housing_treated_worse' as indicator, 'all' as years_in_uk, 'all' as tenure,
               true as is_synthetic, '{LABEL}' as data_label, 1.3 as design_factor
        from marts.fct_survey_estimate_by_wave_cell
        """
    )
    return con


def test_the_region_section_draws_intervals_and_names_withheld_cells() -> None:
    content = housing_services(Published(_warehouse()), "region", "North East")
    assert content is not None
    assert len(re.findall(r'class="range"', content.chart)) == 1  # the suppressed cell is not drawn
    assert "(SYNTHETIC)" in content.chart and content.caption.startswith("SYNTHETIC survey data")
    assert content.rows == [
        ("2001", "White", "16.0%", "11.0% to 21.0%", "387", "15.0%", LABEL),
        ("2001", "Ethnic minority", "withheld", "", "fewer than 50", "13.0%", LABEL),
    ]
    assert content.notes[0] == "Withheld (fewer than 50 respondents, unreliable): 2001 Ethnic minority."


def test_the_section_is_for_region_pages_only() -> None:
    data = Published(_warehouse())
    assert housing_services(data, "la", "E06000016") is None
    assert housing_services(data, "region", "Scotland") is None
    (section,) = [s for s in SECTIONS if s.id == "housing-services"]
    assert section.scopes == ("region",) and section.requires == ("fct_survey_estimate_by_wave_cell",)
