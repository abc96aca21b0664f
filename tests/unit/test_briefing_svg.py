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
