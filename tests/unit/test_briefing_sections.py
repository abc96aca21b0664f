"""The move-on and resettlement sections of the briefing pages, built from a small hand-built set of
marts whose every number is chosen here, so the pages' figures can be checked by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import duckdb
import pytest

from housing_need.publish.briefing.page import Published
from housing_need.publish.briefing.registry import SECTIONS
from housing_need.publish.briefing.sections.common import counted
from housing_need.publish.briefing.sections.move_on import move_on
from housing_need.publish.briefing.sections.resettlement import resettlement
from housing_need.publish.briefing.sections.watchlist import outlook, shortlist, watchlist_status

LEICESTER, NOTTINGHAM, RUTLAND, BIRMINGHAM = "E06000016", "E06000018", "E06000017", "E08000025"
REGIONS = {
    LEICESTER: ("Leicester", "East Midlands"),
    NOTTINGHAM: ("Nottingham", "East Midlands"),
    RUTLAND: ("Rutland", "East Midlands"),  # no supported people, no resettlement: no sections
    BIRMINGHAM: ("Birmingham", "West Midlands"),
}

# fmt: off
# Move-on estimates follow the mart's formula by hand: S(LA) / S(UK) x G x s with S(UK) = 1,000 and
# s = 0.5 / 0.7 / 0.9. Leicester holds 100 supported people, Nottingham 50, Birmingham 20; grants are
# 200 in 2018 Q2 and 400 in 2018 Q3. 2018 Q1 has no H-CLIC table (before the pages' chart starts);
# Leicester did not report 2018 Q3; Birmingham recorded nobody.
MOVE_ON_ROWS = [
    # lad_code, period_end, quarter, S(LA), G, low, central, high, observed, status
    (LEICESTER, "2018-03-31", "2018 Q1", 100, 200, 10, 14, 18, None, "no H-CLIC table for the quarter"),
    (LEICESTER, "2018-06-30", "2018 Q2", 100, 200, 10, 14, 18, 7, "reported"),
    (LEICESTER, "2018-09-30", "2018 Q3", 100, 400, 20, 28, 36, None, "not reported by the council"),
    (NOTTINGHAM, "2018-06-30", "2018 Q2", 50, 200, 5, 7, 9, 3, "reported"),
    (NOTTINGHAM, "2018-09-30", "2018 Q3", 50, 400, 10, 14, 18, 6, "reported"),
    (BIRMINGHAM, "2018-06-30", "2018 Q2", 20, 200, 2, 2.8, 3.6, 0, "reported"),
]
CALIBRATION_ROWS = [
    # lad_code, quarters compared, low, central, high, observed, ratio, within range, calibrated s
    (LEICESTER, 1, 10, 14, 18, 7, 0.5, False, 0.35),
    (NOTTINGHAM, 2, 15, 21, 27, 9, 9 / 21, False, 0.3),
    (BIRMINGHAM, 1, 2, 2.8, 3.6, 0, 0.0, False, 0.0),
]
RESETTLEMENT_ROWS = [
    # area_level, area_code, area_name, period_end, quarter, scheme_family, persons, persons_to_date
    ("local_authority", LEICESTER, "Leicester", "2016-03-31", "2016 Q1", "vprs_vcrs", 10, 10),
    ("local_authority", LEICESTER, "Leicester", "2016-12-31", "2016 Q4", "vprs_vcrs", 5, 15),
    ("local_authority", LEICESTER, "Leicester", "2023-12-31", "2023 Q4", "community_sponsorship", 4, 4),
    ("region", "E12000004", "East Midlands", "2016-03-31", "2016 Q1", "vprs_vcrs", 30, 30),
    ("region", "E12000004", "East Midlands", "2016-12-31", "2016 Q4", "vprs_vcrs", 5, 35),
    ("region", "E12000004", "East Midlands", "2017-06-30", "2017 Q2", "vprs_vcrs", 8, 43),
    ("region", "E12000004", "East Midlands", "2022-09-30", "2022 Q3", "gateway_ukrs", 6, 6),
    ("region", "E12000004", "East Midlands", "2023-12-31", "2023 Q4", "community_sponsorship", 4, 4),
    ("united_kingdom", "K02000001", "United Kingdom", "2021-09-30", "2021 Q3", "acrs_arap", 110, 110),
]
UNALLOCATED_ROWS = [  # period_end, quarter, lad_code (none: the publisher's "Unknown"), family, persons, allocated
    ("2021-06-30", "2021 Q2", None, "acrs_arap", 20, False),
    ("2021-09-30", "2021 Q3", None, "acrs_arap", 90, False),
    ("2022-03-31", "2022 Q1", None, "community_sponsorship", 10, False),
    ("2016-03-31", "2016 Q1", LEICESTER, "vprs_vcrs", 10, True),
]
# fmt: on


def _create(con: duckdb.DuckDBPyConnection, table: str, columns: str, rows: list[tuple]) -> None:
    con.execute(f"create table marts.{table} ({columns})")
    marks = ", ".join("?" * len(rows[0]))
    con.executemany(f"insert into marts.{table} values ({marks})", rows)


@pytest.fixture
def hand_built_marts() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory warehouse with the four marts' columns (and dim_local_authority) and the rows above."""
    con = duckdb.connect()
    con.execute("create schema marts")
    _create(
        con,
        "dim_local_authority",
        "lad_code varchar, lad_name varchar, region_name varchar",
        [(code, *names) for code, names in REGIONS.items()],
    )
    _create(
        con,
        "mart_move_on_pressure_by_la_quarter",
        "lad_code varchar, lad_name varchar, region_name varchar, period_end date, quarter_label varchar, "
        "supported_at_start bigint, uk_supported_at_start bigint, uk_initial_grants bigint, "
        "estimated_households_low double, estimated_households_central double, estimated_households_high double, "
        "observed_households bigint, observed_status varchar, move_on_period_days integer, prevention_duty_days integer",
        [
            (c, *REGIONS[c], d, q, s, 1000, g, lo, mid, hi, o, st, 28, 56)
            for c, d, q, s, g, lo, mid, hi, o, st in MOVE_ON_ROWS
        ],
    )
    _create(
        con,
        "mart_move_on_calibration_by_la",
        "lad_code varchar, region_name varchar, quarters_compared integer, estimated_households_low double, "
        "estimated_households_central double, estimated_households_high double, observed_households bigint, "
        "observed_to_estimate_ratio double, observed_within_range boolean, calibrated_supported_share_of_grants double",
        [(c, REGIONS[c][1], *rest) for c, *rest in CALIBRATION_ROWS],
    )
    _create(
        con,
        "mart_resettlement_by_area_quarter",
        "area_level varchar, area_code varchar, area_name varchar, period_end date, quarter_label varchar, "
        "scheme_family varchar, persons bigint, persons_to_date bigint",
        RESETTLEMENT_ROWS,
    )
    _create(
        con,
        "fct_resettlement_arrivals_by_la_quarter",
        "period_end date, quarter_label varchar, lad_code varchar, scheme_family varchar, persons bigint, "
        "is_allocated boolean",
        UNALLOCATED_ROWS,
    )
    yield con
    con.close()


