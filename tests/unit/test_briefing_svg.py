"""The offline SVG charts of the briefing pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from housing_need.publish.briefing import svg

NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 3017, [0, 1000, 2000, 3000, 4000]),
        (7.2, 30.8, [0, 10, 20, 30, 40]),
        (0, 0.76, [0, 0.2, 0.4, 0.6, 0.8]),
    ],
)
def test_ticks_cover_the_data_with_round_steps(low: float, high: float, expected: list[float]) -> None:
    ticks = svg.nice_ticks(low, high)
    assert ticks == pytest.approx(expected)
    assert ticks[0] <= low and ticks[-1] >= high


def test_scatter_places_every_point_inside_the_plot_and_escapes_names() -> None:
    points = [
        svg.Point(7.2, 0.1, "Rushcliffe"),
        svg.Point(30.8, 28.4, "Bournemouth, Christchurch & Poole", True),
    ]
    chart = svg.scatter(points, title="t <x>", x_label="IMD", y_label="rate")
    root = ET.fromstring(chart)  # well-formed XML: names are escaped
    marks = [c for c in root.iter(f"{NS}circle") if "mark" in c.get("class", "")]
    assert [float(m.get("data-value")) for m in marks] == [0.1, 28.4]
    for m in marks:
        assert svg.LEFT <= float(m.get("cx")) <= svg.WIDTH - svg.RIGHT
        assert svg.TOP <= float(m.get("cy")) <= svg.HEIGHT - svg.BOTTOM
    assert "Christchurch &amp; Poole" in chart and root.get("role") == "img"


def test_line_chart_draws_one_mark_per_point_in_order() -> None:
    series = {
        "East Midlands": [("2023 Q3", 2950.0), ("2023 Q4", 3017.0)],
        "avg": [("2023 Q3", 6.0), ("2023 Q4", 6.2)],
    }
    chart = svg.line_chart(series, title="t", y_label="people")
    values = [float(v) for v in re.findall(r'class="mark"[^>]*data-value="([0-9.]+)"', chart)]
    assert values == [2950.0, 3017.0, 6.0, 6.2]
    xs = [float(x) for x in re.findall(r'class="mark" cx="([0-9.]+)"', chart)]
    assert xs[0] < xs[1] and xs[0] == xs[2]


def test_empty_data_says_so_instead_of_drawing_nothing() -> None:
    for chart in (svg.line_chart({}, title="t", y_label="y"), svg.bar_chart([], title="t", y_label="y")):
        assert "No data" in chart and 'class="mark"' not in chart


def test_band_shades_the_low_high_range_behind_the_lines() -> None:
    band = ("range", [("2023 Q3", 10.0, 30.0), ("2023 Q4", 20.0, 60.0)])
    chart = svg.line_chart(
        {"central": [("2023 Q3", 14.0), ("2023 Q4", 28.0)]}, title="t", y_label="y", band=band
    )
    root = ET.fromstring(chart)
    (polygon,) = root.iter(f"{NS}polygon")
    corners = [tuple(map(float, p.split(","))) for p in polygon.get("points", "").split()]
    assert len(corners) == 4  # high edge forward, low edge back
    (x3, top3), (x4, top4), (x4b, low4), (x3b, low3) = corners
    assert x3 == x3b < x4 == x4b and top4 < top3 < low3 and top4 < low4  # SVG y grows downwards
    assert top4 == pytest.approx(svg.TOP)  # the band's high of 60 is the top tick (0, 20, 40, 60)
    assert chart.index("<polygon") < chart.index('class="mark"')  # drawn behind the lines
    assert [float(m.get("data-value", "")) for m in root.iter(f"{NS}circle")] == [14.0, 28.0]
    assert "range" in root.findtext(f"{NS}desc", "")


def test_a_line_breaks_where_its_series_skips_a_value() -> None:
    series = {
        "estimate": [("Q1", 1.0), ("Q2", 2.0), ("Q3", 3.0), ("Q4", 4.0)],
        "observed": [("Q1", 1.0), ("Q2", 2.0), ("Q4", 4.0)],  # Q3 not reported
    }
    paths = re.findall(r'class="series" d="([^"]+)"', svg.line_chart(series, title="t", y_label="y"))
    assert [re.findall(r"[ML]", d) for d in paths] == [["M", "L", "L", "L"], ["M", "L", "M"]]


def test_legend_squares_carry_the_line_colours_and_entries_do_not_overlap() -> None:
    names = ["VPRS/VCRS", "Gateway/UKRS", "Community sponsorship", "Mandate"]
    chart = svg.line_chart({n: [("2023", float(i))] for i, n in enumerate(names)}, title="t", y_label="y")
    legend = re.findall(r'<text class="legend" x="(\d+)"[^>]*><tspan fill="([^"]+)"', chart)
    assert [c for _, c in legend] == list(svg.COLOURS[:4])  # the square, not the text (CSS greys text)
    xs = [int(x) for x, _ in legend]
    assert all(b - a >= 7 * len(n) for a, b, n in zip(xs, xs[1:], names, strict=False))
    assert xs[-1] + 7 * len(names[-1]) < svg.WIDTH


def test_quarter_labels_are_thinned_so_they_do_not_touch() -> None:
    quarters = [f"{y} Q{q}" for y in range(2018, 2024) for q in range(1, 5)][1:]  # 23 quarters
    chart = svg.line_chart({"s": [(q, 1.0) for q in quarters]}, title="t", y_label="y")
    shown = re.findall(r'text-anchor="middle">(\d{4} Q\d)<', chart)
    assert shown == quarters[::3]
    years = svg.line_chart({"s": [(str(y), 1.0) for y in range(2014, 2024)]}, title="t", y_label="y")
    assert len(re.findall(r'text-anchor="middle">(\d{4})<', years)) == 10  # short labels: all of them


# --- text that fits: no two labels touch, none leaves the picture (the browser test measures real boxes) --

SIZES = {"tick": svg.TICK, "axis-label": svg.TICK, "legend": svg.LEGEND}


def text_boxes(chart: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(shown text, estimated box) of every <text> of a chart, from its x, y and text-anchor."""
    out = []
    for t in ET.fromstring(chart).iter(f"{NS}text"):
        title = t.find(f"{NS}title")
        text = "".join(t.itertext())
        if title is not None and title.text:
            text = text.removeprefix(title.text)
        size = SIZES[t.get("class", "tick")]
        w = svg.text_width(text, size)
        x, y = float(t.get("x", "0")), float(t.get("y", "0"))
        left = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor", "start")]
        out.append((text, (left, y - size, left + w, y + size * 0.25)))
    return out


