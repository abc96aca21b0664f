"""A replayed year (2024) of every public feed's releases through the real extract, with the bundled
sample off, nothing pasted and no file dropped: each feed on its own local server page in its
publisher's shape (tests/support/publisher.py), each release put on its page on the first day of its
calendar's window. On every replayed day each feed finds its release itself, and at the end of every
day each stands on time (expected, or the census released).

The files are built from the real bundled rows (never hand-typed): the Home Office workbooks and
H-CLIC's detailed tables of 2024 are the last real quarter's figures under the later quarter (stand-ins,
not 2024's published figures), the census zips hold the bundled Nomis files (TS012's reconstructed
from demographr's), the 2011 tables are the bundled ones on Nomis's and ONS's pages.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import pytest

from housing_need.config import Settings, settings
from housing_need.pipeline.extract import calendar_status, extract_source
from housing_need.sources import get_source
from housing_need.sources.publication import ReleaseCalendar
from tests.support import asy_d02, asy_d11, census, csv_feeds, hclic
from tests.support.publisher import Publisher, serve

ROOT = Path(__file__).resolve().parents[2]
HCLIC = ROOT / "data/sample/mhclg_homelessness"
START, END = date(2024, 1, 2), date(2024, 12, 31)
LAST_REAL = "2023-12-31"
HO_PAGE = (
    "/government/statistical-data-sets/asylum-and-resettlement-datasets",
    "Asylum and resettlement datasets",
)


def _mon(period: date) -> str:
    return calendar.month_abbr[period.month].lower()


def _redated(rows: list[dict[str, str]], period: date) -> list[dict[str, str]]:
    """The last real quarter's rows under ``period``: real counts under a later date (a stand-in)."""
    q = (period.month - 1) // 3 + 1
    return [
        r
        | {
            "Date": period.isoformat(),
            "Year": str(period.year),
            "Quarter": f"{period.year} Q{q}" if "Q" in r["Quarter"] else str(q),
        }
        for r in rows
        if r["Date"] == LAST_REAL
    ]


def _to(rows: list[dict[str, str]], period: date) -> list[dict[str, str]]:
    """A release of ``period``: the real rows of 2023 H2 up to it, and stand-ins for 2024's quarters."""
    out = [r for r in rows if "2023-07-01" <= r["Date"] <= period.isoformat()]
    q = date(2024, 3, 31)
    while q <= period:
        out += _redated(rows, q)
        q = date.fromisoformat(asy_d11.next_quarter_end(q.isoformat()))
    return out


def _table(rows: list[dict[str, str]], header: list[str]) -> csv_feeds.Table:
    return csv_feeds.Table(header, [[r[h] for h in header] for r in rows])


