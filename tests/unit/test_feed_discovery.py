"""Every public feed with a release calendar finds its own releases: a schedule replayed day by day
through the real extract (calendar, discovery on the publisher's page, conditional fetch, the parse
check, the archive) against a local server serving pages and files in the publisher's shape
(tests/support/publisher.py), with nothing else set: no URL pasted, no file dropped, no sample.

Each replay has a release on time, a late one (status OVERDUE until it appears), a renamed file and
a revised release (a new file of a period already archived: archived beside it, the loader takes the
newer). The files are the recorded ones, or built from their rows (tests/support/hclic.py,
tests/support/csv_feeds.py), never hand-typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from housing_need.config import Settings, settings
from housing_need.pipeline.archive import list_archived
from housing_need.pipeline.extract import calendar_status, extract_source
from housing_need.sources import SourceSpec, get_source
from tests.support import asy_d02, census, csv_feeds, hclic
from tests.support.publisher import Publisher, serve

ROOT = Path(__file__).resolve().parents[2]
HCLIC = ROOT / "data/sample/mhclg_homelessness"


@dataclass
class Day:
    """One replayed day: what the extract archived, how many requests it made, the calendar after."""

    archived: list[tuple[str, str]]
    requests: int
    status: str
    state: str
    on_time: bool = True
    errors: tuple[str, ...] = ()


class Replay:
    def __init__(
        self, spec: SourceSpec, publisher: Publisher, tmp: Path, page_url: str | None = None
    ) -> None:
        self.spec, self.publisher, self.tmp = spec, publisher, tmp
        # the GOV.UK Content API item, unless the publisher's page is HTML (Nomis)
        self.page_url = page_url or publisher.content_api_url
        self.other_pages: dict[str, str] = {}  # a source's other named pages (the census's 2011 ones)

    def settings(self, today: str) -> Settings:
        return settings(
            {
                "HOUSING_NEED_VAR_DIR": str(self.tmp / "var"),
                "HOUSING_NEED_WAREHOUSE": str(self.tmp / "wh" / "w.duckdb"),
                "HOUSING_NEED_USE_SAMPLE": "0",
                "HOUSING_NEED_TODAY": today,
                f"HOUSING_NEED_{self.spec.name.upper()}_PAGE_URL": self.page_url,
                **{
                    f"HOUSING_NEED_{self.spec.name.upper()}_{page.upper()}_PAGE_URL": url
                    for page, url in self.other_pages.items()
                },
            }
        )

    def day(self, today: str, *, errors_expected: bool = False) -> Day:
        s = self.settings(today)
        hits = sum(self.publisher.hits.values())
        summary = extract_source(self.spec, s)
        assert not summary.rejected, summary.rejected
        assert bool(summary.errors) == errors_expected, summary.errors
        status = calendar_status(self.spec, s)
        assert status is not None
        return Day(
            archived=[(a.original_name, str(a.release)) for a in summary.archived],
            requests=sum(self.publisher.hits.values()) - hits,
            status=status.text(),
            state=status.state,
            on_time=status.on_time,
            errors=tuple(summary.errors),
        )

    def releases(self) -> list[tuple[str, str]]:
        archive = self.settings("2000-01-01").archive_dir
        return sorted((e.original_name, str(e.release)) for e in list_archived(archive, self.spec.name))


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Publisher]:
    with serve(Publisher(page_path="/", title="")) as publisher:
        yield publisher


def _replay(
    name: str, publisher: Publisher, page_path: str, title: str, tmp: Path, file_dir: str = ""
) -> Replay:
    publisher.files.clear()
    publisher.page_path, publisher.title, publisher.file_dir = page_path, title, file_dir
    return Replay(get_source(name), publisher, tmp, publisher.page_url if file_dir else None)


# ------------------------------------------------------------------------------------------------
# MHCLG H-CLIC: quarterly, four to five months after the quarter (window from day 1, 35 days grace)

Q3_2023, Q4_2023, Q2_2025 = "Detailed_LA_202309_fixed.ods", "Detailed_LA_202312.ods", "2025-06-30"
Q3_REVISED = "Detailed_LA_202309_revised.xlsx"
RENAMED = "Statutory_Homelessness_Detailed_Local_Authority_Data_202506.xlsx"


@pytest.fixture(scope="module")
def hclic_replay(served: Publisher, tmp_path_factory) -> dict[str, Day]:
    replay = _replay(
        "mhclg_homelessness",
        served,
        "/government/statistical-data-sets/live-tables-on-homelessness",
        "Live tables on homelessness",
        tmp_path_factory.mktemp("hclic"),
    )
    files = served.files
    days: dict[str, Day] = {}
    files[Q3_2023] = (HCLIC / Q3_2023).read_bytes()
    days["first"] = replay.day("2024-02-10")  # nothing archived: the September quarter is out
    days["expected"] = replay.day("2024-03-20")  # the December quarter is expected in April
    days["due, not out"] = replay.day("2024-05-10")  # a month late: due, looking daily
    days["overdue"] = replay.day("2024-06-10")  # past the grace: OVERDUE
    # released late, with the September quarter revised beside it
    files[Q4_2023] = (HCLIC / Q4_2023).read_bytes()
    files[Q3_REVISED] = hclic.later_delivery(HCLIC / Q3_2023, 2023, 9, {})
    days["late release"] = replay.day("2024-06-12")
    # a year and a half on, under MHCLG's 2025 file name and ONS's April 2025 codes
    files[RENAMED] = hclic.later_delivery(HCLIC / Q4_2023, 2025, 6, hclic.APRIL_2025_CODES)
    days["renamed"] = replay.day("2025-10-15")
    days["after"] = replay.day("2025-10-16")
    days["releases"] = replay.releases()  # type: ignore[assignment]
    return days


def test_hclic_first_release_is_discovered_on_the_live_tables_page(hclic_replay) -> None:
    first = hclic_replay["first"]
    assert first.archived == [(Q3_2023, "2023-09-30")]
    assert first.requests == 2  # the content item, then the file
    assert (
        first.state == "expected"
        and "next (data to 2023-12-31) expected 01 Apr 2024 to 30 Apr 2024" in first.status
    )


def test_hclic_before_the_window_reads_nothing(hclic_replay) -> None:
    assert hclic_replay["expected"].requests == 0 and hclic_replay["expected"].archived == []


def test_hclic_a_late_release_is_due_then_overdue_until_it_appears(hclic_replay) -> None:
    due, overdue = hclic_replay["due, not out"], hclic_replay["overdue"]
    assert due.archived == overdue.archived == []
    assert due.state == "due" and "due now" in due.status
    assert (
        overdue.state == "overdue"
        and "OVERDUE: expected 01 Apr 2024 to 30 Apr 2024, 41 days late" in overdue.status
    )
    late = hclic_replay["late release"]
    assert sorted(late.archived) == [(Q3_REVISED, "2023-09-30"), (Q4_2023, "2023-12-31")]
    assert late.state == "expected" and "latest release: data to 2023-12-31" in late.status


def test_hclic_renamed_file_is_found_and_archived(hclic_replay) -> None:
    assert hclic_replay["renamed"].archived == [(RENAMED, Q2_2025)]
    after = hclic_replay["after"]
    assert after.requests == 0 and after.state == "expected"
    assert "next (data to 2025-09-30) expected 01 Jan 2026" in after.status
    releases = hclic_replay["releases"]
    assert releases == sorted(
        [(Q3_2023, "2023-09-30"), (Q3_REVISED, "2023-09-30"), (Q4_2023, "2023-12-31"), (RENAMED, Q2_2025)]
    )


# ------------------------------------------------------------------------------------------------
# LAHS Section C: annual, the year ending 31 March published November to January

LAHS_2024, LAHS_2025 = "lahs_waiting_list_2015_2024.csv", "LAHS-waiting-list-2015-2025.csv"
LAHS_REVISED = "lahs_waiting_list_2015_2025_revised.csv"


@pytest.fixture(scope="module")
def lahs_replay(served: Publisher, tmp_path_factory) -> dict[str, Day]:
    replay = _replay(
        "mhclg_waiting_lists",
        served,
        "/government/statistical-data-sets/local-authority-housing-statistics-open-data",
        "Local authority housing statistics open data",
        tmp_path_factory.mktemp("lahs"),
    )
    table = csv_feeds.read_table(csv_feeds.WAITING_LIST_CSV)
    files = served.files
    days: dict[str, Day] = {}
    files[LAHS_2024] = csv_feeds.to_csv(csv_feeds.keep(table, lambda r: int(r["reporting_year"]) <= 2024))
    days["first"] = replay.day("2024-12-01")
    days["expected"] = replay.day("2025-10-20")
    days["overdue"] = replay.day("2026-02-05")
    # released late, renamed (hyphens, capitals)
    files[LAHS_2025] = csv_feeds.WAITING_LIST_CSV.read_bytes()
    days["late, renamed"] = replay.day("2026-02-10")
    # revised in place of the 2025 file: found at the next look, in the following November
    del files[LAHS_2025]
    row = table.find({"reporting_year": "2025"})
    revised = csv_feeds.with_cell(
        table, row, "households_on_register", str(int(table.dicts()[row]["households_on_register"]) + 1)
    )
    files[LAHS_REVISED] = csv_feeds.to_csv(revised)
    days["between"] = replay.day("2026-03-01")
    days["revised"] = replay.day("2026-11-02")
    return days


def test_lahs_first_release_then_nothing_before_november(lahs_replay) -> None:
    assert lahs_replay["first"].archived == [(LAHS_2024, "2024-03-31")]
    expected = lahs_replay["expected"]
    assert expected.requests == 0 and expected.state == "expected"
    assert "next (data to 2025-03-31) expected 01 Nov 2025 to 30 Nov 2025" in expected.status


def test_lahs_late_release_shows_overdue_then_the_renamed_file_is_archived(lahs_replay) -> None:
    overdue = lahs_replay["overdue"]
    assert overdue.archived == [] and overdue.state == "overdue" and "OVERDUE" in overdue.status
    late = lahs_replay["late, renamed"]
    assert late.archived == [(LAHS_2025, "2025-03-31")] and late.state == "expected"


def test_lahs_revised_release_is_archived_at_the_next_look(lahs_replay) -> None:
    assert lahs_replay["between"].requests == 0
    revised = lahs_replay["revised"]
    assert revised.archived == [(LAHS_REVISED, "2025-03-31")]
    assert revised.state == "due"  # the 2026 release is not out yet: still looking daily


# ------------------------------------------------------------------------------------------------
# Home Office resettlement (Res_D01) and initial decisions (Asy_D02): Asy_D11's calendar and page, the
# publisher's workbooks (Res_D01 built from the bundled rows; Asy_D02's detailed dataset generated
# from the bundled CSV's figures, tests/support/asy_d02.py), found among the page's other files


@dataclass(frozen=True)
class HomeOfficeFeed:
    table: Callable[[], csv_feeds.Table]  # the rows, to December 2023
    build: Callable[[csv_feeds.Table], bytes]  # the publisher's workbook of rows
    revise: str  # the count a revised September release changes
    sep: str
    dec: str  # out late, and named another way (the month spelt out) or not
    sep_revised: str
    decoys: tuple[str, ...] = ()  # other files of the page, never fetched


HOME_OFFICE_FEEDS = {
    "home_office_resettlement": HomeOfficeFeed(
        lambda: csv_feeds.read_table(csv_feeds.RESETTLEMENT_CSV),
        csv_feeds.resettlement_workbook,
        "Persons",
        "resettlement-local-authority-datasets-sep-2023.xlsx",
        "resettlement-local-authority-datasets-december-2023.xlsx",
        "resettlement-local-authority-datasets-sep-2023-revised.xlsx",
    ),
    "home_office_asylum_decisions": HomeOfficeFeed(
        # two real years keep the workbooks small; the replay is about finding them
        lambda: csv_feeds.keep(csv_feeds.read_table(csv_feeds.DECISIONS_CSV), lambda r: r["Year"] >= "2022"),
        asy_d02.decisions_workbook,
        "Refused",
        "asylum-applications-datasets-sep-2023.xlsx",
        "asylum-applications-datasets-dec-2023.xlsx",
        "asylum-applications-datasets-sep-2023-revised.xlsx",
        decoys=(
            "asylum-applications-awaiting-decision-datasets-sep-2023.xlsx",
            "support-local-authority-datasets-sep-2023.xlsx",
        ),
    ),
}


@pytest.fixture(scope="module", params=sorted(HOME_OFFICE_FEEDS))
def home_office_replay(request, served: Publisher, tmp_path_factory) -> tuple[HomeOfficeFeed, dict[str, Day]]:
    feed = HOME_OFFICE_FEEDS[request.param]
    replay = _replay(
        request.param,
        served,
        "/government/statistical-data-sets/asylum-and-resettlement-datasets",
        "Asylum and resettlement datasets",
        tmp_path_factory.mktemp(request.param),
    )
    table = feed.table()
    to_q3 = csv_feeds.keep(table, lambda r: r["Date"] <= "2023-09-30")
    files = served.files
    days: dict[str, Day] = {}
    for decoy in feed.decoys:
        files[decoy] = b"not this source's file"
    files[feed.sep] = feed.build(to_q3)
    days["first"] = replay.day("2023-12-01")
    days["expected"] = replay.day("2024-02-10")
    days["due, late"] = replay.day("2024-03-01")
    days["overdue"] = replay.day("2024-03-09")
    # out late; September revised beside it (one count of its last row changed)
    files[feed.dec] = feed.build(table)
    row = len(to_q3.rows) - 1
    value = to_q3.dicts()[row][feed.revise]
    revised = str(int(value) + 1) if value != "NA" else "1"
    files[feed.sep_revised] = feed.build(csv_feeds.with_cell(to_q3, row, feed.revise, revised))
    days["late release"] = replay.day("2024-03-11")
    days["releases"] = replay.releases()  # type: ignore[assignment]
    return feed, days


def test_home_office_workbook_is_discovered_on_asy_d11s_page_and_calendar(home_office_replay) -> None:
    feed, days = home_office_replay
    first = days["first"]
    assert first.archived == [(feed.sep, "2023-09-30")] and first.requests == 2
    expected = days["expected"]
    assert expected.requests == 0
    assert "next (data to 2023-12-31) expected 22 Feb 2024 to 29 Feb 2024" in expected.status


def test_home_office_late_release_then_renamed_and_revised_files(home_office_replay) -> None:
    feed, days = home_office_replay
    due, overdue = days["due, late"], days["overdue"]
    assert due.archived == overdue.archived == []
    assert (due.state, overdue.state) == ("due", "overdue")
    late = days["late release"]
    assert sorted(late.archived) == [(feed.dec, "2023-12-31"), (feed.sep_revised, "2023-09-30")]
    assert late.state == "expected"
    assert days["releases"] == sorted(
        [(feed.sep, "2023-09-30"), (feed.sep_revised, "2023-09-30"), (feed.dec, "2023-12-31")]
    )


# ------------------------------------------------------------------------------------------------
# ONS census: released once, in phases, on Nomis's bulk download page (HTML: links to
# /output/census/2021/census2021-tsNNN.zip and -extra.zip for every table); the zips hold the
# bundled Nomis bulk files byte for byte, and TS012's reconstructed from demographr
# (tests/support/census.py). The 2011 tables, published 11 December 2012, where their publishers put
# them: QS405EW on Nomis's 2011 bulk page, QS203EW in ONS's workbook on its release page.

NOMIS_DEMOGRAPHY = (
    "census2021-ts004.zip",
    "census2021-ts005.zip",
    "census2021-ts012.zip",
    "census2021-ts015.zip",
)
NOMIS_LANGUAGE, NOMIS_HOUSING = "census2021-ts029.zip", ("census2021-ts052.zip", "census2021-ts054.zip")
NOMIS_OTHERS = ("census2021-ts001.zip", "census2021-ts004-extra.zip", "census2021-ts054-extra.zip")
# on Nomis's 2011 page, files the source does not read: the output-area zip in the older layout
NOMIS_2011_OTHERS = ("qs405ew_2011_oa.zip", "ks101ew_2011_oa.zip")
QS405EW, QS203EW = census.QS405EW.name, census.QS203EW.name


def _release(zip_name: str) -> tuple[str, str]:
    return zip_name, zip_name.removesuffix(".zip")


@pytest.fixture(scope="module")
def census_replay(served: Publisher, tmp_path_factory) -> Iterator[dict[str, Day]]:
    replay = _replay(
        "ons_census",
        served,
        "/sources/census_2021_bulk",
        "2021 Census Bulk Data Download",
        tmp_path_factory.mktemp("census"),
        file_dir="/output/census/2021",
    )
    zips = census.nomis_bulk_zips()
    assert sorted(zips) == sorted([*NOMIS_DEMOGRAPHY, NOMIS_LANGUAGE, *NOMIS_HOUSING])
    pages = census.census_publishers()
    qs405ew = pages["nomis2011"].files.pop(QS405EW)
    with serve(pages["nomis2011"]) as nomis_2011, serve(pages["ons2011"]) as ons_2011:
        replay.other_pages = {"nomis2011": nomis_2011.page_url, "ons2011": ons_2011.page_url}
        files = served.files
        days: dict[str, Day] = {}
        for name in NOMIS_OTHERS:  # tables and ward files the source does not read: never fetched
            files[name] = b"not read"
        for name in NOMIS_2011_OTHERS:
            nomis_2011.files[name] = b"not read"
        # long after the 2011 tables were out, QS405EW is not on Nomis's 2011 page: late, and named
        days["2011 missing"] = replay.day("2022-10-01", errors_expected=True)
        nomis_2011.files[QS405EW] = qs405ew
        days["2011 in"] = replay.day("2022-10-02")
        for name in NOMIS_DEMOGRAPHY:
            files[name] = zips[name]
        days["demography"] = replay.day("2022-11-10")
        files[NOMIS_LANGUAGE] = zips[NOMIS_LANGUAGE]
        days["language"] = replay.day("2022-12-01")
        days["housing late"] = replay.day("2023-02-01")
        for name in NOMIS_HOUSING:
            files[name] = zips[name]
        days["housing"] = replay.day("2023-02-03")
        days["after"] = replay.day("2024-06-01")
        days["releases"] = replay.releases()  # type: ignore[assignment]
        days["others fetched"] = sum(served.hits[served.media_path(n)] for n in NOMIS_OTHERS)  # type: ignore[assignment]
        days["2011 others fetched"] = sum(  # type: ignore[assignment]
            nomis_2011.hits[nomis_2011.media_path(n)] for n in NOMIS_2011_OTHERS
        )
        days["2011 pages read"] = nomis_2011.hits[nomis_2011.page_path] + ons_2011.hits[ons_2011.page_path]  # type: ignore[assignment]
        yield days


def test_a_missing_census_table_shows_as_late_and_is_named(census_replay) -> None:
    missing = census_replay["2011 missing"]
    # QS203EW found on ONS's release page; the 2021 tables are not due, so Nomis's 2021 page is not read
    assert missing.archived == [(QS203EW, "census2011-qs203ew")] and missing.requests == 0
    assert missing.state == "overdue" and not missing.on_time
    assert "next (data to 2011-03-31) OVERDUE: expected 11 Dec 2012 to 11 Dec 2012" in missing.status
    assert missing.status.endswith("missing: census2011-qs405ew")
    # Nomis's 2011 page lists no QS405EW file the source reads: said, never taken for "nothing new"
    assert len(missing.errors) == 1 and "no file matches" in missing.errors[0]
    assert "qs405ew_2011_oa.zip" in missing.errors[0]


def test_census_2011_tables_in_the_2021_ones_are_expected_and_their_page_is_not_read(census_replay) -> None:
    in_2011 = census_replay["2011 in"]
    assert in_2011.archived == [(QS405EW, "census2011-qs405ew")] and in_2011.requests == 0
    assert in_2011.state == "expected" and in_2011.on_time
    assert "next (data to 2021-03-31) expected 02 Nov 2022 to 05 Jan 2023" in in_2011.status
    # two days, two pages each (ONS's only on the first: QS203EW was in), then never again
    assert census_replay["2011 pages read"] == 3
    assert census_replay["2011 others fetched"] == 0


def test_census_tables_are_found_on_the_nomis_page_as_each_phase_is_published(census_replay) -> None:
    demography = census_replay["demography"]
    assert sorted(demography.archived) == [_release(n) for n in NOMIS_DEMOGRAPHY]
    assert demography.requests == 1 + len(NOMIS_DEMOGRAPHY)  # the page, then each zip
    assert demography.state == "due"  # the language and housing tables are still to come
    assert demography.status.endswith("missing: census2021-ts029, census2021-ts052, census2021-ts054")
    language = census_replay["language"]
    assert language.archived == [_release(NOMIS_LANGUAGE)] and language.state == "due"
    late = census_replay["housing late"]
    assert late.archived == [] and late.state == "overdue" and "OVERDUE" in late.status
    assert not late.on_time
    assert census_replay["others fetched"] == 0


def test_census_once_every_table_is_in_it_is_released_and_never_looked_for_again(census_replay) -> None:
    housing = census_replay["housing"]
    assert sorted(housing.archived) == [_release(n) for n in NOMIS_HOUSING]
    assert housing.state == "released" and housing.on_time
    assert "latest release: data to 2021-03-31; released once" in housing.status
    after = census_replay["after"]
    assert after.requests == 0 and after.archived == [] and after.state == "released"
    assert census_replay["releases"] == sorted(
        [
            *(_release(n) for n in (*NOMIS_DEMOGRAPHY, NOMIS_LANGUAGE, *NOMIS_HOUSING)),
            (QS203EW, "census2011-qs203ew"),
            (QS405EW, "census2011-qs405ew"),
        ]
    )
