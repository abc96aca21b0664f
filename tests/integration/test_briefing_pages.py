"""The briefing pages built by a real refresh, served over HTTP and rendered in real headless
Chromium: the charts carry the warehouse's numbers, and screenshots are produced."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest

from housing_need.publish.briefing.maps import shown
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
        ("briefing/la/E08000003.html", "North West", "E08000003"),  # Manchester
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
    linked = set(re.findall(r"la/(E\d{8})\.html", dom))
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
        assert (project.var_dir / "site" / "briefing" / "la" / f"{code}.html").exists()


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
def test_region_map_draws_every_la_with_the_marts_dispersal_rate_and_marks_the_watchlist(
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
    watchlist = {
        code
        for (code,) in project.query(
            "select lad_code from marts.mart_emerging_community_watchlist where region_name = ? and period_end = "
            "(select max(period_end) from marts.mart_emerging_community_watchlist)",
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
        assert watchlist  # the North West has LAs on the watchlist: the marks are really tested

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
