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
