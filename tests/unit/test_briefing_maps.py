"""The briefing pages' choropleth maps: the bundled boundaries (on the British National Grid, checked
against ONS's own grid references), the classes, the SVG, and the map sections on a small synthetic
warehouse (every number in it is made up here)."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import numpy as np

from housing_need.publish.briefing import build_briefing
from housing_need.publish.briefing.maps.classes import (
    NEGATIVE_FILL,
    PALETTE,
    ZERO_FILL,
    Classes,
    classify,
    two_figures,
)
from housing_need.publish.briefing.maps.draw import choropleth
from housing_need.publish.briefing.maps.geometry import (
    ATTRIBUTION,
    BOUNDARIES,
    load_boundaries,
    simplify,
)
from housing_need.publish.briefing.page import Published
from housing_need.publish.briefing.sections.maps import need_map

SVG = "{http://www.w3.org/2000/svg}"
DERBY, LEICESTER, RUTLAND, NOTTINGHAM = "E06000015", "E06000016", "E06000017", "E06000018"
CARDIFF, GLASGOW = "W06000015", "S12000049"


# --- the bundled boundaries ---------------------------------------------------------------------------


def test_the_bundled_boundaries_are_the_file_the_readme_records() -> None:
    digest = hashlib.sha256(BOUNDARIES.read_bytes()).hexdigest()
    assert digest == "f81c71ea4645dc0f26a501d199f8a7fd2041740c607e9d6ed3a9be48de11a7fd"
    readme = (BOUNDARIES.parent / "README.md").read_text(encoding="utf-8")
    assert "Open Government Licence v.3.0" in readme and digest in readme
    source = (
        "d065f4c74a31738d456ab50bbbf8bf3f0fe9dec0b39dc768c840d96d76e88621"  # the ONS export it was made from
    )
    assert source in readme and source in (BOUNDARIES.parent / "bundle.py").read_text(encoding="utf-8")


def test_the_bundled_boundaries_were_projected_with_the_datum_shift() -> None:
    """The file is on the British National Grid, projected once by bundle.py. Each feature's internal point,
    projected with the shapes (POINT_E/N), agrees with ONS's own grid reference of it (BNG_E/N) within 5 m
    in Great Britain: a projection without the WGS84 -> OSGB36 datum shift would put it about 100 m off.
    (ONS's Northern Irish grid references lie about 110 m from the shapes: the README says so.)"""
    collection = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    assert collection["crs"]["properties"]["name"] == "EPSG:27700"
    props = [f["properties"] for f in collection["features"]]
    gap = {p["LAD24CD"]: float(np.hypot(p["POINT_E"] - p["BNG_E"], p["POINT_N"] - p["BNG_N"])) for p in props}
    great_britain = [g for code, g in gap.items() if not code.startswith("N")]
    assert len(great_britain) == 350 and max(great_britain) < 5
    assert all(100 < g < 125 for code, g in gap.items() if code.startswith("N"))
    for code in (LEICESTER, CARDIFF, GLASGOW, "E06000052"):  # incl. Cornwall
        assert gap[code] < 5, code


def test_boundaries_load_every_district_projected_onto_the_grid() -> None:
    boundaries = load_boundaries()
    nations = [code[0] for code in boundaries]
    assert {n: nations.count(n) for n in "ESWN"} == {"E": 296, "S": 32, "W": 22, "N": 11}
    leicester = boundaries[LEICESTER]
    assert leicester.name == "Leicester"
    e0, n0, e1, n1 = leicester.bbox
    assert 450_000 < e0 < e1 < 470_000 and 295_000 < n0 < n1 < 315_000  # Leicester is around SK 58 04
    assert e0 < leicester.point[0] < e1 and n0 < leicester.point[1] < n1
    assert sum(len(r) for b in boundaries.values() for r in b.rings) > 27_000


def test_simplifying_keeps_shared_borders_identical_so_no_gaps_open() -> None:
    """Every vertex two districts share is kept by both or by neither, at a coarse tolerance."""
    boundaries = load_boundaries()
    kept: dict[str, set[tuple[float, float]]] = {}
    original: dict[tuple[float, float], set[str]] = {}
    for code, b in boundaries.items():
        kept[code] = {
            tuple(p)
            for ring, fixed in zip(b.rings, b.fixed, strict=True)
            for p in simplify(ring, fixed, 2_000)
        }
        for ring in b.rings:
            for p in ring:
                original.setdefault(tuple(p), set()).add(code)
    shared = [(p, codes) for p, codes in original.items() if len(codes) > 1]
    assert len(shared) > 5_000
    assert all(len({p in kept[c] for c in codes}) == 1 for p, codes in shared)
    total = sum(len(r) for b in boundaries.values() for r in b.rings)
    assert sum(map(len, kept.values())) < total / 2  # and it does simplify


# --- classes ------------------------------------------------------------------------------------------


def test_two_figures() -> None:
    assert [two_figures(v) for v in (0.5216, 1.3646, 4.2691, 15.969, 123.4, -0.04567)] == [
        0.52,
        1.4,
        4.3,
        16,
        120,
        -0.046,
    ]


def test_quantile_classes_with_a_class_for_zero() -> None:
    values = [0, 0, None, *range(1, 11)]  # ten positive values: fifths of two each
    classes = classify(values)
    assert classes.breaks == (2.8, 4.6, 6.4, 8.2)
    assert classes.zero and not classes.negative
    bins = classes.bins()
    assert [b.index for b in bins] == [0, 1, 2, 3, 4, 5]
    assert [b.fill for b in bins] == [ZERO_FILL, *PALETTE]
    assert [b.label for b in bins] == [
        "none",
        "above 0, under 2.8",
        "2.8 to under 4.6",
        "4.6 to under 6.4",
        "6.4 to under 8.2",
        "8.2 or more",
    ]
    assert [classes.bin_of(v).index for v in (0, 1, 2.8, 4.5, 8.2, 100)] == [0, 1, 2, 2, 5, 5]


def test_negative_values_get_a_class_of_their_own_and_breaks_that_collide_are_dropped() -> None:
    classes = classify([-3.0, -0.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 9.0])
    assert classes.negative and not classes.zero
    assert classes.breaks == ()  # every quantile rounds onto the smallest value: one positive class
    bins = classes.bins()
    assert [(b.index, b.label, b.fill) for b in bins] == [
        (-1, "below 0 (surplus)", NEGATIVE_FILL),
        (1, "0 or more", PALETTE[-1]),
    ]
    assert classes.bin_of(-3.0).index == -1 and classes.bin_of(9.0).index == 1
    spread = classify([-1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert spread.bins()[1].label == "0 to under 2"
    assert len(spread.bins()) == 1 + len(spread.breaks) + 1


# --- the SVG ------------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def areas(root: ET.Element) -> dict[str, ET.Element]:
    found = [p for p in root.iter(f"{SVG}path") if "area" in p.get("class", "").split()]
    codes = [p.get("data-lad-code", "") for p in found]
    assert len(codes) == len(set(codes)), "one path per LA"
    return dict(zip(codes, found, strict=True))


def east_midlands_map(**kwargs) -> str:
    values = {DERBY: 0.0, LEICESTER: 12.34, RUTLAND: None, NOTTINGHAM: 31.0}
    return choropleth(
        load_boundaries(),
        values,
        Classes((5.0, 10.0, 20.0, 30.0), zero=True),
        map_id="test-map",
        title="Synthetic values, East Midlands",
        unit=["synthetic", "per 10,000"],
        names={LEICESTER: "Leicester (synthetic name)"},
        **kwargs,
    )


def test_the_map_draws_one_path_per_la_with_its_value_class_and_fill() -> None:
    svg = east_midlands_map(
        marked={NOTTINGHAM: "watchlist 2023 Q4: rank 1 of 2"}, marked_label=["Watch", "2023 Q4"]
    )
    root = parse(svg)
    # a group, not an image: its areas are links and focusable shapes a screen reader must reach
    assert root.get("role") == "group" and root.get("aria-label") == "Synthetic values, East Midlands"
    assert root.find(f"{SVG}title").text == "Synthetic values, East Midlands"  # type: ignore[union-attr]
    drawn = areas(root)
    assert set(drawn) == {DERBY, LEICESTER, RUTLAND, NOTTINGHAM}
    leicester = drawn[LEICESTER]
    assert (leicester.get("data-value"), leicester.get("data-class"), leicester.get("fill")) == (
        "12.3",
        "3",
        PALETTE[2],
    )
    assert leicester.find(f"{SVG}title").text == "Leicester (synthetic name): 12.3 per 10,000"  # type: ignore[union-attr]
    assert (drawn[DERBY].get("data-class"), drawn[DERBY].get("fill")) == ("0", ZERO_FILL)
    assert drawn[DERBY].find(f"{SVG}title").text == "Derby: 0.0 per 10,000"  # type: ignore[union-attr]
    # no data: hatched, no value, and the hatch is none of the classes' fills
    rutland = drawn[RUTLAND]
    assert rutland.get("data-value") is None and rutland.get("data-class") == "none"
    assert rutland.get("fill") == "url(#test-map-nodata)"
    assert root.find(f".//{SVG}pattern[@id='test-map-nodata']") is not None
    assert rutland.find(f"{SVG}title").text == "Rutland: no data"  # type: ignore[union-attr]
    # every shape has an outline in whole pixels inside the picture
    width, height = map(float, root.get("viewBox", "").split()[2:])
    for path in drawn.values():
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", path.get("d", ""))]
        assert numbers and path.get("d", "").startswith("M") and path.get("d", "").endswith("z")
        x, y = numbers[0], numbers[1]
        assert 0 <= x <= width and 0 <= y <= height
    # marked: outlined, a symbol at the LA, explained in the legend
    assert drawn[NOTTINGHAM].get("class") == "area marked"
    assert drawn[NOTTINGHAM].find(f"{SVG}title").text.endswith("; watchlist 2023 Q4: rank 1 of 2")  # type: ignore[union-attr]
    assert [u.get("data-lad-code") for u in root.iter(f"{SVG}use") if u.get("class") == "marker"] == [
        NOTTINGHAM
    ]
    legend = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Watch2023 Q4 (1)" in legend and "no data (1)" in legend and "none (1)" in legend
    assert "10 to under 20 (1)" in legend and "30 or more (1)" in legend


def test_the_map_extent_is_its_las_and_other_districts_are_grey_context() -> None:
    root = parse(east_midlands_map())
    context = root.find(f".//{SVG}g[@class='context']")
    assert context is not None and len(context) > 0  # Leicestershire, Nottinghamshire... around them
    assert all(p.get("data-lad-code") is None for p in context)
    plain = parse(east_midlands_map(context=False)).find(f".//{SVG}g[@class='context']")
    assert plain is not None and len(plain) == 0


def test_a_whole_nation_stays_small() -> None:
    """Every English and Welsh district at index-page size: whole pixels and simplification keep the
    SVG (paths, tooltips, attributes) small."""
    boundaries = load_boundaries()
    values = {code: float(i % 40) for i, code in enumerate(boundaries) if code[0] in "EW"}
    svg = choropleth(boundaries, values, classify(values.values()), map_id="m", title="t", unit=["u"])
    assert len(areas(parse(svg))) == 318
    assert len(svg) < 150_000


# --- the map sections on a synthetic warehouse ---------------------------------------------------------

DIM = [  # lad_code, lad_name, region_name
    (DERBY, "Derby", "East Midlands"),
    (LEICESTER, "Leicester", "East Midlands"),
    (RUTLAND, "Rutland", "East Midlands"),
    (NOTTINGHAM, "Nottingham", "East Midlands"),
    (CARDIFF, "Cardiff", "Wales"),
    (GLASGOW, "Glasgow City", "Scotland"),
]
# Synthetic need estimate rows: lad_code, horizon_years, scenario, component, annual_need, la_households_2021.
# Only 10 years / central counts; the other rows carry numbers that would show if they leaked in.
NEED = [
    (LEICESTER, 10, "central", "a", 300.0, 120_000),
    (LEICESTER, 10, "central", "b", 60.0, 120_000),  # 1000 x 360 / 120,000 = 3.0
    (LEICESTER, 10, "high", "a", 9_000.0, 120_000),
    (LEICESTER, 5, "central", "a", 9_000.0, 120_000),
    (NOTTINGHAM, 10, "central", "a", -50.0, 100_000),  # a surplus: -0.5
    (NOTTINGHAM, 15, "low", "a", 9_000.0, 100_000),
    (DERBY, 10, "central", "a", 1_500.0, 100_000),  # 15.0
    (CARDIFF, 10, "central", "a", 700.0, 140_000),  # 5.0
    # Rutland and Glasgow: no estimate
]
DISPERSAL = [  # lad_code, lad_name, region_name, people, population: synthetic
    (DERBY, "Derby", "East Midlands", 500, 250_000),
    (LEICESTER, "Leicester", "East Midlands", 700, 350_000),
    (RUTLAND, "Rutland", "East Midlands", 0, 40_000),
    (NOTTINGHAM, "Nottingham", "East Midlands", 900, 300_000),
    (CARDIFF, "Cardiff", "Wales", 400, 360_000),
    (GLASGOW, "Glasgow City", "Scotland", 3_000, 630_000),
]
WATCHLIST = [  # lad_code, lad_name, region_name, period_end, quarter_label, rank: synthetic
    (NOTTINGHAM, "Nottingham", "East Midlands", "2023-12-31", "2023 Q4", 1),
    (CARDIFF, "Cardiff", "Wales", "2023-12-31", "2023 Q4", 2),
    (DERBY, "Derby", "East Midlands", "2023-09-30", "2023 Q3", 1),  # an older quarter: not marked
]


def synthetic_warehouse(path: Path, *, need: bool) -> Path:
    """A warehouse file with the marts the index and region pages read, all synthetic."""
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
    for quarter_end, label, share in (("2023-09-30", "2023 Q3", 0.5), ("2023-12-31", "2023 Q4", 1.0)):
        con.executemany(
            "insert into marts.mart_dispersal_vs_deprivation values (?, ?, ?, ?, ?, ?, ?, ?, 20.0)",
            [
                (c, n, r, quarter_end, label, int(p * share), pop, 10000 * int(p * share) / pop)
                for c, n, r, p, pop in DISPERSAL
            ],
        )
    con.execute(
        "create table marts.mart_emerging_community_watchlist (lad_code varchar, lad_name varchar, "
        "region_name varchar, period_end date, quarter_label varchar, rank_in_quarter integer, reasons varchar)"
    )
    con.executemany(
        "insert into marts.mart_emerging_community_watchlist values (?, ?, ?, ?, ?, ?, 'synthetic')",
        WATCHLIST,
    )
    if need:
        con.execute(
            "create table marts.mart_housing_need_estimate (lad_code varchar, horizon_years integer, "
            "scenario varchar, component varchar, annual_need double, la_households_2021 bigint)"
        )
        con.executemany("insert into marts.mart_housing_need_estimate values (?, ?, ?, ?, ?, ?)", NEED)
        # the rest of the mart's columns the pages read (the LA section reads them too)
        con.execute(
            "alter table marts.mart_housing_need_estimate add column region_name varchar default 'East Midlands';"
            "alter table marts.mart_housing_need_estimate add column lad_name varchar;"
            "alter table marts.mart_housing_need_estimate add column community_key varchar;"
            "alter table marts.mart_housing_need_estimate add column community_name varchar;"
            "alter table marts.mart_housing_need_estimate add column annual_need_p10 double;"
            "alter table marts.mart_housing_need_estimate add column annual_need_p90 double;"
            "alter table marts.mart_housing_need_estimate add column households_at_base double default 100;"
            "alter table marts.mart_housing_need_estimate add column base_date date default '2023-12-31';"
            "alter table marts.mart_housing_need_estimate add column parameter_version varchar default 'test';"
            "alter table marts.mart_housing_need_estimate add column inputs varchar default 'SYNTHETIC test rows';"
            "alter table marts.mart_housing_need_estimate add column rests_on_synthetic_input boolean default true;"
            "alter table marts.mart_housing_need_estimate add column synthetic_inputs varchar default 'every row: a test';"
            "update marts.mart_housing_need_estimate set lad_name = lad_code, community_key = component, "
            "community_name = component, annual_need_p10 = annual_need - 1, annual_need_p90 = annual_need + 1"
        )
        # the LA totals the map and the region table read (the real mart adds draws; these rows add up)
        con.execute(
            "create table marts.mart_housing_need_total as select 'local_authority' as area_type, "
            "lad_code as area_code, horizon_years, scenario, sum(annual_need) as annual_need, "
            "sum(annual_need_p10) as annual_need_p10, sum(annual_need_p90) as annual_need_p90, "
            "sum(annual_need) as annual_need_structural_low, sum(annual_need) as annual_need_structural_high, "
            "10 * sum(annual_need) as need_over_horizon, max(la_households_2021) as all_households_2021 "
            "from marts.mart_housing_need_estimate group by lad_code, horizon_years, scenario"
        )
    con.close()
    return path


def test_the_need_map_rates_ten_year_central_need_per_1000_households(tmp_path: Path) -> None:
    con = duckdb.connect(str(synthetic_warehouse(tmp_path / "w.duckdb", need=True)), read_only=True)
    data = Published(con)
    content = need_map(data, "region", "East Midlands")
    assert content is not None
    drawn = areas(parse(content.chart))
    assert set(drawn) == {DERBY, LEICESTER, RUTLAND, NOTTINGHAM}
    assert {c: p.get("data-value") for c, p in drawn.items()} == {
        DERBY: "15.0",
        LEICESTER: "3.0",
        RUTLAND: None,
        NOTTINGHAM: "-0.5",
    }
    assert (drawn[NOTTINGHAM].get("data-class"), drawn[NOTTINGHAM].get("fill")) == ("-1", NEGATIVE_FILL)
    assert drawn[RUTLAND].get("fill") == "url(#need-map-nodata)"
    assert drawn[NOTTINGHAM].get("class") == "area marked" and drawn[DERBY].get("class") == "area"
    # the table: highest first, the LA without an estimate last, same numbers as the map
    rows = [tuple(map(str, r)) for r in content.rows]
    assert [r[1] for r in rows] == [DERBY, LEICESTER, NOTTINGHAM, RUTLAND]
    assert rows[0][:5] == ("Derby", DERBY, "1,500", "100,000", "15.0")
    assert rows[1][:5] == ("Leicester", LEICESTER, "360", "120,000", "3.0")
    assert rows[2][2:6] == ("-50", "100,000", "-0.5", "below 0 (surplus)") and rows[2][6] == "rank 1 of 2"
    assert rows[3][2:6] == ("–", "–", "no data", "no data")
    assert content.headers[-1] == "Watchlist 2023 Q4: rank"
    # the index: every English and Welsh LA; Scotland has no estimate, so its page has no need map
    index = need_map(data, "index", "England and Wales")
    assert index is not None and set(areas(parse(index.chart))) == {
        DERBY,
        LEICESTER,
        RUTLAND,
        NOTTINGHAM,
        CARDIFF,
    }
    assert need_map(data, "region", "Scotland") is None
    con.close()


def page_section(html: str, section_id: str) -> str:
    match = re.search(rf"<section id='{section_id}'>(.*?)</section>", html, re.S)
    assert match, section_id
    return match.group(1)


def svg_in(html: str) -> ET.Element:
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match
    return parse(match.group(0))


def test_pages_show_the_maps_and_wait_for_the_need_mart(tmp_path: Path) -> None:
    """Without the need marts the index and region pages say the need map is not yet available (as other
    sections do); once they exist, the map is drawn."""
    out = tmp_path / "site"
    summary = build_briefing(synthetic_warehouse(tmp_path / "without.duckdb", need=False), out)
    assert summary.skipped["need-map"] == "needs marts.mart_housing_need_total"
    index = (out / "index.html").read_text(encoding="utf-8")
    region = (out / "regions" / "east-midlands.html").read_text(encoding="utf-8")
    for page in (index, region):
        assert "Not yet available: this section needs marts.mart_housing_need_total." in page_section(
            page, "need-map"
        )
        assert "<svg" in page_section(page, "dispersal-map")
        assert ATTRIBUTION in page
    (la_page,) = (out / "la").glob(f"*-{LEICESTER}.html")  # the LA page itself, not its code-only redirect
    assert ATTRIBUTION not in la_page.read_text(encoding="utf-8")
    assert "dispersal-map" not in la_page.read_text(encoding="utf-8")

    dispersal = page_section(region, "dispersal-map")
    drawn = areas(svg_in(dispersal))
    # 10,000 x people / population at the latest quarter: Nottingham 900 / 300,000 -> 30.0; Rutland none
    assert {c: p.get("data-value") for c, p in drawn.items()} == {
        DERBY: "20.0",
        LEICESTER: "20.0",
        RUTLAND: "0.0",
        NOTTINGHAM: "30.0",
    }
    assert {c for c, p in drawn.items() if "marked" in p.get("class", "")} == {NOTTINGHAM}
    cells = re.findall(r"<tr><td>([^<]*)</td><td>(\w+)</td><td>([\d,]+)</td><td>([\d.]+)</td>", dispersal)
    assert {(code, rate) for _, code, _, rate in cells} == {
        (c, p.get("data-value")) for c, p in drawn.items()
    }

    build_briefing(synthetic_warehouse(tmp_path / "with.duckdb", need=True), out)
    region = (out / "regions" / "east-midlands.html").read_text(encoding="utf-8")
    assert 'data-lad-code="E06000016" data-value="3.0"' in page_section(region, "need-map")
    assert "Not yet available" not in page_section(region, "need-map")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert set(areas(svg_in(page_section(index, "need-map")))) == {
        DERBY,
        LEICESTER,
        RUTLAND,
        NOTTINGHAM,
        CARDIFF,
    }


# --- reading the map: keyboard, names, the London inset, classes within a region -------------------------


def text_boxes(root: ET.Element, css: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, estimated box) of the <text class=css> of a map, from the same metrics the module uses."""
    from housing_need.publish.briefing import svg as charts

    out = []
    for t in root.iter(f"{SVG}text"):
        if t.get("class") == css:
            x, y, text = float(t.get("x", "0")), float(t.get("y", "0")), "".join(t.itertext())
            out.append((text, (x, y - 11, x + charts.text_width(text, 11), y + 3)))
    return out


def focusable(root: ET.Element) -> dict[str, tuple[str, str | None]]:
    """lad_code -> (accessible name, link) of every area a keyboard reaches: a link wrapping its shape,
    or a shape with tabindex 0."""
    out: dict[str, tuple[str, str | None]] = {}
    for a in root.iter(f"{SVG}a"):
        (path,) = a.iter(f"{SVG}path")
        out[path.get("data-lad-code", "")] = (a.get("aria-label", ""), a.get("href"))
    for path in root.iter(f"{SVG}path"):
        if path.get("tabindex") == "0":
            assert path.get("role") == "img"
            out[path.get("data-lad-code", "")] = (path.get("aria-label", ""), None)
    return out


def test_every_area_is_reachable_by_keyboard_with_its_name_and_value() -> None:
    links = {LEICESTER: "la/E06000016.html", DERBY: "la/E06000015.html"}
    root = parse(east_midlands_map(links=links))
    reached = focusable(root)
    assert reached == {
        LEICESTER: ("Leicester (synthetic name): 12.3 per 10,000", "la/E06000016.html"),
        DERBY: ("Derby: 0.0 per 10,000", "la/E06000015.html"),
        RUTLAND: ("Rutland: no data", None),  # no page to link: the shape itself takes the focus
        NOTTINGHAM: ("Nottingham: 31.0 per 10,000", None),
    }
    assert not [p for p in root.iter(f"{SVG}path") if p.get("tabindex") == "0" and p.get("href")]


def test_the_highest_areas_are_named_clear_of_each_other_and_of_the_legend() -> None:
    """The five highest of a region with many small districts close together (Greater Manchester and
    Lancashire), named on the map: every name inside the picture, none touching another or the legend."""
    boundaries = load_boundaries()
    north_west = [c for c in boundaries if c.startswith(("E08000001", "E08000002", "E08000003", "E08000004",
                                                          "E08000005", "E08000006", "E08000007", "E08000008",
                                                          "E08000009", "E08000010", "E07000117", "E07000118",
                                                          "E07000119", "E07000120", "E07000121", "E07000122",
                                                          "E07000123", "E07000124", "E07000125", "E07000126",
                                                          "E07000127", "E07000128", "E06000008", "E06000009"))]  # fmt: skip
    values = {c: float(i) for i, c in enumerate(sorted(north_west))}
    chart = choropleth(boundaries, values, classify(values.values()), map_id="m", title="t", unit=["u"])
    root = parse(chart)
    named = text_boxes(root, "map-label")
    highest = sorted(values, key=lambda c: -values[c])[:5]
    assert sorted(n for n, _ in named) == sorted(boundaries[c].name for c in highest)
    width, height = map(float, root.get("viewBox", "").split()[2:])
    legend = [b for _, b in text_boxes(root, "legend")]
    boxes = [b for _, b in named]
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= width and a[1] >= 0 and a[3] <= height, named[i]
        for b in boxes[i + 1 :] + legend:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (named[i], b)
    assert "the 5 highest named: " + boundaries[highest[0]].name in root.findtext(f"{SVG}desc", "")


def test_the_england_map_enlarges_london_beside_it() -> None:
    boundaries = load_boundaries()
    values = {code: float(i % 40) for i, code in enumerate(boundaries) if code[0] in "EW"}
    london = [c for c in values if c.startswith("E09")]
    links = {c: f"la/{c}.html" for c in values}
    chart = choropleth(
        boundaries,
        values,
        classify(values.values()),
        map_id="m",
        title="t",
        unit=["u"],
        links=links,
        inset=("London", london),
    )
    root = parse(chart)
    assert len(london) == 33 and len(areas(root)) == 318  # still one canonical shape per LA
    copies = {
        p.get("data-lad-code"): p for p in root.iter(f"{SVG}path") if "inset-area" in p.get("class", "")
    }
    assert set(copies) == set(london)
    assert all(copies[c].get("fill") == areas(root)[c].get("fill") for c in london)
    # the keyboard reaches each LA once: London through the inset, its small copy on the map is hidden
    reached = focusable(root)
    assert set(reached) == set(values) and all(href == links[c] for c, (_, href) in reached.items())
    assert all(areas(root)[c].get("aria-hidden") == "true" for c in london)

    # the inset is bigger: Westminster's outline spans many more pixels there
    def span(path: ET.Element) -> float:
        numbers = [abs(float(n)) for n in re.findall(r"-?[\d.]+", path.get("d", ""))[2:]]
        return sum(numbers)

    assert span(copies["E09000033"]) > 3 * span(areas(root)["E09000033"])
    legend = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "London, enlarged" in legend
    assert len(chart) < 200_000


def test_a_region_map_cuts_its_classes_within_the_region_and_says_so(tmp_path: Path) -> None:
    """The region's own values in fifths, whatever the rest of the country looks like; the index page
    keeps national classes. The legend and the caption say which."""
    con = duckdb.connect(str(synthetic_warehouse(tmp_path / "w.duckdb", need=True)), read_only=True)
    data = Published(con)
    region = need_map(data, "region", "East Midlands")
    index = need_map(data, "index", "England and Wales")
    assert region is not None and index is not None
    # East Midlands' positive rates: Derby 15.0, Leicester 3.0 (Nottingham is a surplus, Rutland unknown)
    region_legend = " ".join(" ".join(t.itertext()) for t in parse(region.chart).iter(f"{SVG}text"))
    assert "Classes: fifths within East Midlands, not national" in region_legend
    assert "within East Midlands" in region.caption and "national classes" in region.caption
    index_legend = " ".join(" ".join(t.itertext()) for t in parse(index.chart).iter(f"{SVG}text"))
    assert "Classes: fifths of all local authorities with a positive estimate" in index_legend
    # Derby (15.0) and Leicester (3.0): the region's classes are its own rates' fifths; the index page's
    # include Cardiff's 5.0, which moves every break
    region_classes = {r[1]: r[5] for r in region.rows}
    assert (region_classes[DERBY], region_classes[LEICESTER]) == ("13 or more", "0 to under 5.4")
    index_classes = {r[1]: r[5] for r in index.rows}
    assert (index_classes[DERBY], index_classes[LEICESTER]) == ("11 or more", "0 to under 3.8")
    con.close()
