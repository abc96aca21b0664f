"""A source that refreshes itself on the publisher's calendar, through real `housing-need refresh`
runs (Airflow DAG runs, dbt, GX) against a local server in GOV.UK's shape (tests/support/publisher).

The day the calendar is read for is set with HOUSING_NEED_TODAY, as a replay of the schedule:

0. 1 Dec 2023, nothing archived: the September 2023 release (published late November) is due; the
   run discovers it on the page, fetches and loads it.
1. 10 Feb 2024: the December quarter is expected from 22 Feb; the run does not even read the page,
   and `housing-need status` says "expected".
2. 29 Feb 2024: the release is on the page; the run archives and loads it, and the quarter's total
   is the published one.
3. 23 May 2024: the March quarter is due but not out (the page's newest is still December): the
   same file again, answered 304, nothing new.
4. 24 May 2024: the page has been redesigned: the run fails with a clear message and what users see
   does not change.

The rows are the real Asy_D11 rows, in the publisher's workbook layout. The other public feeds,
which find their own releases too (Res_D01 resettlement, Asy_D02 initial decisions, H-CLIC, LAHS,
and the census, released once), each have a page of their own with one real release (the census:
Nomis's 2021 bulk page, Nomis's 2011 bulk page and ONS's 2011 release page, tests/support/census.py).
The bundled sample is off: the first run brings every feed up to date with no URL pasted and no file
dropped (the census: every table the model reads), and the status on 10 February says which are on
time (the census: released) and that H-CLIC is late.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from housing_need.sources import get_source
from housing_need.sources.publication import ReleasedOnce
from tests.conftest import ROOT, Project
from tests.support import asy_d02, asy_d11, census, csv_feeds
from tests.support.publisher import PAGE_PATH, Publisher, serve
from tests.support.warehouse import marts_fingerprint

pytestmark = pytest.mark.integration

SOURCE = "home_office_asylum_support"
Q3, Q4 = "2023-09-30", "2023-12-31"
SEP = "support-local-authority-datasets-sep-2023.xlsx"
DEC = "support-local-authority-datasets-dec-2023.xlsx"


# The other feeds that find their own releases, each on its own page with one real release, so the
# replay brings every feed up to date with nothing pasted (their pages on their own servers: the
# request counts below are Asy_D11's).
HCLIC = "Detailed_LA_202306_all_dropdowns_fix.ods"
RESETTLEMENT = "resettlement-local-authority-datasets-sep-2023.xlsx"
DECISIONS = "asylum-applications-datasets-sep-2023.xlsx"
LAHS = "lahs_waiting_list_2015_2023.csv"
CENSUS_PAGES = census.census_publishers()
CENSUS_FILES = sorted(name for page in CENSUS_PAGES.values() for name in page.files)


OTHER_FEEDS = (
    "home_office_asylum_decisions",
    "home_office_resettlement",
    "mhclg_homelessness",
    "mhclg_waiting_lists",
    "ons_census",
)


def other_feeds() -> dict[str, Publisher]:
    resettlement = csv_feeds.read_table(csv_feeds.RESETTLEMENT_CSV)
    decisions = csv_feeds.read_table(csv_feeds.DECISIONS_CSV)
    lahs = csv_feeds.read_table(csv_feeds.WAITING_LIST_CSV)
    return {
        "home_office_asylum_decisions": Publisher(
            files={
                DECISIONS: asy_d02.decisions_workbook(csv_feeds.keep(decisions, lambda r: r["Date"] <= Q3))
            }
        ),
        "home_office_resettlement": Publisher(
            files={
                RESETTLEMENT: csv_feeds.resettlement_workbook(
                    csv_feeds.keep(resettlement, lambda r: r["Date"] <= Q3)
                )
            }
        ),
        "mhclg_homelessness": Publisher(
            page_path="/government/statistical-data-sets/live-tables-on-homelessness",
            title="Live tables on homelessness",
            files={HCLIC: (ROOT / "data/sample/mhclg_homelessness" / HCLIC).read_bytes()},
        ),
        "mhclg_waiting_lists": Publisher(
            page_path="/government/statistical-data-sets/local-authority-housing-statistics-open-data",
            title="Local authority housing statistics open data",
            files={LAHS: csv_feeds.to_csv(csv_feeds.keep(lahs, lambda r: int(r["reporting_year"]) <= 2023))},
        ),
    }


def quarter_total(rows: list[dict[str, str]], quarter: str) -> int:
    return sum(int(r["People"]) for r in rows if r["Date"] == quarter)


@pytest.fixture(scope="module")
def replay(make_project, tmp_path_factory):
    project: Project = make_project("release-calendar")
    rows = asy_d11.real_rows()
    to_q3 = [r for r in rows if r["Date"] != Q4]
    # no bundled sample: every feed comes from its publisher's page
    publisher = Publisher(files={SEP: asy_d11.to_publisher_xlsx(to_q3)})
    with ExitStack() as servers:
        servers.enter_context(serve(publisher))
        for name, other in other_feeds().items():
            servers.enter_context(serve(other))
            page = other.page_url if other.file_dir else other.content_api_url
            project.extra_env[f"HOUSING_NEED_{name.upper()}_PAGE_URL"] = page
        # the census's three pages (released once, long before)
        for page in CENSUS_PAGES.values():
            servers.enter_context(serve(page))
        project.extra_env.update(census.page_env(CENSUS_PAGES))
        project.extra_env.update(
            {
                "HOUSING_NEED_USE_SAMPLE": "0",
                "HOUSING_NEED_DISCOVER": "1",
                f"HOUSING_NEED_{SOURCE.upper()}_PAGE_URL": publisher.base_url + "/api/content" + PAGE_PATH,
            }
        )
        runs = {}

        def run(name: str, today: str) -> None:
            project.extra_env["HOUSING_NEED_TODAY"] = today
            hits = sum(publisher.hits.values())
            before = marts_fingerprint(project.warehouse) if project.warehouse.exists() else None
            result = project.cli("refresh")
            after = marts_fingerprint(project.warehouse) if project.warehouse.exists() else None
            runs[name] = (result, sum(publisher.hits.values()) - hits, before == after, loads(project))

        run("first", "2023-12-01")
        run("before the window", "2024-02-10")
        runs["status before"] = project.cli("status")
        publisher.files[DEC] = asy_d11.to_publisher_xlsx(rows)
        publisher.updated_at = "2024-02-29T09:30:00.000+00:00"
        run("release day", "2024-02-29")
        run("next quarter due, not out", "2024-05-23")
        runs["status due"] = project.cli("status")
        publisher.page_shape = "redesigned"
        run("page redesigned", "2024-05-24")
        yield project, publisher, runs, rows


def loads(project: Project) -> list[tuple[str, str]]:
    return project.query(
        "select source_file, cast(release as varchar) from meta.loads where source = ? order by loaded_at",
        [SOURCE],
    )


def test_a_due_release_is_discovered_fetched_and_loaded(replay) -> None:
    project, _, runs, rows = replay
    result, requests, _, loaded = runs["first"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert requests == 2  # the content item, then the file
    assert f"discovered: {SEP} (data to {Q3})" in result.stdout
    assert loaded == [(SEP, Q3)]
    assert project.query(
        "select sum(people) from marts.fct_asylum_support_by_la_quarter where period_end = ?", [Q3]
    ) == [(quarter_total(rows, Q3),)]


def test_before_the_window_nothing_happens_and_status_says_expected(replay) -> None:
    project, _, runs, _ = replay
    result, requests, _, loaded = runs["before the window"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert requests == 0  # not even the page is read
    assert loaded == [(SEP, Q3)]
    assert (
        f"release calendar: latest release: data to {Q3}; next (data to {Q4}) expected 22 Feb 2024 to 29 Feb 2024"
        in result.stdout
    )
    # status reads the published warehouse and HOUSING_NEED_TODAY (10 Feb): the December quarter is expected
    status = runs["status before"].stdout
    assert f"{SOURCE}: expected: latest release: data to {Q3}; next (data to {Q4}) expected" in status


def test_on_release_day_the_new_release_is_archived_and_loaded(replay) -> None:
    project, _, runs, rows = replay
    result, requests, _, loaded = runs["release day"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"discovered: {DEC} (data to {Q4})" in result.stdout
    assert loaded == [(SEP, Q3), (DEC, Q4)]
    assert project.query(
        "select sum(people) from marts.fct_asylum_support_by_la_quarter where period_end = ?", [Q4]
    ) == [(quarter_total(rows, Q4),)]
    assert "build: incremental" in result.stdout


def test_the_same_release_again_is_nothing_new(replay) -> None:
    project, publisher, runs, _ = replay
    result, requests, unchanged, loaded = runs["next quarter due, not out"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert requests == 2  # the page, and a conditional GET of December's file
    assert "not modified since the last fetch" in result.stdout
    assert loaded == [(SEP, Q3), (DEC, Q4)]
    assert unchanged
    assert loaded == [(SEP, Q3), (DEC, Q4)]
    assert (
        f"{SOURCE}: due: latest release: data to {Q4}; next (data to 2024-03-31) due now"
        in runs["status due"].stdout
    )


def test_a_redesigned_page_fails_clearly_and_changes_nothing(replay) -> None:
    project, _, runs, _ = replay
    result, _, unchanged, loaded = runs["page redesigned"]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "release discovery FAILED" in result.stdout
    assert "the page changed shape: expected a GOV.UK content item with details.attachments" in result.stdout
    assert unchanged
    assert loaded == [(SEP, Q3), (DEC, Q4)]


def test_every_feed_with_a_calendar_finds_its_release_with_nothing_pasted(replay) -> None:
    project, _, runs, _ = replay
    result = runs["first"][0]
    for name in OTHER_FEEDS:
        assert f"{name}: " in result.stdout
    assert project.query(
        "select source, source_file, cast(release as varchar) from meta.loads "
        "where source <> ? and source <> 'ons_census' order by source",
        [SOURCE],
    ) == [
        ("home_office_asylum_decisions", DECISIONS, Q3),
        ("home_office_resettlement", RESETTLEMENT, Q3),
        ("mhclg_homelessness", HCLIC, "2023-06-30"),
        ("mhclg_waiting_lists", LAHS, "2023-03-31"),
    ]
    # the census: every table the model reads, found on Nomis's and ONS's pages, nothing bundled
    census_loads = project.query(
        "select source_file, release from meta.loads where source = 'ons_census' order by source_file"
    )
    assert [f for f, _ in census_loads] == CENSUS_FILES
    calendar = get_source("ons_census").calendar
    assert isinstance(calendar, ReleasedOnce)
    assert sorted(r for _, r in census_loads) == sorted(p.name for p in calendar.windows())
    tables = project.query("select distinct table_code from marts.fct_census_cells_by_la order by 1")
    assert tables == [
        (t,) for t in ("QS203EW", "QS405EW", "TS004", "TS005", "TS012", "TS015", "TS029", "TS052", "TS054")
    ]
    # TS012 read through the Nomis bulk path (from the zip), into the communities' figures
    assert project.query(
        "select value from marts.fct_census_cells_by_la where table_code = 'TS012' "
        "and lad_code = 'E06000016' and category_path = 'Middle East and Asia > Southern Asia > India'"
    ) == [(59_842,)]
    assert project.query("select count(*) > 0 from marts.mart_tenure_change_2011_2021") == [(True,)]
    assert project.query("select count(*) > 0 from marts.mart_neighbourhood_profile") == [(True,)]
    # status: each feed's latest release, the next expected, and on time or late
    status = runs["status before"].stdout
    assert "home_office_asylum_decisions: expected: latest release: data to 2023-09-30" in status
    assert "ons_census: released: latest release: data to 2021-03-31; released once" in status
    assert "home_office_resettlement: expected: latest release: data to 2023-09-30" in status
    assert "mhclg_waiting_lists: expected: latest release: data to 2023-03-31" in status
    # H-CLIC's July-September 2023 quarter was due in January 2024: on 10 February it is late
    assert "mhclg_homelessness: due: latest release: data to 2023-06-30; next (data to 2023-09-30)" in status
    assert "LATE: 10 days after the window closed" in status