def marks(chart: str) -> list[float]:
    root = ET.fromstring(chart)  # well-formed SVG
    return [float(c.get("data-value", "nan")) for c in root.iter("{http://www.w3.org/2000/svg}circle")]


def test_move_on_for_an_la_shows_the_estimate_range_and_what_the_council_recorded(hand_built_marts) -> None:
    content = move_on(Published(hand_built_marts), "la", LEICESTER)
    assert content is not None
    assert content.rows == [  # from the first H-CLIC quarter: 2018 Q1 is not shown
        ("2018 Q2", "10", "14", "18", "7"),
        ("2018 Q3", "20", "28", "36", "not reported"),
    ]
    assert marks(content.chart) == [14.0, 28.0, 7.0]  # central, then observed where reported
    assert 'class="band"' in content.chart
    assert "(0.5 low, 0.7 central, 0.9 high)" in content.caption  # the shares the mart applied
    assert "ends 28 days after a grant" in content.caption and "starts 56 days before" in content.caption
    assert content.notes[0] == (
        "The council recorded 50% of the central estimate over 1 quarter (7 households against 14): "
        "the share of grants that would reproduce its records is 0.35."
    )
    assert any(note.startswith("The estimate rests on an assumed parameter") for note in content.notes)


def test_move_on_for_a_region_sums_its_las_and_leaves_councils_not_reporting_out_of_observed(
    hand_built_marts,
) -> None:
    content = move_on(Published(hand_built_marts), "region", "East Midlands")
    assert content is not None
    assert content.rows == [
        ("2018 Q2", "15", "21", "27", "10"),  # 10 + 5, 14 + 7, 18 + 9; observed 7 + 3
        ("2018 Q3", "30", "42", "54", "6 (1 not reporting)"),  # Leicester did not report
    ]
    assert content.notes[0].startswith(
        "The 2 councils of East Midlands that reported recorded 46% of the central estimate"
    )  # (7 + 9) / (14 + 21)
    assert "16 households against 35" in content.notes[0]
    assert any("councils that did not report are left out of it" in note for note in content.notes)


