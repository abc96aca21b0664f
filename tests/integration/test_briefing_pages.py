"""The briefing pages built by a real refresh, served over HTTP and rendered in real headless
Chromium: the charts carry the warehouse's numbers, and screenshots are produced."""

from __future__ import annotations

import csv
import re
import shutil
import threading
from pathlib import Path

import pytest

from housing_need.publish.briefing.maps.classes import shown
from housing_need.publish.site import serve_site
from tests.conftest import Project
from tests.support.browser import ensure_chromium, run_chromium

pytestmark = pytest.mark.integration

GREATER_MANCHESTER = {f"E0800000{i}" for i in range(1, 10)} | {"E08000010"}  # the ten metropolitan boroughs


@pytest.fixture(scope="module")
def site(bundled: Project):
    """The pages the README's refresh built, served over HTTP as `housing-need serve` does."""
    project = bundled
    assert "briefing:" in project.first_output  # type: ignore[attr-defined]
    server = serve_site(project.var_dir / "site", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield project, f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium() -> Path:
    return ensure_chromium()


def render(chromium: Path, url: str, shot: Path, profile: Path) -> str:
    """The DOM after Chromium rendered the page, and a full-page screenshot."""
    dom = run_chromium(chromium, profile, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    png = run_chromium(chromium, profile, f"--screenshot={shot}", "--window-size=1280,2400", url)
    assert png.returncode == 0, png.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    return dom.stdout


def section(dom: str, section_id: str) -> str:
    match = re.search(rf"<section id=\"?'?{section_id}\"?'?>(.*?)</section>", dom, re.S)
    assert match, f"section {section_id} missing"
    return match.group(1)


def marks(fragment: str) -> list[float]:
    return [float(v) for v in re.findall(r'class="mark[^"]*"[^>]*data-value="([-0-9.e]+)"', fragment)]


@pytest.mark.parametrize(
    ("page", "region", "la"),
    [
        ("briefing/regions/east-midlands.html", "East Midlands", None),
        ("briefing/regions/north-west.html", "North West", None),
        ("briefing/la/manchester-E08000003.html", "North West", "E08000003"),
    ],
)
def test_pages_render_charts_with_the_warehouse_numbers(
    site, chromium: Path, tmp_path: Path, page, region, la
) -> None:
    project, base = site
    shot = tmp_path / (Path(page).stem + ".png")
    dom = render(chromium, f"{base}/{page}", shot, tmp_path / "profile")
    keep = project.var_dir / "screenshots"
    keep.mkdir(exist_ok=True)
    shutil.copy2(shot, keep / shot.name)
    print(f"screenshot: {keep / shot.name}")

    quarters = project.query("select count(distinct period_end) from marts.mart_dispersal_vs_deprivation")[0][
        0
    ]
    trend = marks(section(dom, "dispersal-trend"))
    assert len(trend) == quarters * (1 if la is None else 2) and max(trend) > 0

    latest = "(select max(period_end) from marts.mart_dispersal_vs_deprivation)"
    key_sql = "lad_code = ?" if la else "region_name = ?"
    figure = project.query(
        f"select sum(people_in_dispersal_accommodation) from marts.mart_dispersal_vs_deprivation where {key_sql} and period_end = {latest}",
        [la or region],
    )[0][0]
    assert re.search(rf"data-figure=[\"']people-in-dispersal[\"']>{figure:,}<", dom)
    if la is None:
        assert trend[-1] == figure

    las_with_imd = project.query(
        f"select count(*) from marts.mart_dispersal_vs_deprivation where region_name = ? and period_end = {latest} "
        "and imd2019_average_score is not null",
        [region],
    )[0][0]
    scatter = section(dom, "deprivation")
    assert len(marks(scatter)) == las_with_imd > 0
    if la:
        assert len(re.findall(r'class="mark highlight"', scatter)) == 1
    bars = marks(section(dom, "accommodation"))
    total = project.query(
        f"select sum(people) from marts.fct_asylum_support_by_la_quarter where {key_sql} "
        "and period_end = (select max(period_end) from marts.fct_asylum_support_by_la_quarter)",
        [la or region],
    )[0][0]
    assert sum(bars) == total
    assert "Not yet available" not in dom  # every section's marts exist
    need = marks(
        section(dom, "need-estimates")
    )  # one dot per community (LA) or per LA (region), the first 12
    drawn = project.query(
        "select count(distinct community_key), count(distinct lad_code) from marts.mart_housing_need_estimate "
        f"where {key_sql}",
        [la or region],
    )[0]
    assert len(need) == min(12, drawn[0] if la else drawn[1]) > 0

    community = section(dom, "community-profile")
    if la:
        born_outside, residents = project.query(
            "select born_outside_uk_2021, residents_2021 from marts.mart_community_profile_by_la where lad_code = ?",
            [la],
        )[0]
        assert f"{born_outside:,} of {residents:,} usual residents" in community  # 173,206 of 551,938
        countries = project.query(
            "select residents_2021 from marts.mart_community_change_2011_2021 where lad_code = ? "
            "and community_type = 'country' order by residents_2021 desc limit 10",
            [la],
        )
        assert marks(community) == [float(c) for (c,) in countries]
    else:
        shares = project.query(
            "select count(*) from marts.mart_community_profile_by_la where region_name = ?",
            [region],
        )[0][0]
        assert len(marks(community)) == shares > 0


def test_greater_manchester_boroughs_are_on_the_north_west_page(site, chromium: Path, tmp_path: Path) -> None:
    """Greater Manchester is a combined authority, not an ONS region: its ten boroughs appear on the
    North West page (links and deprivation scatter points) and each has its own page."""
    project, base = site
    dom = render(
        chromium, f"{base}/briefing/regions/north-west.html", tmp_path / "nw.png", tmp_path / "profile"
    )
    linked = set(re.findall(r"la/[a-z0-9-]+-(E\d{8})\.html", dom))  # pages named by slug and code
    assert GREATER_MANCHESTER.issubset(linked)
    names = [
        r[0]
        for r in project.query(
            "select lad_name from marts.dim_local_authority where lad_code in "
            f"({', '.join(repr(c) for c in sorted(GREATER_MANCHESTER))})",
        )
    ]
    scatter = section(dom, "deprivation")
    assert all(f"<title>{name}:" in scatter for name in names)
    for code in GREATER_MANCHESTER:
        assert len(list((project.var_dir / "site" / "briefing" / "la").glob(f"*-{code}.html"))) == 1
        assert (
            project.var_dir / "site" / "briefing" / "la" / f"{code}.html"
        ).exists()  # the old name redirects


def test_site_index_links_briefing_dbt_docs_and_data_docs(site, chromium: Path, tmp_path: Path) -> None:
    project, base = site
    dom = render(chromium, f"{base}/", tmp_path / "index.png", tmp_path / "profile")
    for link in ("briefing/index.html", "dbt-docs/static_index.html", "data-docs/index.html"):
        assert link in dom
        assert (project.var_dir / "site" / link).exists()


def map_areas(fragment: str) -> dict[str, dict[str, str]]:
    """lad_code -> attributes of every LA shape of a map in the rendered DOM."""
    found = {}
    for tag in re.findall(r'<path class="area[^"]*"[^>]*>', fragment):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        assert attrs["data-lad-code"] not in found, "one path per LA"
        found[attrs["data-lad-code"]] = attrs
    return found


def map_table(fragment: str) -> dict[str, list[str]]:
    """lad_code -> the cells of its row in the map's "numbers behind this chart" table."""
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr><td>.*?</tr>", fragment)]
    return {cells[1]: cells for cells in rows}


LATEST = "(select max(period_end) from marts.mart_dispersal_vs_deprivation)"


@pytest.mark.parametrize(("page", "region"), [("north-west", "North West"), ("london", "London")])
def test_region_map_draws_every_la_with_the_marts_dispersal_rate_and_marks_the_shortlist(
    site, chromium: Path, tmp_path: Path, page, region
) -> None:
    project, base = site
    shot = tmp_path / f"map-{page}.png"
    dom = render(chromium, f"{base}/briefing/regions/{page}.html", shot, tmp_path / "profile")
    keep = project.var_dir / "screenshots"
    keep.mkdir(exist_ok=True)
    shutil.copy2(shot, keep / shot.name)

    expected = {
        code: (people, f"{10000 * people / population:.1f}" if people is not None and population else None)
        for code, people, population in project.query(
            "select d.lad_code, m.people_in_dispersal_accommodation, m.population_mid2020 "
            "from marts.dim_local_authority d left join marts.mart_dispersal_vs_deprivation m "
            f"on m.lad_code = d.lad_code and m.period_end = {LATEST} where d.region_name = ?",
            [region],
        )
    }
    watchlist = {  # the maps mark the shortlist (the long list would ring a third of England)
        code
        for (code,) in project.query(
            "select lad_code from marts.mart_emerging_community_watchlist where region_name = ? and is_shortlisted "
            "and period_end = (select max(period_end) from marts.mart_emerging_community_watchlist)",
            [region],
        )
    }
    fragment = section(dom, "dispersal-map")
    assert 'role="group"' in fragment and "aria-label=" in fragment  # its areas are links a reader reaches
    drawn = map_areas(fragment)
    assert set(drawn) == set(expected) and len(drawn) >= 33
    for code, (_, rate) in expected.items():
        assert drawn[code]["d"].startswith("M"), code
        if rate is not None:
            assert drawn[code]["data-value"] == rate, code
            assert not drawn[code]["fill"].startswith("url("), f"{code} drawn as no data"
    assert {c for c, a in drawn.items() if "marked" in a["class"].split()} == watchlist
    markers = set(re.findall(r'<use class="marker" data-lad-code="(\w+)"', fragment))
    assert markers == watchlist
    if region == "North West":
        assert watchlist  # the North West has LAs on the shortlist: the marks are really tested

    table = map_table(fragment)
    assert set(table) == set(expected)
    for code, (people, rate) in expected.items():
        assert table[code][3] == (rate or "no data"), code
        if people is not None:
            assert table[code][2] == f"{people:,}", code
        assert (table[code][5] != "") == (code in watchlist), code
    assert "Contains OS data © Crown copyright and database right 2024" in dom
    need = map_areas(section(dom, "need-map"))  # estimated need per 1,000 households (10 years, central)
    rates = dict(
        project.query(
            "select area_code, 1000 * annual_need / all_households_2021 from marts.mart_housing_need_total "
            "where area_type = 'local_authority' and horizon_years = 10 and scenario = 'central' "
            "and area_code in (select lad_code from marts.dim_local_authority where region_name = ?)",
            [region],
        )
    )
    assert set(need) == set(expected) and len(rates) == len(expected)  # every LA of England has an estimate
    for code, rate in rates.items():
        assert need[code]["data-value"] == shown(rate), code
        assert not need[code]["fill"].startswith("url("), f"{code} drawn as no data"
    assert {c for c, a in need.items() if "marked" in a["class"].split()} == watchlist


def test_index_map_draws_every_english_and_welsh_la(site, chromium: Path, tmp_path: Path) -> None:
    project, base = site
    dom = render(chromium, f"{base}/briefing/index.html", tmp_path / "map-index.png", tmp_path / "profile")
    fragment = section(dom, "dispersal-map")
    drawn = map_areas(fragment)
    english = {
        c for (c,) in project.query("select lad_code from marts.dim_local_authority where lad_code like 'E%'")
    }
    welsh = {
        c for (c,) in project.query("select lad_code from marts.dim_local_authority where lad_code like 'W%'")
    }
    assert len(english) == 296 and len(welsh) == 22
    assert set(drawn) == english | welsh
    assert all(a["d"].startswith("M") and not a["fill"].startswith("url(") for a in drawn.values())
    assert set(map_table(fragment)) == english | welsh
    size = (project.var_dir / "site" / "briefing" / "index.html").stat().st_size
    print(f"index.html: {size:,} bytes")
    svg = re.search(r"<svg.*?</svg>", fragment, re.S)
    # whole pixels and simplification keep each map small (links, names read aloud and the London inset
    # add about 45 k)
    assert svg and len(svg.group(0)) < 200_000


# --- the answer first: Leicester's Romanian-born community, as a strategy officer reads it -----------------

LEICESTER_PAGE = "la/leicester-E06000016.html"


def run_in_page(
    chromium: Path, briefing: Path, page: str, expression: str, tmp_path: Path, width: int = 1280
) -> str:
    """The value of a JavaScript ``expression`` (on ``doc``, the page's document) once Chromium has laid
    out ``page`` in a frame ``width`` px wide: e.g. where an element sits, in px from the top of the page.
    A frame, because headless Chromium keeps its window at least 500 px wide."""
    copy = tmp_path / "copy"
    shutil.copytree(briefing, copy, ignore=shutil.ignore_patterns("*.csv"), dirs_exist_ok=True)
    probe = copy / "probe.html"
    probe.write_text(
        f'<!doctype html><html><body style="margin:0"><iframe id="frame" src="{page}" '
        f'style="width:{width}px;height:1000px;border:0"></iframe><script>'
        "document.getElementById('frame').addEventListener('load', function () { "
        "var doc = this.contentDocument; document.body.setAttribute('data-out', "
        f"String({expression})); }});</script></body></html>",
        encoding="utf-8",
    )
    dom = run_chromium(
        chromium, tmp_path / "profile", "--allow-file-access-from-files", "--window-size=1400,1000",
        "--virtual-time-budget=5000", "--dump-dom", probe.as_uri(),
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'data-out="([^"]*)"', dom.stdout)
    assert found, "the probe did not run"
    return found.group(1)


def test_leicester_opens_with_the_romanian_born_need_its_range_and_the_synthetic_mark(
    site, chromium: Path, tmp_path: Path
) -> None:
    project, base = site
    briefing = project.var_dir / "site" / "briefing"
    dom = run_chromium(
        chromium, tmp_path / "profile", "--dump-dom", f"{base}/briefing/{LEICESTER_PAGE}"
    ).stdout
    ((annual, p10, p90, over, low, high, synthetic),) = project.query(
        "select max(annual_need) filter (where scenario = 'central'), max(annual_need_p10) filter (where scenario = 'central'), "
        "max(annual_need_p90) filter (where scenario = 'central'), max(need_over_horizon) filter (where scenario = 'central'), "
        "max(need_over_horizon) filter (where scenario = 'low'), max(need_over_horizon) filter (where scenario = 'high'), "
        "bool_and(rests_on_synthetic_input) from marts.mart_housing_need_estimate "
        "where lad_code = 'E06000016' and community_name = 'Romania' and horizon_years = 10"
    )
    assert synthetic  # the bundled council register extract is SYNTHETIC: every Leicester figure is marked
    answer = dom[dom.index('<section id="answer"') : dom.index('id="contents"')]
    row = re.search(r'<tr data-row="Romania">(.*?)</tr>', answer, re.S)
    assert row, "Romania is not in Leicester's answer"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells[1:4] == [f"{over:,.0f}", f"{10 * p10:,.0f} to {10 * p90:,.0f}", f"{annual:,.0f}"]
    assert cells[-1] == f"{low:,.0f} / {high:,.0f}"
    assert '<strong class="synthetic">SYNTHETIC</strong>' in row.group(1)
    assert "Quote</strong> the central figure with its P10-P90 range" in answer
    # the CSV beside the table holds the same numbers, and says SYNTHETIC in a header row
    text = (briefing / "la" / "leicester-E06000016.answer.csv").read_text(encoding="utf-8")
    assert "\n# SYNTHETIC: council housing register extract (SYNTHETIC" in text
    table = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
    romania = next(r for r in table if r[0] == "Romania")
    assert romania[2:6] == [f"{over:.0f}", f"{10 * p10:.0f}", f"{10 * p90:.0f}", f"{annual:.0f}"]
    assert romania[-1] == "SYNTHETIC"
    manchester = (briefing / "la" / "manchester-E08000003.html").read_text(encoding="utf-8")
    assert project.query(
        "select bool_or(rests_on_synthetic_input) from marts.mart_housing_need_estimate where lad_code = 'E08000003'"
    ) == [(False,)]
    assert 'class="synthetic"' not in manchester and "SYNTHETIC" not in manchester
    # where it sits: within the first screens at 1280 px (it was about 4,300 px down, in a closed table)
    top = int(run_in_page(chromium, briefing, LEICESTER_PAGE, "Math.round(doc.querySelector("
                          "'tr[data-row=\"Romania\"]').getBoundingClientRect().top)", tmp_path))  # fmt: skip
    print(f"Leicester, Romania-born 10-year need: {top} px from the top at 1280 px")
    assert 0 < top < 1600
    # a 390 px phone: nothing wider than the screen but the tables, which scroll in their own box
    width = run_in_page(chromium, briefing, LEICESTER_PAGE, "doc.documentElement.scrollWidth", tmp_path, 390)
    assert int(width) == 390
    shot = tmp_path / "leicester-390.png"
    png = run_chromium(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=390,2000",
                       f"{base}/briefing/{LEICESTER_PAGE}")  # fmt: skip
    assert png.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = project.var_dir / "screenshots"
    keep.mkdir(exist_ok=True)
    shutil.copy2(shot, keep / shot.name)


def test_the_code_only_url_of_an_la_page_still_leads_to_it(site, chromium: Path, tmp_path: Path) -> None:
    _, base = site
    dom = run_chromium(
        chromium,
        tmp_path / "profile",
        "--virtual-time-budget=5000",
        "--dump-dom",
        f"{base}/briefing/la/E06000016.html",
    )
    assert dom.returncode == 0
    assert "<h1>Leicester</h1>" in dom.stdout and 'data-figure="need-10-years"' in dom.stdout


def test_an_la_page_prints_as_a_short_a4_report(site, chromium: Path, tmp_path: Path) -> None:
    project, base = site
    pdf = tmp_path / "leicester.pdf"
    printed = run_chromium(
        chromium,
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        f"{base}/briefing/{LEICESTER_PAGE}",
    )
    assert printed.returncode == 0, printed.stderr[-2000:]
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    sizes = {m.groups() for m in re.finditer(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)}
    print(f"Leicester printed: {pages} A4 pages")
    assert 2 <= pages <= 14
    assert sizes == {(b"594.95996", b"841.91998")}, sizes  # A4 (210 x 297 mm in points), every page
    css = (project.var_dir / "site" / "briefing" / "briefing.css").read_text(encoding="utf-8")
    rules = css[css.index("@media print") :]
    assert re.search(
        r"figure\.chart-block, \.chart,[^{]*\{[^}]*break-inside: avoid", rules
    )  # no chart cut in two


def test_the_index_shortlist_and_search(site, chromium: Path, tmp_path: Path) -> None:
    project, base = site
    briefing = project.var_dir / "site" / "briefing"
    ((shortlisted, listed),) = project.query(
        "select count(*) filter (where is_shortlisted), count(*) from marts.mart_emerging_community_watchlist "
        "where period_end = (select max(period_end) from marts.mart_emerging_community_watchlist)"
    )
    print(f"watchlist: {shortlisted} shortlisted of {listed}")
    assert 0 < shortlisted <= 30 and 5 * shortlisted < listed  # a shortlist, with the long list behind it
    index = (briefing / "index.html").read_text(encoding="utf-8")
    table = index[index.index("<section id='shortlist'>") :]
    table = table[: table.index("</section>")]
    assert len(re.findall(r"<tr><td>\d+</td>", table)) == shortlisted
    las = project.query("select count(*) from marts.dim_local_authority")[0][0]
    assert index.count("<li data-search=") >= las  # every LA (and every region) in the A-Z list
    found = run_in_page(
        chromium,
        briefing,
        "index.html",
        "(function () { var box = doc.getElementById('find-box'); box.value = 'E06000016'; "
        "box.dispatchEvent(new Event('input')); return doc.getElementById('find-results').textContent + '|' "
        "+ doc.getElementById('find-results').querySelector('a').getAttribute('href'); })()",
        tmp_path,
    )
    assert found.startswith("Leicester E06000016") and found.endswith("|la/leicester-E06000016.html")
