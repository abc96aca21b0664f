"""Small, dependency-free SVG charts that render offline: line, bar and scatter.

Every data mark carries ``class="mark"`` and ``data-value`` so tests (and screen readers, through
the chart's ``<title>``/``<desc>``) can check that a chart really shows data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 36, 48
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str = ""
    highlight: bool = False


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (at least two)."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0, 1.0]
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high or len(ticks) < 2:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def fmt(value: float) -> str:
    if abs(value) >= 1000 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


class _Frame:
    def __init__(self, x_ticks: Sequence[float], y_ticks: Sequence[float]) -> None:
        self.x0, self.x1 = x_ticks[0], x_ticks[-1]
        self.y0, self.y1 = y_ticks[0], y_ticks[-1]

    def px(self, x: float) -> float:
        span = (self.x1 - self.x0) or 1.0
        return LEFT + (x - self.x0) / span * (WIDTH - LEFT - RIGHT)

    def py(self, y: float) -> float:
        span = (self.y1 - self.y0) or 1.0
        return HEIGHT - BOTTOM - (y - self.y0) / span * (HEIGHT - TOP - BOTTOM)


def _open(title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]


def _y_axis(frame: _Frame, ticks: Sequence[float], label: str) -> list[str]:
    out = []
    for t in ticks:
        y = frame.py(t)
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt(t)}</text>')
    out.append(f'<text class="axis-label" x="{LEFT}" y="{TOP - 14}">{escape(label)}</text>')
    return out


def _empty(title: str, message: str) -> str:
    parts = _open(title, message)
    parts.append(
        f'<text class="empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">{escape(message)}</text>'
    )
    return "\n".join([*parts, "</svg>"])


Band = tuple[str, Sequence[tuple[str, float, float]]]  # (name, [(x, low, high)])


def line_chart(
    series: dict[str, Sequence[tuple[str, float]]], *, title: str, y_label: str, band: Band | None = None
) -> str:
    """Lines over categorical x values shared by all series (e.g. quarter labels, in order); a line
    breaks where its series skips an x value. ``band`` shades a low-high range behind the lines in the
    first series' colour (e.g. the range around a central estimate)."""
    band_name, band_points = band or ("", ())
    labels = list(dict.fromkeys([x for pts in series.values() for x, _ in pts] + [b[0] for b in band_points]))
    values = [v for pts in series.values() for _, v in pts]
    values += [v for _, low, high in band_points for v in (low, high)]
    if not labels or not values:
        return _empty(title, "No data")
    y_ticks = nice_ticks(min(0.0, min(values)), max(values))
    frame = _Frame([0, max(len(labels) - 1, 1)], y_ticks)
    index = {label: i for i, label in enumerate(labels)}
    legend = [(name, COLOURS[n % len(COLOURS)], 1.0) for n, name in enumerate(series)]
    legend += [(band_name, COLOURS[0], 0.35)] if band_points else []
    parts = _open(
        title, f"{', '.join(n for n, _, _ in legend)}: {len(labels)} points from {labels[0]} to {labels[-1]}"
    )
    parts += _y_axis(frame, y_ticks, y_label)
    # label every step-th x value so that labels (about 7 px a character) do not touch
    step = math.ceil(len(labels) * (12 + 7 * max(map(len, labels))) / (WIDTH - LEFT - RIGHT))
    for i in range(0, len(labels), step):
        parts.append(
            f'<text class="tick" x="{frame.px(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    if band_points:
        edge = [(x, hi) for x, _, hi in band_points] + [(x, lo) for x, lo, _ in reversed(band_points)]
        polygon = " ".join(f"{frame.px(index[x]):.1f},{frame.py(v):.1f}" for x, v in edge)
        parts.append(
            f'<polygon class="band" points="{polygon}" fill="{COLOURS[0]}" fill-opacity="0.18">'
            f"<title>{escape(band_name)}</title></polygon>"
        )
    for (name, colour, _), points in zip(legend, series.values(), strict=False):
        at = [index[x] for x, _ in points]
        coords = [(frame.px(i), frame.py(v)) for i, (_, v) in zip(at, points, strict=True)]
        path = " ".join(
            f"{'L' if k and at[k] == at[k - 1] + 1 else 'M'}{x:.1f},{y:.1f}"
            for k, (x, y) in enumerate(coords)
        )
        parts.append(f'<path class="series" d="{path}" stroke="{colour}" fill="none" stroke-width="2"/>')
        for (x, y), (label, value) in zip(coords, points, strict=True):
            parts.append(
                f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}" data-value="{value}">'
                f"<title>{escape(name)}, {escape(label)}: {fmt(value)}</title></circle>"
            )
    return "\n".join([*parts, *_legend(legend), "</svg>"])