def test_move_on_is_left_out_for_an_la_without_rows(hand_built_marts) -> None:
    assert move_on(Published(hand_built_marts), "la", RUTLAND) is None


def test_a_council_that_recorded_nobody_still_gets_its_calibration_note(hand_built_marts) -> None:
    content = move_on(Published(hand_built_marts), "la", BIRMINGHAM)
    assert content is not None and content.rows == [("2018 Q2", "2", "3", "4", "0")]
    assert content.notes[0].startswith("The council recorded 0% of the central estimate over 1 quarter (0 ")


def test_resettlement_for_a_region_tables_each_scheme_family_to_date(hand_built_marts) -> None:
    content = resettlement(Published(hand_built_marts), "region", "East Midlands")
    assert content is not None
    assert content.headers[2] == "Arrivals in 2023 Q4"  # the mart's latest quarter
    assert content.rows == [
        ("VPRS/VCRS", "43", "0", "2017 Q2"),
        ("Gateway/UKRS", "6", "0", "2022 Q3"),
        ("Community sponsorship", "4", "4", "2023 Q4"),
        ("All schemes", "53", "4", "2023 Q4"),
    ]
    # a line per family over the mart's years 2016-2023, years without arrivals at zero
    assert marks(content.chart) == [35, 8, 0, 0, 0, 0, 0, 0] + [0] * 6 + [6, 0] + [0] * 7 + [4]
    assert content.notes[0] == (
        "The publisher places 120 people (110 ACRS/ARAP, 10 Community sponsorship; from 2021 Q2) against the "
        'local authority "Unknown": they are in the UK total but in no local authority or region, so local '
        "and regional ACRS/ARAP and Community sponsorship figures are floors (a scheme missing from the "
        "table may still have placed people here)."
    )


def test_resettlement_for_an_la_and_none_where_nobody_was_resettled(hand_built_marts) -> None:
    data = Published(hand_built_marts)
    content = resettlement(data, "la", LEICESTER)
    assert content is not None
    assert content.rows[0] == ("VPRS/VCRS", "15", "0", "2016 Q4")
    assert content.rows[-1] == ("All schemes", "19", "4", "2023 Q4")
    assert "Leicester" in content.caption
    assert resettlement(data, "la", NOTTINGHAM) is None


def test_each_query_runs_once_per_build_not_once_per_page(hand_built_marts) -> None:
    data = Published(hand_built_marts)
    for key in (LEICESTER, NOTTINGHAM, RUTLAND):
        move_on(data, "la", key)
        resettlement(data, "la", key)
    queries = len(data._cache)
    move_on(data, "region", "East Midlands")
    resettlement(data, "region", "East Midlands")
    for key in (LEICESTER, NOTTINGHAM, RUTLAND):
        move_on(data, "la", key)
        resettlement(data, "la", key)
    assert len(data._cache) == queries + 4  # the region's grouped queries, once each


def test_the_need_comes_first_then_who_lives_here_then_the_arrivals() -> None:
    """The registry's order is the pages' order: the need map and estimates lead."""
    ids = [s.id for s in SECTIONS]
    assert ids[:2] == ["need-map", "need-estimates"]
    assert len(ids) == len(set(ids)) == 13
    assert (
        ids.index("community-profile")
        < ids.index("outlook")
        < ids.index("move-on")
        < ids.index("resettlement")
        < ids.index("dispersal-trend")
    )
    requires = {s.id: s.requires for s in SECTIONS}
    assert requires["move-on"] == ("mart_move_on_pressure_by_la_quarter", "mart_move_on_calibration_by_la")
    assert requires["resettlement"] == (
        "mart_resettlement_by_area_quarter",
        "fct_resettlement_arrivals_by_la_quarter",
    )


def test_counts_agree_with_their_nouns() -> None:
    assert counted(1, "person", "people") == "1 person"
    assert counted(2, "person", "people") == "2 people"
    assert counted(1234, "council") == "1,234 councils"
    assert counted(1, "quarter") == "1 quarter"