def assert_fits(chart: str) -> None:
    width, height = map(float, ET.fromstring(chart).get("viewBox", "").split()[2:])
    boxes = text_boxes(chart)
    for i, (text, a) in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= width and a[1] >= 0 and a[3] <= height, (text, a, width, height)
        for other, b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (text, other)


def test_text_width_follows_the_glyphs() -> None:
    assert svg.text_width("iiii", 10) < svg.text_width("MMMM", 10) / 2
    assert svg.text_width("Other EU accession countries 2004-2007", 11) == pytest.approx(232, abs=12)
    assert svg.shorten("Other EU accession countries 2004-2007", 130, 11) == "Other EU accession…"
    assert svg.wrap("Classes: fifths within Yorkshire and The Humber, not national", 180, 12) == [
        "Classes: fifths within",
        "Yorkshire and The Humber,",
        "not national",
    ]


def test_a_region_of_64_local_authorities_gets_one_bar_a_row() -> None:
    names = [f"Local authority {i} upon Somewhere" for i in range(64)]
    items = [(n, float(64 - i)) for i, n in enumerate(names)]
    chart = svg.bar_chart(items, title="t", y_label="% of usual residents")
    root = ET.fromstring(chart)
    marks = [r for r in root.iter(f"{NS}rect") if r.get("class") == "mark"]
    assert [float(m.get("data-value", "")) for m in marks] == [v for _, v in items]
    ys = [float(m.get("y", "")) for m in marks]
    assert all(b - a == svg.ROW for a, b in zip(ys, ys[1:], strict=False))  # a row each, in order
    widths = [float(m.get("width", "")) for m in marks]
    assert widths == sorted(widths, reverse=True) and widths[0] > 8 * widths[-1]
    shown = [t for t, _ in text_boxes(chart)]
    assert all(n in shown for n in names) and "64" in shown  # every name and value, whole
    assert_fits(chart)


def test_a_few_short_labels_stay_columns() -> None:
    items = [("Dispersal", 900.0), ("Hotel", 300.0), ("Initial", 120.0)]
    chart = svg.bar_chart(items, title="t", y_label="people")
    assert chart.count('text-anchor="middle">') == 3 and 'viewBox="0 0 640 300"' in chart
    assert_fits(chart)
    crowded = [(label, 1.0) for label in ("Dispersal", "Hotel", "Other contingency", "Initial", "Subsistence only", "Other", "Not recorded")]  # fmt: skip
    rows = svg.bar_chart(crowded, title="t", y_label="people")
    assert "Subsistence only" in [t for t, _ in text_boxes(rows)] and 'viewBox="0 0 640 300"' not in rows
    assert_fits(rows)


def test_interval_labels_are_whole_or_shortened_with_their_full_text() -> None:
    long = "Other EU accession countries 2004-2007"
    items = [svg.Interval(long, 10.0, 5.0, 20.0), svg.Interval("Romania", 4.0, 1.0, 9.0)]
    chart = svg.interval_chart(items, title="t", x_label="households a year")
    assert long in [t for t, _ in text_boxes(chart)]
    assert_fits(chart)
    longer = "A community whose name is far too long to sit beside its bar in any reasonable layout at all"
    chart = svg.interval_chart([svg.Interval(longer, 1.0, 0.0, 2.0)], title="t", x_label="x")
    shown = [t for t, _ in text_boxes(chart)]
    assert longer not in shown and any(t.endswith("…") and longer.startswith(t[:-1]) for t in shown)
    assert f"<title>{longer}</title>" in chart
    assert_fits(chart)


def test_a_legend_too_long_for_one_row_wraps_and_the_chart_grows() -> None:
    names = ["Leicester", "East Midlands average", "estimate range (0.35-0.65)", "observed (H-CLIC)", "more"]
    chart = svg.line_chart({n: [("2023 Q3", 1.0), ("2023 Q4", 2.0)] for n in names}, title="t", y_label="y")
    height = float(ET.fromstring(chart).get("viewBox", "").split()[3])
    assert height == svg.HEIGHT + svg.LEGEND_ROW
    assert len({y for y in re.findall(r'<text class="legend" x="\d+" y="(\d+)"', chart)}) == 2
    assert_fits(chart)


def test_labels_at_the_edges_stay_inside_the_picture() -> None:
    chart = svg.line_chart({"s": [("2016 Q1", 1.0), ("2023 Q4", 2.0)]}, title="t", y_label="y")
    scatter = svg.scatter([svg.Point(0, 1), svg.Point(98_000, 2)], title="t", x_label="x", y_label="y")
    for c in (chart, scatter):
        assert_fits(c)
