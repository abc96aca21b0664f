"""Small, dependency-free SVG charts that render offline: line, bar and scatter.

Every data mark carries ``class="mark"`` and ``data-value`` so tests (and screen readers, through
the chart's ``<title>``/``<desc>``) can check that a chart really shows data.

Hand-written rather than a plotting library: the pages are static HTML with inline SVG, no
JavaScript and nothing loaded at run time, so every chart works offline and prints. Text is laid out
here, so its width is estimated from font metrics (:func:`text_width`): labels are thinned, wrapped,
moved inside the picture or shortened (the full text then in a ``<title>``) so that no two touch and none
leaves the SVG. The browser test (tests/integration/test_page_layout.py) measures the real boxes in
Chromium.

Why Python and not a template, when the pages' HTML is all Jinja2 (templates/): a chart is arithmetic
(scales, ticks, positions, text widths, paths) with a little markup around each number, and the page
template takes it whole (``Markup``). So the text a chart draws is escaped here, in a few places:
:func:`label` (axis and data labels), :func:`tooltip` (every ``<title>``) and :func:`described` (a
chart's title and description); maps/ draws the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 36, 48
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")
TICK, LEGEND = 11, 12  # font sizes of .tick/.axis-label and .legend text (the page's CSS sets them)
LEGEND_ROW = 16  # between rows of a legend that wraps
EDGE = 2  # text keeps this far from the SVG's edges

# Advance widths in hundredths of an em of the printable ASCII characters (space to tilde), the wider
# of DejaVu Sans (what system-ui resolves to on Linux without other fonts, one of the widest sans
# fonts) and Liberation Sans (Arial's metrics), measured in Chromium: an estimate that errs wide.
_ASCII = (
    32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 34, 34, 84, 84, 84, 56, 102, 68, 69, 72, 77, 67, 61, 78, 75, 29, 50, 67, 56, 86, 75, 79,
    67, 79, 72, 67, 61, 73, 68, 99, 69, 67, 69, 39, 34, 39, 84, 56, 50, 61, 63, 55, 63, 62, 35, 63,
    63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 41, 52, 39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
)  # fmt: skip
_OTHER = {"■": 94, "–": 56, "—": 100, "…": 100, "·": 32, "×": 84, "’": 32, "é": 62}


def text_width(text: str, size: float) -> float:
    """The width of ``text`` at font ``size`` (px), erring wide by 3% (a character outside the
    table counts as a whole em)."""
    total = sum(_ASCII[ord(ch) - 32] if 32 <= ord(ch) < 127 else _OTHER.get(ch, 100) for ch in text)
    return total * size / 100 * 1.03


def shorten(text: str, width: float, size: float) -> str:
    """``text`` cut at a word (or, failing that, a character) and ended with an ellipsis so that it
    fits in ``width``; unchanged when it fits."""
    if text_width(text, size) <= width:
        return text
    words = text.split(" ")
    for n in range(len(words) - 1, 0, -1):
        head = " ".join(words[:n]).rstrip(",;:-") + "…"
        if text_width(head, size) <= width and n > 1:
            return head
    for n in range(len(text) - 1, 0, -1):
        if text_width(text[:n] + "…", size) <= width:
            return text[:n].rstrip() + "…"
    return "…"


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` (a word too long for a line of its
    own is shortened)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(shorten(word, width, size))
    return lines or [""]


def label(
    x: float,
    y: float,
    text: str,
    *,
    css: str = "tick",
    size: float = TICK,
    anchor: str = "start",
    width: float = WIDTH,
    attrs: str = "",
) -> str:
    """A ``<text>`` kept inside an SVG ``width`` wide: moved in from an edge it would cross, and
    shortened (full text in a ``<title>``) when it is wider than the SVG. ``anchor``: start, middle
    or end, as text-anchor."""
    shown = shorten(text, width - 2 * EDGE, size)
    w = text_width(shown, size)
    left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    left = min(max(left, EDGE), width - EDGE - w)
    x = {"start": left, "middle": left + w / 2, "end": left + w}[anchor]
    title = tooltip(text) if shown != text else ""
    spacing = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}"{spacing}{attrs}>{title}{escape(shown)}</text>'


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


def tooltip(text: str) -> str:
    """A ``<title>``: the tooltip of what it is in, and its name for a screen reader."""
    return f"<title>{escape(text)}</title>"


def described(title: str, desc: str) -> str:
    """The ``<title>`` and ``<desc>`` that open a chart: its name and the chart in words."""
    return f"{tooltip(title)}<desc>{escape(desc)}</desc>"


def _open(title: str, desc: str, height: float = HEIGHT) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        described(title, desc),
    ]


def _y_axis(frame: _Frame, ticks: Sequence[float], axis_label: str) -> list[str]:
    out = []
    for t in ticks:
        y = frame.py(t)
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(label(LEFT - 6, y + 4, fmt(t), anchor="end"))
    out.append(label(LEFT, TOP - 14, axis_label, css="axis-label"))
    return out


def _x_labels(positions: Sequence[tuple[float, str]], y: float) -> list[str]:
    """Labels centred under their x positions, every step-th so that neighbours keep 12 px apart."""
    if not positions:
        return []
    widest = max(text_width(text, TICK) for _, text in positions)
    span = abs(positions[-1][0] - positions[0][0]) / max(len(positions) - 1, 1)
    step = max(1, math.ceil((widest + 12) / span)) if span else len(positions)
    return [label(x, y, text, anchor="middle") for x, text in positions[::step]]


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
    keys, rows = _legend(legend, HEIGHT - 8)
    parts = _open(
        title,
        f"{', '.join(n for n, _, _ in legend)}: {len(labels)} points from {labels[0]} to {labels[-1]}",
        HEIGHT + LEGEND_ROW * (rows - 1),
    )
    parts += _y_axis(frame, y_ticks, y_label)
    parts += _x_labels([(frame.px(i), text) for i, text in enumerate(labels)], HEIGHT - BOTTOM + 18)
    if band_points:
        edge = [(x, hi) for x, _, hi in band_points] + [(x, lo) for x, lo, _ in reversed(band_points)]
        polygon = " ".join(f"{frame.px(index[x]):.1f},{frame.py(v):.1f}" for x, v in edge)
        parts.append(
            f'<polygon class="band" points="{polygon}" fill="{COLOURS[0]}" fill-opacity="0.18">'
            f"{tooltip(band_name)}</polygon>"
        )
    for (name, colour, _), points in zip(legend, series.values(), strict=False):
        at = [index[x] for x, _ in points]
        coords = [(frame.px(i), frame.py(v)) for i, (_, v) in zip(at, points, strict=True)]
        path = " ".join(
            f"{'L' if k and at[k] == at[k - 1] + 1 else 'M'}{x:.1f},{y:.1f}"
            for k, (x, y) in enumerate(coords)
        )
        parts.append(f'<path class="series" d="{path}" stroke="{colour}" fill="none" stroke-width="2"/>')
        for (x, y), (point, value) in zip(coords, points, strict=True):
            parts.append(
                f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}" data-value="{value}">'
                f"{tooltip(f'{name}, {point}: {fmt(value)}')}</circle>"
            )
    return "\n".join([*parts, *keys, "</svg>"])


def _legend(entries: Sequence[tuple[str, str, float]], y: float) -> tuple[list[str], int]:
    """(name, colour, opacity) entries in rows from ``y`` down, each as wide as its name, a new row
    when the next would not fit; and how many rows. The square carries the colour (the page's CSS
    greys legend text)."""
    out: list[str] = []
    x: float = LEFT + 8
    rows = 1
    for name, colour, opacity in entries:
        shown = shorten(name, WIDTH - LEFT - 8 - RIGHT - text_width("■ ", LEGEND), LEGEND)
        w = text_width(f"■ {shown}", LEGEND)
        if x > LEFT + 8 and x + w > WIDTH - RIGHT:
            x, rows, y = LEFT + 8, rows + 1, y + LEGEND_ROW
        title = tooltip(name) if shown != name else ""
        out.append(
            f'<text class="legend" x="{x:.0f}" y="{y:.0f}">{title}<tspan fill="{colour}" '
            f'fill-opacity="{opacity}">■</tspan> {escape(shown)}</text>'
        )
        x += w + 16
    return out, rows


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, y_label: str) -> str:
    """Columns with their labels underneath when every label fits its column's width; otherwise
    (many or long labels: a region's local authorities, countries of birth) one bar per row with
    the label to its left and the value at its end (:func:`_bar_rows`)."""
    if not items:
        return _empty(title, "No data")
    slot = (WIDTH - LEFT - RIGHT) / len(items)
    if max(text_width(name, TICK) for name, _ in items) + 8 > slot:
        return _bar_rows(items, title=title, x_label=y_label)
    values = [v for _, v in items]
    y_ticks = nice_ticks(min(0.0, min(values)), max(values))
    frame = _Frame([0, len(items)], y_ticks)
    parts = _open(title, "; ".join(f"{name}: {fmt(v)}" for name, v in items))
    parts += _y_axis(frame, y_ticks, y_label)
    for i, (name, value) in enumerate(items):
        top, base = frame.py(max(value, 0)), frame.py(min(value, 0))
        x = LEFT + i * slot + slot * 0.15
        parts.append(
            f'<rect class="mark" x="{x:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" height="{max(base - top, 0.5):.1f}" '
            f'fill="{COLOURS[0]}" data-value="{value}">{tooltip(f"{name}: {fmt(value)}")}</rect>'
        )
        parts.append(label(x + slot * 0.35, HEIGHT - BOTTOM + 18, name, anchor="middle"))
    return "\n".join([*parts, "</svg>"])


ROW = 18  # a row of a horizontal bar chart
LABEL_SHARE = 0.4  # at most this share of the width goes to row labels; longer ones are shortened


def _row_labels(names: Sequence[str]) -> float:
    """The width of the label column: the widest label and a gap, at most LABEL_SHARE of the chart."""
    return min(max(text_width(n, TICK) for n in names) + 14, WIDTH * LABEL_SHARE)


def _bar_rows(items: Sequence[tuple[str, float]], *, title: str, x_label: str) -> str:
    """One horizontal bar per item, as many rows as items: the label on the left (shortened, with
    its full text in a <title>, past LABEL_SHARE of the width), the value at the bar's end and a
    value axis along the top."""
    values = [v for _, v in items]
    ticks = nice_ticks(min(0.0, min(values)), max(0.0, max(values)))
    left = _row_labels([n for n, _ in items])
    room = max(text_width(fmt(v), TICK) for v in values) + 10  # the values at the bars' ends
    top = TOP + 6
    height = top + ROW * len(items) + 10

    def px(x: float) -> float:
        return left + (x - ticks[0]) / ((ticks[-1] - ticks[0]) or 1.0) * (WIDTH - RIGHT - room - left)

    parts = _open(title, "; ".join(f"{name}: {fmt(v)}" for name, v in items), height)
    parts.append(label(left, 14, x_label, css="axis-label"))
    for t in ticks:
        parts.append(
            f'<line class="grid" x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{top - 4}" y2="{height - 10}"/>'
        )
        parts.append(label(px(t), top - 8, fmt(t), anchor="middle"))
    for n, (name, value) in enumerate(items):
        y = top + ROW * n
        x0, x1 = sorted((px(0), px(value)))
        parts.append(
            f'<rect class="mark" x="{x0:.1f}" y="{y + 3:.1f}" width="{max(x1 - x0, 0.5):.1f}" height="{ROW - 6}" '
            f'fill="{COLOURS[0]}" data-value="{value}">{tooltip(f"{name}: {fmt(value)}")}</rect>'
        )
        parts.append(label(left - 8, y + 13, name, anchor="end", width=left - 8 + EDGE))
        parts.append(label(x1 + 4, y + 13, fmt(value), attrs=' data-value-label=""'))
    return "\n".join([*parts, "</svg>"])


def scatter(points: Sequence[Point], *, title: str, x_label: str, y_label: str) -> str:
    if not points:
        return _empty(title, "No data")
    x_ticks = nice_ticks(min(p.x for p in points), max(p.x for p in points))
    y_ticks = nice_ticks(min(0.0, min(p.y for p in points)), max(p.y for p in points))
    frame = _Frame(x_ticks, y_ticks)
    parts = _open(title, f"{len(points)} local authorities; x: {x_label}; y: {y_label}")
    parts += _y_axis(frame, y_ticks, y_label)
    parts += _x_labels([(frame.px(t), fmt(t)) for t in x_ticks], HEIGHT - BOTTOM + 18)
    parts.append(label(WIDTH - RIGHT, HEIGHT - 10, x_label, css="axis-label", anchor="end"))
    for p in sorted(points, key=lambda p: p.highlight):
        colour = COLOURS[1] if p.highlight else COLOURS[0]
        radius = 6 if p.highlight else 4
        parts.append(
            f'<circle class="mark{" highlight" if p.highlight else ""}" cx="{frame.px(p.x):.1f}" cy="{frame.py(p.y):.1f}" '
            f'r="{radius}" fill="{colour}" fill-opacity="0.75" data-value="{p.y}">'
            f"{tooltip(f'{p.label}: {fmt(p.x)}, {fmt(p.y)}')}</circle>"
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
    row, label_width = 24, _row_labels([i.label for i in items])
    entries = [("central estimate", COLOURS[0], 1.0), (range_label, COLOURS[0], 0.3)]
    keys, rows = _legend(entries, TOP + row * len(items) + BOTTOM - 8)
    height = TOP + BOTTOM + row * len(items) + LEGEND_ROW * (rows - 1)
    plot_bottom = TOP + row * len(items)
    ticks = nice_ticks(min(0.0, *(i.low for i in items)), max(0.0, *(i.high for i in items)))
    x0, x1 = ticks[0], ticks[-1]

    def px(x: float) -> float:
        return label_width + (x - x0) / ((x1 - x0) or 1.0) * (WIDTH - label_width - RIGHT)

    desc = "; ".join(f"{i.label}: {fmt(i.value)} ({fmt(i.low)} to {fmt(i.high)})" for i in items)
    parts = _open(title, desc, height) + [label(label_width, TOP - 14, x_label, css="axis-label")]
    parts += _x_labels([(px(t), fmt(t)) for t in ticks], plot_bottom + 16)
    for t in ticks:
        x = px(t)
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{plot_bottom}"/>')
    for n, item in enumerate(items):
        y = TOP + row * n + row / 2
        parts.append(label(label_width - 8, y + 4, item.label, anchor="end", width=label_width - 8 + EDGE))
        parts.append(
            f'<rect class="range" x="{px(item.low):.1f}" y="{y - 5:.1f}" width="{max(px(item.high) - px(item.low), 1):.1f}" '
            f'height="10" fill="{COLOURS[0]}" fill-opacity="0.3" data-low="{item.low}" data-high="{item.high}"/>'
        )
        parts.append(
            f'<circle class="mark" cx="{px(item.value):.1f}" cy="{y:.1f}" r="4.5" fill="{COLOURS[0]}" '
            f'data-value="{item.value}">'
            + tooltip(f"{item.label}: {fmt(item.value)} ({range_label} {fmt(item.low)} to {fmt(item.high)})")
            + "</circle>"
        )
    return "\n".join([*parts, *keys, "</svg>"])


def paired_bars(
    items: Sequence[tuple[str, float, float]], *, title: str, x_label: str, names: tuple[str, str]
) -> str:
    """Two bars a row, side by side for each item (a baseline and a scenario: ``names``), the label
    on the left, each value at its bar's end, a legend and a value axis along the top."""
    if not items:
        return _empty(title, "No data")
    values = [v for _, a, b in items for v in (a, b)]
    ticks = nice_ticks(min(0.0, min(values)), max(0.0, max(values)))
    left = _row_labels([n for n, _, _ in items])
    room = max(text_width(fmt(v), TICK) for v in values) + 10
    row = 2 * ROW
    top = TOP + 6 + LEGEND_ROW
    height = top + row * len(items) + 10

    def px(x: float) -> float:
        return left + (x - ticks[0]) / ((ticks[-1] - ticks[0]) or 1.0) * (WIDTH - RIGHT - room - left)

    desc = "; ".join(f"{n}: {names[0]} {fmt(a)}, {names[1]} {fmt(b)}" for n, a, b in items)
    parts = _open(title, desc, height)
    legend, _rows = _legend([(names[0], COLOURS[5], 1.0), (names[1], COLOURS[4], 1.0)], 14)
    parts += legend
    parts.append(label(left, 14 + LEGEND_ROW, x_label, css="axis-label"))
    for t in ticks:
        parts.append(
            f'<line class="grid" x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{top - 4}" y2="{height - 10}"/>'
        )
        parts.append(label(px(t), top - 8, fmt(t), anchor="middle"))
    for n, (name, a, b) in enumerate(items):
        for k, (value, colour, which) in enumerate(((a, COLOURS[5], names[0]), (b, COLOURS[4], names[1]))):
            y = top + row * n + ROW * k
            x0, x1 = sorted((px(0), px(value)))
            parts.append(
                f'<rect class="mark" x="{x0:.1f}" y="{y + 2:.1f}" width="{max(x1 - x0, 0.5):.1f}" height="{ROW - 4}" '
                f'fill="{colour}" data-value="{value}">{tooltip(f"{name}, {which}: {fmt(value)}")}</rect>'
            )
            parts.append(label(x1 + 4, y + 13, fmt(value), attrs=' data-value-label=""'))
        parts.append(label(left - 8, top + row * n + ROW + 4, name, anchor="end", width=left - 8 + EDGE))
    return "\n".join([*parts, "</svg>"])