def _csv_feed(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    table = csv_feeds.read_table(path)
    return table.header, table.dicts()


SUPPORT = asy_d11.real_rows()
RES_HEADER, RESETTLEMENT = _csv_feed(csv_feeds.RESETTLEMENT_CSV)
DEC_HEADER, DECISIONS = _csv_feed(csv_feeds.DECISIONS_CSV)
LAHS = csv_feeds.read_table(csv_feeds.WAITING_LIST_CSV)


def _hclic(period: date) -> tuple[str, bytes]:
    """The recorded detailed tables of 2023's last two quarters; later quarters built from December's."""
    recorded = {9: "Detailed_LA_202309_fixed.ods", 12: "Detailed_LA_202312.ods"}
    if period.year == 2023:
        return recorded[period.month], (HCLIC / recorded[period.month]).read_bytes()
    later = hclic.later_delivery(HCLIC / recorded[12], period.year, period.month, {})
    return f"Detailed_LA_{period:%Y%m}.xlsx", later


# source -> (page path, title, file dir, release builder: period -> (file name, bytes))
Builder = Callable[[date], tuple[str, bytes]]
FEEDS: dict[str, tuple[str, str, str, Builder]] = {
    "home_office_asylum_support": (
        *HO_PAGE,
        "",
        lambda p: (
            f"support-local-authority-datasets-{_mon(p)}-{p.year}.xlsx",
            asy_d11.to_publisher_xlsx(_to(SUPPORT, p)),
        ),
    ),
    "home_office_resettlement": (
        *HO_PAGE,
        "",
        lambda p: (
            f"resettlement-local-authority-datasets-{_mon(p)}-{p.year}.xlsx",
            csv_feeds.resettlement_workbook(_table(_to(RESETTLEMENT, p), RES_HEADER)),
        ),
    ),
    "home_office_asylum_decisions": (
        *HO_PAGE,
        "",
        lambda p: (
            f"asylum-applications-datasets-{_mon(p)}-{p.year}.xlsx",
            asy_d02.decisions_workbook(_table(_to(DECISIONS, p), DEC_HEADER)),
        ),
    ),
    "mhclg_homelessness": (
        "/government/statistical-data-sets/live-tables-on-homelessness",
        "Live tables on homelessness",
        "",
        _hclic,
    ),
    "mhclg_waiting_lists": (
        "/government/statistical-data-sets/local-authority-housing-statistics-open-data",
        "Local authority housing statistics open data",
        "",
        lambda p: (
            f"lahs_waiting_list_2015_{p.year}.csv",
            csv_feeds.to_csv(csv_feeds.keep(LAHS, lambda r: int(r["reporting_year"]) <= p.year)),
        ),
    ),
}


def schedule() -> dict[date, list[tuple[str, date]]]:
    """Replayed day -> the releases (source, period) out that day: on START, each feed's newest release
    (the census's tables are on their page from the start); then each next one on the first day of its
    window, through END."""
    days: dict[date, list[tuple[str, date]]] = {START: []}
    for name in FEEDS:
        cal = get_source(name).calendar
        assert isinstance(cal, ReleaseCalendar)
        period = cal.latest_period_published_by(START)
        days[START].append((name, period))
        while (day := cal.window(period := cal.next_period_after(period))[0]) <= END:
            days.setdefault(day, []).append((name, period))
    days[END] = days.get(END, [])
    return dict(sorted(days.items()))


@pytest.fixture(scope="module")
def year_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("year")


@pytest.fixture(scope="module")
def year(year_dir: Path) -> Iterator[dict[date, dict[str, tuple[list[str], str, bool]]]]:
    """Day -> source -> (files archived that day, its calendar's state after, on time)."""
    tmp = year_dir
    with ExitStack() as stack:
        pages: dict[str, Publisher] = {}
        for name, (path, title, file_dir, _) in FEEDS.items():
            pages[name] = stack.enter_context(
                serve(Publisher(page_path=path, title=title, file_dir=file_dir))
            )
        # the census's three pages (Nomis 2021 and 2011 bulk pages, ONS's 2011 release page)
        census_pages = {n: stack.enter_context(serve(p)) for n, p in census.census_publishers().items()}
        pages["ons_census"] = census_pages[""]

        def settings_on(day: date) -> Settings:
            env = {
                "HOUSING_NEED_VAR_DIR": str(tmp / "var"),
                "HOUSING_NEED_WAREHOUSE": str(tmp / "wh" / "w.duckdb"),
                "HOUSING_NEED_USE_SAMPLE": "0",
                "HOUSING_NEED_TODAY": day.isoformat(),
            }
            for name, page in pages.items():
                url = page.page_url if page.file_dir else page.content_api_url
                env[f"HOUSING_NEED_{name.upper()}_PAGE_URL"] = url
            return settings(env | census.page_env(census_pages))

        out: dict[date, dict[str, tuple[list[str], str, bool]]] = {}
        for day, releases in schedule().items():
            for name, period in releases:
                file_name, content = FEEDS[name][3](period)
                pages[name].files[file_name] = content
            s = settings_on(day)
            out[day] = {}
            for name in pages:
                spec = get_source(name)
                summary = extract_source(spec, s)
                assert not summary.errors and not summary.rejected, (
                    name,
                    day,
                    summary.errors,
                    summary.rejected,
                )
                status = calendar_status(spec, s)
                assert status is not None
                out[day][name] = ([a.original_name for a in summary.archived], status.state, status.on_time)
        yield out


def test_the_schedule_is_a_year_of_every_calendar() -> None:
    days = schedule()
    assert days[date(2024, 2, 22)] == [
        ("home_office_asylum_support", date(2023, 12, 31)),
        ("home_office_resettlement", date(2023, 12, 31)),
        ("home_office_asylum_decisions", date(2023, 12, 31)),
    ]
    assert days[date(2024, 4, 1)] == [("mhclg_homelessness", date(2023, 12, 31))]
    assert days[date(2024, 11, 1)] == [("mhclg_waiting_lists", date(2024, 3, 31))]
    released = sorted({name for releases in days.values() for name, _ in releases})
    assert released == sorted(FEEDS)
    # four Home Office quarters, three H-CLIC quarters and one LAHS year after the start
    assert sum(len(r) for d, r in days.items() if d > START) == 3 * 4 + 3 + 1


def test_every_feed_finds_each_release_on_its_day_with_nothing_pasted(year) -> None:
    for day, releases in schedule().items():
        expected = {name: 1 for name, _ in releases}
        if day == START:  # every table the model reads: the 2021 zips and the two 2011 tables
            expected["ons_census"] = len(census.nomis_bulk_zips()) + 2
        got = {name: len(archived) for name, (archived, _, _) in year[day].items() if archived}
        assert got == expected, day


def test_every_feed_is_on_time_at_the_end_of_every_day(year) -> None:
    for day, feeds in year.items():
        late = {name: state for name, (_, state, on_time) in feeds.items() if not on_time}
        assert late == {}, day
        states = {state for _, state, _ in feeds.values()}
        assert states <= {"expected", "released"}, (day, states)
    assert year[END]["ons_census"][1] == "released"


def test_a_missed_release_shows_as_late(year, year_dir: Path) -> None:
    # after the year: the Home Office's December 2024 quarter is due 22 to 28 February 2025; with
    # nothing new on the page by 8 March (past the 7 days' grace) Asy_D11 is overdue and late
    s = settings(
        {
            "HOUSING_NEED_VAR_DIR": str(year_dir / "var"),
            "HOUSING_NEED_USE_SAMPLE": "0",
            "HOUSING_NEED_TODAY": "2025-03-08",
        }
    )
    status = calendar_status(get_source("home_office_asylum_support"), s)
    assert status is not None and status.state == "overdue" and not status.on_time
    assert "next (data to 2024-12-31) OVERDUE" in status.text()