def _legend(entries: Sequence[tuple[str, str, float]]) -> list[str]:
    """(name, colour, opacity) in one row, each entry as wide as its name (about 7 px a character); the
    square carries the colour (the page's CSS greys legend text)."""
    out, x = [], LEFT + 8
    for name, colour, opacity in entries:
        out.append(
            f'<text class="legend" x="{x}" y="{HEIGHT - 8}"><tspan fill="{colour}" fill-opacity="{opacity}">■</tspan> '
            f"{escape(name)}</text>"
        )
        x += 24 + 7 * len(name)
    return out


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, y_label: str) -> str:
    if not items:
        return _empty(title, "No data")
    values = [v for _, v in items]
    y_ticks = nice_ticks(min(0.0, min(values)), max(values))
    frame = _Frame([0, len(items)], y_ticks)
    parts = _open(title, "; ".join(f"{label}: {fmt(v)}" for label, v in items))
    parts += _y_axis(frame, y_ticks, y_label)
    slot = (WIDTH - LEFT - RIGHT) / len(items)
    for i, (label, value) in enumerate(items):
        top, base = frame.py(max(value, 0)), frame.py(min(value, 0))
        x = LEFT + i * slot + slot * 0.15
        parts.append(
            f'<rect class="mark" x="{x:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" height="{max(base - top, 0.5):.1f}" '
            f'fill="{COLOURS[0]}" data-value="{value}"><title>{escape(label)}: {fmt(value)}</title></rect>'
        )
        parts.append(
            f'<text class="tick" x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return "\n".join([*parts, "</svg>"])


def scatter(points: Sequence[Point], *, title: str, x_label: str, y_label: str) -> str:
    if not points:
        return _empty(title, "No data")
    x_ticks = nice_ticks(min(p.x for p in points), max(p.x for p in points))
    y_ticks = nice_ticks(min(0.0, min(p.y for p in points)), max(p.y for p in points))
    frame = _Frame(x_ticks, y_ticks)
    parts = _open(title, f"{len(points)} local authorities; x: {x_label}; y: {y_label}")
    parts += _y_axis(frame, y_ticks, y_label)
    for t in x_ticks:
        parts.append(
            f'<text class="tick" x="{frame.px(t):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{fmt(t)}</text>'
        )
    parts.append(
        f'<text class="axis-label" x="{WIDTH - RIGHT}" y="{HEIGHT - 10}" text-anchor="end">{escape(x_label)}</text>'
    )
    for p in sorted(points, key=lambda p: p.highlight):
        colour = COLOURS[1] if p.highlight else COLOURS[0]
        radius = 6 if p.highlight else 4
        parts.append(
            f'<circle class="mark{" highlight" if p.highlight else ""}" cx="{frame.px(p.x):.1f}" cy="{frame.py(p.y):.1f}" '
            f'r="{radius}" fill="{colour}" fill-opacity="0.75" data-value="{p.y}">'
            f"<title>{escape(p.label)}: {fmt(p.x)}, {fmt(p.y)}</title></circle>"
        )
    return "\n".join([*parts, "</svg>"])


@dataclass(frozen=True)
class Interval:
    label: str
    value: float  # the central estimate (a dot)
    low: float  # P10 (the bar's start)
    high: float  # P90 (the bar's end)


def interval_chart(
    items: Sequence[Interval], *, title: str, x_label: str, range_label: str = "P10-P90 range"
) -> str:
    """One row per item: the label on the left, a bar from low to high and a dot at the value, on a
    shared horizontal axis (zero marked when the axis crosses it). Long labels fit: this is the chart
    for estimates with ranges."""
    if not items:
        return _empty(title, "No data")
    row, label_width = 24, 220
    height = TOP + BOTTOM + row * len(items)
    ticks = nice_ticks(min(0.0, *(i.low for i in items)), max(0.0, *(i.high for i in items)))
    x0, x1 = ticks[0], ticks[-1]

    def px(x: float) -> float:
        return label_width + (x - x0) / ((x1 - x0) or 1.0) * (WIDTH - label_width - RIGHT)

    desc = "; ".join(f"{i.label}: {fmt(i.value)} ({fmt(i.low)} to {fmt(i.high)})" for i in items)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<text class="axis-label" x="{label_width}" y="{TOP - 14}">{escape(x_label)}</text>',
    ]
    for t in ticks:
        x = px(t)
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - BOTTOM}"/>')
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{height - BOTTOM + 16}" text-anchor="middle">{fmt(t)}</text>'
        )
    for n, item in enumerate(items):
        y = TOP + row * n + row / 2
        parts.append(
            f'<text class="tick" x="{label_width - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(item.label)}</text>'
        )
        parts.append(
            f'<rect class="range" x="{px(item.low):.1f}" y="{y - 5:.1f}" width="{max(px(item.high) - px(item.low), 1):.1f}" '
            f'height="10" fill="{COLOURS[0]}" fill-opacity="0.3" data-low="{item.low}" data-high="{item.high}"/>'
        )
        parts.append(
            f'<circle class="mark" cx="{px(item.value):.1f}" cy="{y:.1f}" r="4.5" fill="{COLOURS[0]}" '
            f'data-value="{item.value}"><title>{escape(item.label)}: {fmt(item.value)} '
            f"({escape(range_label)} {fmt(item.low)} to {fmt(item.high)})</title></circle>"
        )
    parts += _legend([("central estimate", COLOURS[0], 1.0), (range_label, COLOURS[0], 0.3)])
    parts[-2:] = [p.replace(f'y="{HEIGHT - 8}"', f'y="{height - 8}"') for p in parts[-2:]]
    return "\n".join([*parts, "</svg>"])
