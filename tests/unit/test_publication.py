"""Release calendars on hand-computed dates, and release discovery against a local server serving
GOV.UK-shaped pages (Content API JSON and HTML) and the real Asy_D11 rows as files."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from housing_need.cli.summary import release_lines
from housing_need.config import settings
from housing_need.pipeline.discover import (
    Attachment,
    DiscoveryError,
    attachments_from_content_item,
    content_api_url,
    discover,
    newest_release,
)
from housing_need.sources import get_source
from housing_need.sources.publication import ReleaseCalendar, ReleasedOnce, add_months
from tests.support.asy_d11 import SAMPLE_CSV
from tests.support.publisher import Publisher, serve

ROOT = Path(__file__).resolve().parents[2]
ASY_D11 = get_source("home_office_asylum_support")
QUARTERLY = ASY_D11.calendar
DISCOVERY = ASY_D11.discovery
assert isinstance(QUARTERLY, ReleaseCalendar) and DISCOVERY is not None


def test_month_arithmetic_lands_on_month_ends():
    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)  # leap year
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("period", "window"),
    [
        # the December quarter in the last week of February, and so on (hand-computed)
        (date(2023, 12, 31), (date(2024, 2, 22), date(2024, 2, 29))),
        (date(2024, 3, 31), (date(2024, 5, 22), date(2024, 5, 31))),
        (date(2024, 6, 30), (date(2024, 8, 22), date(2024, 8, 31))),
        (date(2024, 9, 30), (date(2024, 11, 22), date(2024, 11, 30))),
    ],
)
def test_home_office_release_windows(period, window):
    assert QUARTERLY.window(period) == window


@pytest.mark.parametrize(
    ("latest", "today", "state", "next_period"),
    [
        (date(2023, 9, 30), date(2024, 2, 21), "expected", date(2023, 12, 31)),  # the day before
        (date(2023, 9, 30), date(2024, 2, 22), "due", date(2023, 12, 31)),  # first day of the window
        (date(2023, 9, 30), date(2024, 3, 7), "due", date(2023, 12, 31)),  # window end + 7 days grace
        (date(2023, 9, 30), date(2024, 3, 8), "overdue", date(2023, 12, 31)),
        (date(2023, 12, 31), date(2024, 3, 8), "expected", date(2024, 3, 31)),  # loaded: stop for the quarter
        (None, date(2024, 3, 1), "due", date(2023, 12, 31)),  # nothing yet: the release already out
        (None, date(2024, 2, 21), "overdue", date(2023, 9, 30)),  # the September quarter, long out
    ],
)
def test_calendar_status(latest, today, state, next_period):
    status = QUARTERLY.status(latest, today)
    assert (status.state, status.next_period) == (state, next_period)
    assert status.should_look == (state != "expected")


def test_status_text_says_when_and_how_late():
    status = QUARTERLY.status(date(2023, 12, 31), date(2024, 6, 10))
    assert status.text() == (
        "latest release: data to 2023-12-31; next (data to 2024-03-31) OVERDUE: expected "
        "22 May 2024 to 31 May 2024, 10 days late, looking daily"
    )


CENSUS = get_source("ons_census").calendar
assert isinstance(CENSUS, ReleasedOnce)
CENSUS_TABLES = [f"census2021-{t}" for t in ("ts004", "ts005", "ts012", "ts015", "ts029", "ts052", "ts054")]
CENSUS_2011 = ["census2011-qs203ew", "census2011-qs405ew"]
ALL_2021 = [*CENSUS_TABLES, *CENSUS_2011]


@pytest.mark.parametrize(
    ("releases", "today", "state", "on_time"),
    [
        (CENSUS_2011, date(2022, 11, 1), "expected", True),  # the day before the first topic summaries
        (CENSUS_2011, date(2022, 11, 2), "due", True),
        ([*CENSUS_TABLES[:4], *CENSUS_2011], date(2023, 1, 5), "due", True),  # housing not out: the last day
        ([*CENSUS_TABLES[:6], *CENSUS_2011], date(2023, 1, 19), "due", False),  # in its 14 days' grace: late
        ([*CENSUS_TABLES[:6], *CENSUS_2011], date(2023, 1, 20), "overdue", False),
        # the 2011 tables were out on 11 December 2012: missing one, the census is late already
        ([], date(2012, 12, 10), "expected", True),
        ([], date(2022, 11, 1), "overdue", False),
        ([*CENSUS_TABLES, CENSUS_2011[0]], date(2024, 1, 1), "overdue", False),
        # every table in (and releases of other files, the quiz subset): released
        ([*ALL_2021, "census2021-ts004-quiz"], date(2030, 1, 1), "released", True),
    ],
)
def test_census_is_released_once_when_every_table_is_in(releases, today, state, on_time):
    assert CENSUS.latest_period(releases) == (date(2021, 3, 31) if state == "released" else None)
    status = CENSUS.status(CENSUS.latest_period(releases), today, releases)
    assert (status.state, status.on_time) == (state, on_time)
    assert status.should_look == (state in ("due", "overdue"))
    assert status.timeliness() == "on time" if on_time else status.timeliness().startswith("LATE")


def test_a_missing_census_table_is_named_and_late_on_its_own_window():
    # every 2021 table in, QS405EW (published 11 December 2012) missing: late by its own window
    releases = [*CENSUS_TABLES, "census2011-qs203ew"]
    status = CENSUS.status(CENSUS.latest_period(releases), date(2024, 2, 10), releases)
    assert status.text() == (
        "no release yet; next (data to 2011-03-31) OVERDUE: expected 11 Dec 2012 to 11 Dec 2012, "
        "4078 days late, looking daily; missing: census2011-qs405ew"
    )
    assert status.timeliness() == "LATE: 4078 days after the window closed"
    # and only the page that holds it is read
    assert CENSUS.due_parts(releases, date(2024, 2, 10)) == {"census2011-qs405ew"}
    # before the 2021 window, with the 2011 tables in, the 2021 tables are expected, not due
    assert CENSUS.due_parts(CENSUS_2011, date(2022, 10, 1)) == set()


@pytest.mark.parametrize(
    ("loaded", "line"),
    [
        (
            [*CENSUS_TABLES, "census2011-qs203ew"],
            "ons_census: overdue: no release yet; next (data to 2011-03-31) OVERDUE: expected 11 Dec 2012 "
            "to 11 Dec 2012, 4078 days late, looking daily; missing: census2011-qs405ew",
        ),
        (
            ALL_2021,
            "ons_census: released: latest release: data to 2021-03-31; released once (published "
            "02 Nov 2022 to 05 Jan 2023): no further release expected; on time",
        ),
    ],
)
def test_status_says_the_census_is_late_while_a_table_is_missing(tmp_path, loaded, line):
    # `./run status` reads the releases loaded in the warehouse (meta.loads) against the calendar
    con = duckdb.connect()
    con.execute("create schema meta; create table meta.loads (source varchar, release varchar)")
    con.executemany("insert into meta.loads values ('ons_census', ?)", [[r] for r in loaded])
    s = settings({"HOUSING_NEED_VAR_DIR": str(tmp_path), "HOUSING_NEED_TODAY": "2024-02-10"})
    assert [x for x in release_lines(s, con) if x.startswith("ons_census:")] == [line]


def test_released_once_text():
    status = CENSUS.status(date(2021, 3, 31), date(2024, 6, 1))
    assert status.text() == (
        "latest release: data to 2021-03-31; released once (published 02 Nov 2022 to 05 Jan 2023): "
        "no further release expected"
    )


def test_freshness_thresholds_follow_the_calendar_and_are_those_dbt_checks():
    # 30 June -> next quarter due by 30 November: 153 days; overdue a week later
    assert QUARTERLY.freshness_days() == (153, 160)
    annual = ReleaseCalendar((3,), lag_months=4, window_from_day=1, grace_days=14, description="annual")
    assert annual.freshness_days() == (365 + 122 + 1, 365 + 122 + 1 + 14)  # 31 Mar 2023 -> 31 Jul 2024
    sources = yaml.safe_load(
        (ROOT / "dbt_project/models/staging/home_office/_home_office__sources.yml").read_text()
    )
    freshness = sources["sources"][0]["freshness"]
    assert (freshness["warn_after"]["count"], freshness["error_after"]["count"]) == QUARTERLY.freshness_days()


@pytest.mark.parametrize(
    ("name", "period"),
    [
        ("support-local-authority-datasets-sep-2024.xlsx", date(2024, 9, 30)),
        ("support-local-authority-datasets-december-2023.xlsx", date(2023, 12, 31)),
        ("support-local-authority-datasets-mar-2024.ods", date(2024, 3, 31)),
        ("asylum-claims-datasets-sep-2024.xlsx", None),
        ("support-local-authority-datasets-sep-2024.pdf", None),
    ],
)
def test_file_names_give_the_period(name, period):
    assert DISCOVERY.period_of(name) == period


def test_content_api_url():
    assert content_api_url("https://www.gov.uk/government/statistical-data-sets/x") == (
        "https://www.gov.uk/api/content/government/statistical-data-sets/x"
    )
    assert content_api_url("http://127.0.0.1:8000/api/content/a") == "http://127.0.0.1:8000/api/content/a"


def test_newest_matching_attachment_wins():
    files = [
        Attachment("u1", "support-local-authority-datasets-jun-2024.xlsx", "t"),
        Attachment("u2", "asylum-claims-datasets-sep-2024.xlsx", "t"),
        Attachment("u3", "support-local-authority-datasets-sep-2024.xlsx", "t"),
        Attachment("u4", "support-local-authority-datasets-mar-2024.xlsx", "t"),
    ]
    release = newest_release(files, DISCOVERY, "page")
    assert (release.attachment.url, release.period) == ("u3", date(2024, 9, 30))


def test_a_content_item_without_attachments_is_a_changed_page():
    with pytest.raises(
        DiscoveryError, match=r"changed shape: expected a GOV.UK content item with details.attachments"
    ):
        attachments_from_content_item({"title": "x", "details": {"body": ""}}, "page")


def _publisher() -> Publisher:
    return Publisher(
        files={
            "asylum-claims-datasets-dec-2023.xlsx": b"not ours",
            "support-local-authority-datasets-sep-2023.csv": SAMPLE_CSV.read_bytes(),
            "support-local-authority-datasets-dec-2023.csv": SAMPLE_CSV.read_bytes(),
        }
    )


def test_discovery_on_the_content_api_and_on_the_html_page():
    with serve(_publisher()) as publisher:
        from_api = discover(
            DISCOVERY,
            publisher.base_url
            + "/api/content"
            + "/government/statistical-data-sets/asylum-and-resettlement-datasets",
        )
        from_html = discover(DISCOVERY, publisher.page_url)
    for release in (from_api, from_html):
        assert release.attachment.filename == "support-local-authority-datasets-dec-2023.csv"
        assert release.period == date(2023, 12, 31)
        assert release.attachment.url == publisher.base_url + publisher.media_path(
            release.attachment.filename
        )


def test_discovery_failures_are_clear():
    with serve(_publisher()) as publisher:
        publisher.page_shape = "redesigned"
        with pytest.raises(DiscoveryError, match="changed shape.*found top-level"):
            discover(
                DISCOVERY,
                publisher.base_url
                + "/api/content/government/statistical-data-sets/asylum-and-resettlement-datasets",
            )
        publisher.page_shape = "govuk"
        publisher.files = {"asylum-claims-datasets-dec-2023.xlsx": b"x"}
        with pytest.raises(
            DiscoveryError, match=r"no file matches .* the page lists 1 file\(s\): \['asylum-claims"
        ):
            discover(DISCOVERY, publisher.page_url)
        with pytest.raises(DiscoveryError, match="answered HTTP 404"):
            discover(DISCOVERY, publisher.base_url + "/no/such/page")


@pytest.mark.parametrize(
    ("table", "calendar_of"),
    [
        ("mhclg__homelessness_duties", "housing_need.sources.mhclg_homelessness"),
        ("mhclg__waiting_lists", "housing_need.sources.mhclg_waiting_lists"),
    ],
)
def test_mhclg_freshness_thresholds_are_the_calendars(table: str, calendar_of: str) -> None:
    calendar = importlib.import_module(calendar_of).CALENDAR
    sources = yaml.safe_load((ROOT / "dbt_project/models/staging/mhclg/_mhclg__sources.yml").read_text())
    (spec,) = [t for t in sources["sources"][0]["tables"] if t["name"] == table]
    freshness = spec["freshness"]
    assert (freshness["warn_after"]["count"], freshness["error_after"]["count"]) == calendar.freshness_days()


def test_status_says_on_time_until_the_window_closes_then_late():
    # the December quarter's window is 22-29 Feb 2024 (grace 7 days)
    assert QUARTERLY.status(date(2023, 9, 30), date(2024, 2, 10)).timeliness() == "on time"
    assert QUARTERLY.status(date(2023, 9, 30), date(2024, 2, 29)).timeliness() == "on time"
    due_late = QUARTERLY.status(date(2023, 9, 30), date(2024, 3, 3))
    assert due_late.state == "due" and due_late.timeliness() == "LATE: 3 days after the window closed"
    assert QUARTERLY.status(date(2023, 12, 31), date(2024, 3, 3)).timeliness() == "on time"


@pytest.mark.parametrize(
    ("name", "source", "period"),
    [
        ("Detailed_LA_202406.ods", "mhclg_homelessness", date(2024, 6, 30)),
        (
            "Statutory_Homelessness_Detailed_Local_Authority_Data_202503.xlsx",
            "mhclg_homelessness",
            date(2025, 3, 31),
        ),
        ("Detailed_LA_202413.ods", "mhclg_homelessness", None),  # no 13th month
        ("lahs_waiting_list_2015_2025.csv", "mhclg_waiting_lists", date(2025, 3, 31)),
        ("lahs_waiting_list_2015_2025.xlsx", "mhclg_waiting_lists", None),
    ],
)
def test_month_numbers_and_annual_files_give_the_period(name, source, period):
    discovery = get_source(source).discovery
    assert discovery is not None and discovery.period_of(name) == period
