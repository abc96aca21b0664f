"""The answer every briefing page opens with, and the pages built around it, from a small hand-built
warehouse whose every number is chosen here: the need over 5, 10 and 15 years as totals and a year with
the P10-P90 range, per 1,000 households against the region and England, the SYNTHETIC mark where an input
is synthetic and nowhere else, slug URLs with redirects from the code-only ones, the index's A-Z list and
search, a CSV beside every table holding the table's numbers, and the shortlist."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest

from housing_need.publish.briefing import CENSUS_COVERAGE, build_briefing
from housing_need.publish.briefing.downloads import plain
from housing_need.publish.briefing.need import answer
from housing_need.publish.briefing.page import Published
from housing_need.publish.briefing.paths import download, href, la_page, la_redirect, region_page

LEICESTER, RUTLAND, GLASGOW = "E06000016", "E06000017", "S12000049"
DIM = [
    (LEICESTER, "Leicester", "East Midlands"),
    (RUTLAND, "Rutland", "East Midlands"),
    (GLASGOW, "Glasgow City", "Scotland"),
]
SYNTHETIC = (
    "council housing register extract (SYNTHETIC, generated, not real people): the register households"
)
INPUTS = "Census 2021 TS012 (census2021-ts012); Home Office Asy_D11 to 2023-12-31 (release 2023-12-31)"
# fmt: off
# households a year (central median, P10, P90) by community and horizon; low = central - 1, high = central + 2
NEED = {
    (LEICESTER, "Romania"): {5: (14.92, 4.0, 133.8), 10: (3.7, -6.2, 181.9), 15: (0.5, -9.6, 251.6)},
    (LEICESTER, "India"): {5: (60.0, 40.0, 90.0), 10: (40.0, 20.0, 70.0), 15: (30.0, 10.0, 55.0)},
    (RUTLAND, "Romania"): {5: (2.0, 1.0, 3.0), 10: (1.5, 0.5, 2.5), 15: (1.0, 0.0, 2.0)},
}
HOUSEHOLDS = {"Romania": 1674.8, "India": 20000.0}
# the areas' totals: not the sums of the rows (medians do not add): the pages must read them from the mart
TOTALS = {  # (area_type, code, name): {horizon: (central, p10, p90)}, all households 2021
    ("local_authority", LEICESTER, "Leicester"): ({5: (80.0, 50.0, 200.0), 10: (50.0, 10.0, 230.0), 15: (35.0, 5.0, 300.0)}, 127389),
    ("local_authority", RUTLAND, "Rutland"): ({5: (2.0, 1.0, 3.0), 10: (1.5, 0.5, 2.5), 15: (1.0, 0.0, 2.0)}, 16691),
    ("region", "E12000004", "East Midlands"): ({5: (90.0, 60.0, 210.0), 10: (52.0, 12.0, 240.0), 15: (37.0, 6.0, 310.0)}, 2037327),
    ("country", "E92000001", "England"): ({5: (40000.0, 30000.0, 50000.0), 10: (30076.0, 19966.0, 44121.0), 15: (21921.0, 10731.0, 35017.0)}, 23436053),
}
# fmt: on


def hand_built(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_local_authority (lad_code varchar, lad_name varchar, region_name varchar)"
    )
    con.executemany("insert into marts.dim_local_authority values (?, ?, ?)", DIM)
    con.execute(
        "create table marts.mart_dispersal_vs_deprivation (lad_code varchar, lad_name varchar, region_name varchar, "
        "period_end date, quarter_label varchar, people_in_dispersal_accommodation bigint, population_mid2020 bigint, "
        "dispersal_per_10k double, imd2019_average_score double)"
    )
    con.executemany(
        "insert into marts.mart_dispersal_vs_deprivation values (?, ?, ?, '2023-12-31', '2023 Q4', ?, ?, ?, ?)",
        [
            (LEICESTER, "Leicester", "East Midlands", 1000, 368000, 27.2, 30.0),
            (RUTLAND, "Rutland", "East Midlands", 0, 40000, 0.0, 10.0),
            (GLASGOW, "Glasgow City", "Scotland", 3859, 635000, 60.8, None),
        ],
    )
    con.execute(
        "create table marts.mart_housing_need_estimate (lad_code varchar, lad_name varchar, region_name varchar, "
        "community_key varchar, community_name varchar, horizon_years integer, scenario varchar, annual_need double, "
        "annual_need_p10 double, annual_need_p90 double, households_at_base double, la_households_2021 double, "
        "base_date date, parameter_version varchar, inputs varchar, rests_on_synthetic_input boolean, "
        "synthetic_inputs varchar)"
    )
    rows = []
    for (code, community), horizons in NEED.items():
        name = dict((c, n) for c, n, _ in DIM)[code]
        synthetic = code == LEICESTER
        for h, (central, p10, p90) in horizons.items():
            for scenario, shift in (("low", -1.0), ("central", 0.0), ("high", 2.0)):
                rows.append(
                    (code, name, "East Midlands", community.lower(), community, h, scenario, central + shift, p10 + shift,
                     p90 + shift, HOUSEHOLDS[community], 1.0, "2023-12-31", "2026.12.1",
                     INPUTS + ("; council housing register extract at 2024-03-31 (SYNTHETIC)" if synthetic else ""),
                     synthetic, SYNTHETIC if synthetic else "none: every input is published data")
                )  # fmt: skip
    con.executemany(f"insert into marts.mart_housing_need_estimate values ({', '.join('?' * 17)})", rows)
    con.execute(
        "create table marts.mart_housing_need_total (area_type varchar, area_code varchar, area_name varchar, "
        "horizon_years integer, scenario varchar, annual_need double, annual_need_p10 double, annual_need_p90 double, "
        "annual_need_structural_low double, annual_need_structural_high double, need_over_horizon double, "
        "all_households_2021 double)"
    )
    con.executemany(
        f"insert into marts.mart_housing_need_total values ({', '.join('?' * 12)})",
        [
            (
                kind,
                code,
                name,
                h,
                scenario,
                c + shift,
                p10 + shift,
                p90 + shift,
                c - 5,
                c + 5,
                h * (c + shift),
                hh,
            )
            for (kind, code, name), (horizons, hh) in TOTALS.items()
            for h, (c, p10, p90) in horizons.items()
            for scenario, shift in (("low", -1.0), ("central", 0.0), ("high", 2.0))
        ],
    )
    con.execute(
        "create table marts.mart_emerging_community_watchlist (lad_code varchar, lad_name varchar, region_name varchar, "
        "period_end date, quarter_label varchar, rank_in_quarter integer, reasons varchar, score integer, "
        "is_shortlisted boolean)"
    )
    con.executemany(
        "insert into marts.mart_emerging_community_watchlist values (?, ?, ?, '2023-12-31', '2023 Q4', ?, ?, ?, ?)",
        [
            (
                RUTLAND,
                "Rutland",
                "East Midlands",
                1,
                "dispersal began within the last two years (1 person now)",
                4,
                True,
            ),
            (
                GLASGOW,
                "Glasgow City",
                "Scotland",
                2,
                "dispersal began within the last two years (9 people now)",
                2,
                False,
            ),
        ],
    )
    con.close()
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("answer")
    warehouse = hand_built(root / "housing_need.duckdb")
    out = root / "site"
    summary = build_briefing(warehouse, out)
    assert summary.pages == 1 + 2 + 3 and summary.redirects == 3
    return warehouse, out


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """The '#' header rows and the table (header row first) of a downloaded CSV."""
    text = path.read_text(encoding="utf-8")
    meta = [line for line in text.splitlines() if line.startswith("#")]
    table = list(
        csv.reader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#"))))
    )
    return meta, table


def test_pages_are_named_by_slug_and_code_and_the_code_only_names_redirect(site) -> None:
    assert la_page(LEICESTER, "Leicester") == "la/leicester-E06000016.html"
    assert la_page("E07000242", "St Albans & Hertsmere?") == "la/st-albans-hertsmere-E07000242.html"
    assert (
        la_redirect(LEICESTER) == "la/E06000016.html"
        and region_page("East Midlands") == "regions/east-midlands.html"
    )
    assert (
        href("la/leicester-E06000016.html", "regions/east-midlands.html") == "../regions/east-midlands.html"
    )
    assert href("index.html", "la/leicester-E06000016.html") == "la/leicester-E06000016.html"
    assert download("la/leicester-E06000016.html", "answer") == "la/leicester-E06000016.answer.csv"
    _, out = site
    old = (out / "la" / f"{LEICESTER}.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=leicester-E06000016.html">' in old
    assert '<a href="leicester-E06000016.html">Leicester</a>' in old
    region = (out / "regions" / "east-midlands.html").read_text(encoding="utf-8")
    assert '<a href="../la/leicester-E06000016.html">Leicester</a>' in region  # the links use the new names
    assert f"la/{LEICESTER}.html" not in region


def test_the_la_page_opens_with_its_answer_then_contents_then_evidence(site) -> None:
    _, out = site
    page = (out / "la" / "leicester-E06000016.html").read_text(encoding="utf-8")
    answer_at, contents_at = page.index("<section id='answer'"), page.index('id="contents"')
    evidence = [m.start() for m in re.finditer(r"<section id='(?!answer)", page)]
    assert answer_at < contents_at < min(evidence)
    # 10 years: 50 a year from the LA's total (not the communities' 43.7), 500 over the ten years, the range x 10
    block = page[answer_at:contents_at]
    assert '<span class="figure" data-figure="need-10-years">500</span> homes over 10 years' in block
    assert "<p>P10-P90 100 to 2,300</p>" in block and "<p>50 a year (P10-P90 10 to 230)</p>" in block
    assert "Migration scenarios: low 490, high 520" in block
    assert '<span class="figure" data-figure="need-5-years">400</span>' in block  # 80 x 5
    assert '<span class="figure" data-figure="need-15-years">525</span>' in block  # 35 x 15
    # per 1,000 households a year: 1000 x 50 / 127,389, the region's 52 / 2,037,327 and England's
    assert (
        "<strong>Leicester</strong> 0.4 · <strong>East Midlands</strong> 0.0 · <strong>England</strong> 1.3"
        in block
    )
    assert "Quote</strong> the central figure with its P10-P90 range" in block
    assert "what if migration follows another flow regime" in block
    romania = re.search(r'<tr data-row="Romania">(.*?)</tr>', block, re.S)
    assert romania  # 10 years first: 3.7 x 10 = 37, -62 to 1,819, 4 a year; then 5 and 15 years; low / high
    cells = re.findall(r"<td[^>]*>(.*?)</td>", romania.group(1))
    assert cells == [
        "1,675",
        "37",
        "-62 to 1,819",
        "4",
        "75",
        "20 to 669",
        "15",
        "8",
        "-144 to 3,774",
        "0",
        "27 / 57",
    ]
    assert '<strong class="synthetic">SYNTHETIC</strong>' in romania.group(1)
    assert (
        "Inputs and their releases" in block
        and "Home Office Asy_D11 to 2023-12-31 (release 2023-12-31)" in block
    )
    assert "Parameters version 2026.12.1" in block


def test_synthetic_is_marked_where_an_input_is_synthetic_and_nowhere_else(site) -> None:
    _, out = site
    leicester = (out / "la" / "leicester-E06000016.html").read_text(encoding="utf-8")
    rutland = (out / "la" / "rutland-E06000017.html").read_text(encoding="utf-8")
    block = leicester[leicester.index("<section id='answer'") : leicester.index('id="contents"')]
    # the heading, the banner, each horizon's total, the LA's row, each community's row, the synthetic input
    assert block.count('class="synthetic"') == 1 + 1 + 3 + 1 + 2 + 1
    assert SYNTHETIC in block
    assert 'class="synthetic"' not in rutland and "SYNTHETIC" not in rutland
    region = (out / "regions" / "east-midlands.html").read_text(encoding="utf-8")
    marked = re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)(?:</a>)? <strong class="synthetic">', region)
    assert marked == ["All of East Midlands", "Leicester"]  # Rutland's row rests on published data only


def test_every_table_has_a_csv_beside_it_with_the_same_numbers(site) -> None:
    warehouse, out = site
    page = (out / "la" / "leicester-E06000016.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+\.csv)" download>', page)
    assert links and len(links) == len(set(links)) == page.count("<table")
    for link in links:
        assert (out / "la" / link).exists(), link
    meta, table = read_csv(out / "la" / "leicester-E06000016.answer.csv")
    assert meta[1].startswith("# Source: marts.mart_housing_need_estimate; marts.mart_housing_need_total")
    assert meta[2].startswith(f"# SYNTHETIC: {SYNTHETIC}")
    con = duckdb.connect(str(warehouse), read_only=True)
    expected = answer(Published(con), "la", LEICESTER)
    con.close()
    assert expected is not None
    content = expected.table()
    assert table[0] == list(content.headers)
    assert table[1:] == [[plain(c) for c in row] for row in content.rows]
    romania = next(r for r in table if r[0] == "Romania")
    assert romania[2:6] == ["37", "-62", "1819", "4"] and romania[-1] == "SYNTHETIC"
    assert table[1][:6] == ["All communities of Leicester", "21675", "500", "100", "2300", "50"]
    # a chart's table: the CSV holds the cells of the HTML table, thousands separators dropped
    section = page[page.index("<section id='need-estimates'>") :]
    html_rows = [
        re.findall(r"<td>(.*?)</td>", row)
        for row in re.findall(r"<tr><td>.*?</tr>", section[: section.index("</table>")])
    ]
    _, chart_table = read_csv(out / "la" / "leicester-E06000016.need-estimates.csv")
    assert chart_table[1:] == [[plain(c) for c in row] for row in html_rows] and len(html_rows) == 2
    meta, _ = read_csv(out / "la" / "rutland-E06000017.answer.csv")
    assert meta[2] == "# Data: published sources only (no SYNTHETIC input)"


def test_the_index_finds_every_area_offline_and_shows_the_shortlist(site) -> None:
    _, out = site
    index = (out / "index.html").read_text(encoding="utf-8")
    az = index[index.index("<section id='a-to-z'") :]
    for code, name, _ in DIM:
        assert f'<a href="{la_page(code, name)}">{name}</a> <span class="code">{code}</span>' in az
    assert '<li data-search="leicester e06000016 east midlands">' in az
    assert '<a href="regions/scotland.html">Scotland</a>' in az
    assert (
        '<input type="search" id="find-box"' in index
        and '<form class="search" role="search" hidden>' in index
    )
    assert re.findall(r"<script[^>]*>", index) == ["<script>"]  # one inline script, nothing loaded
    assert not re.search(r'(src|href)="(https?:)?//', index)
    shortlist = index[index.index("<section id='shortlist'>") :]
    assert "<tr><td>1</td><td>Rutland</td><td>East Midlands</td>" in shortlist
    assert "Glasgow City" not in shortlist[: shortlist.index("</section>")]  # on the long list only


def test_the_la_page_says_where_it_stands_on_the_watchlist(site) -> None:
    _, out = site
    pages = {code: (out / la_page(code, name)).read_text(encoding="utf-8") for code, name, _ in DIM}
    assert (
        "Not on the emerging-community watchlist in 2023 Q4: on neither the shortlist of 1 nor the long list of 2."
        in pages[LEICESTER]
    )
    assert "On the emerging-community shortlist in 2023 Q4 (rank 1 of the 1 shortlisted" in pages[RUTLAND]
    assert "(1 person now)" in pages[RUTLAND]
    assert "On the long list of the emerging-community watchlist in 2023 Q4 (rank 2 of 2)" in pages[GLASGOW]


def test_scotland_says_the_census_based_estimates_cover_england_and_wales(site) -> None:
    _, out = site
    glasgow = (out / "la" / "glasgow-city-S12000049.html").read_text(encoding="utf-8")
    scotland = (out / "regions" / "scotland.html").read_text(encoding="utf-8")
    for page in (glasgow, scotland):
        assert CENSUS_COVERAGE in page
        assert 'data-figure="need-10-years"' not in page
    assert CENSUS_COVERAGE not in (out / "la" / "rutland-E06000017.html").read_text(encoding="utf-8")