@pytest.fixture
def outlook_marts() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory warehouse with the outlook section's marts: Leicester's published stock for two
    quarters, its projection for two, and a watchlist on which Birmingham is shortlisted, Nottingham on
    the long list only and Leicester not listed."""
    con = duckdb.connect()
    con.execute("create schema marts")
    _create(
        con,
        "dim_local_authority",
        "lad_code varchar, lad_name varchar, region_name varchar",
        [(code, *names) for code, names in REGIONS.items()],
    )
    _create(
        con,
        "fct_asylum_support_by_la_quarter",
        "lad_code varchar, period_end date, quarter_label varchar, people bigint",
        [
            (LEICESTER, "2023-09-30", "2023 Q3", 900),
            (LEICESTER, "2023-12-31", "2023 Q4", 700),
            (LEICESTER, "2023-12-31", "2023 Q4", 300),
            (None, "2023-12-31", "2023 Q4", 50),
        ],
    )
    _create(
        con,
        "fct_asylum_support_projection",
        "lad_code varchar, origin_period_end date, period_end date, people_p10 double, people_p50 double, "
        "people_p90 double",
        [
            (LEICESTER, "2023-12-31", "2024-03-31", 900.4, 1010.0, 1200.6),
            (LEICESTER, "2023-12-31", "2024-06-30", 850.0, 1020.0, 1500.0),
            (NOTTINGHAM, "2023-12-31", "2024-03-31", 10.0, 20.0, 30.0),
        ],
    )
    _create(
        con,
        "mart_emerging_community_watchlist",
        "lad_code varchar, lad_name varchar, region_name varchar, period_end date, quarter_label varchar, "
        "rank_in_quarter integer, reasons varchar, score integer, is_shortlisted boolean",
        [
            (
                NOTTINGHAM,
                "Nottingham",
                "East Midlands",
                "2023-12-31",
                "2023 Q4",
                2,
                "dispersal began lately",
                2,
                False,
            ),
            (
                BIRMINGHAM,
                "Birmingham",
                "West Midlands",
                "2023-12-31",
                "2023 Q4",
                1,
                "people resettled",
                4,
                True,
            ),
            (
                NOTTINGHAM,
                "Nottingham",
                "East Midlands",
                "2023-09-30",
                "2023 Q3",
                9,
                "an older entry",
                5,
                True,
            ),
        ],
    )
    yield con
    con.close()


def test_outlook_for_an_la_shows_the_published_stock_and_the_projected_range(outlook_marts) -> None:
    content = outlook(Published(outlook_marts), "la", LEICESTER)
    assert content is not None
    assert content.rows == [("2024 Q1", "900", "1,010", "1,201"), ("2024 Q2", "850", "1,020", "1,500")]
    # published 900 then 700 + 300 (two rows of one quarter), then the two projected medians
    assert marks(content.chart) == [900.0, 1000.0, 1010.0, 1020.0]
    assert 'class="band"' in content.chart and "projection from 2023 Q4" in content.caption
    assert content.notes[0] == (  # Leicester is on neither list, and the page says so plainly
        "Not on the emerging-community watchlist in 2023 Q4: on neither the shortlist of 1 nor the long list of 2."
    )
    nottingham = outlook(Published(outlook_marts), "la", NOTTINGHAM)
    assert nottingham is not None  # on the latest long list only: the entry leads the notes, with its reasons
    assert nottingham.notes[0] == (
        "On the long list of the emerging-community watchlist in 2023 Q4 (rank 2 of 2), not on the shortlist "
        "of 1 (score 4 or more): dispersal began lately."
    )
    assert watchlist_status(Published(outlook_marts), BIRMINGHAM) == (
        "On the emerging-community shortlist in 2023 Q4 (rank 1 of the 1 shortlisted; 2 on the long list): "
        "people resettled."
    )
    assert outlook(Published(outlook_marts), "la", RUTLAND) is None  # no projection rows: nothing to draw


def test_outlook_for_a_region_lists_its_watchlist_las_of_the_latest_quarter(outlook_marts) -> None:
    content = outlook(Published(outlook_marts), "region", "East Midlands")
    assert content is not None
    assert content.rows == [("2 of 2", "Nottingham", "long list", "dispersal began lately")]
    assert "2023 Q4" in content.caption and "0 of them on the shortlist of 1" in content.caption
    assert outlook(Published(outlook_marts), "region", "North East") is None


def test_the_index_shows_the_shortlist_of_the_latest_quarter_only(outlook_marts) -> None:
    content = shortlist(Published(outlook_marts), "index", "England and Wales")
    assert content is not None
    assert content.rows == [
        ("1", "Birmingham", "West Midlands", "people resettled")
    ]  # not 2023 Q3's Nottingham
    assert content.caption.startswith("The 1 local authority on the emerging-community shortlist in 2023 Q4")
    assert "The long list behind it holds 2 local authorities" in content.caption
