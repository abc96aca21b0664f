"""The names of a map's highest areas: each placed near its area's point, clear of the others, of the
legend and of the picture's edges, with a leader line when it had to move away."""

from __future__ import annotations

from html import escape

from .. import svg
from .frame import Box

LABEL_SIZE = 11  # the names of the highest areas on the map
LABEL_STYLE = (
    f'font-size="{LABEL_SIZE}" fill="#0b0c0c" stroke="#fff" stroke-width="3" stroke-linejoin="round" '
    'paint-order="stroke"'
)


def _hits(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# where a name goes around its area's point, in order of preference: east, west, north-east,
# north-west, south-east, south-west, north, south; then the same further out, with a leader line
DIRECTIONS = ((1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1), (0, -1), (0, 1))
DISTANCES = (4, 12, 22, 34, 48, 64, 84, 108)


def _place(
    point: tuple[float, float], width: float, within: Box, taken: list[Box]
) -> tuple[Box, bool] | None:
    """A box ``width`` wide for a name near ``point``: inside ``within``, clear of every box in
    ``taken``; and whether it is far enough to need a leader line. None when nothing is free."""
    x, y = point
    h = LABEL_SIZE * 1.25
    for d in DISTANCES:
        for dx, dy in DIRECTIONS:
            left = x + d if dx > 0 else (x - d - width if dx < 0 else x - width / 2)
            top = y - h / 2 + dy * (d + h / 2 if dx == 0 else d * 0.7)
            box = (left, top, left + width, top + h)
            inside = (
                within[0] <= box[0] and box[2] <= within[2] and within[1] <= box[1] and box[3] <= within[3]
            )
            if inside and not any(_hits(box, other) for other in taken):
                return box, d > 4
    return None


def name_labels(wanted: list[tuple[str, tuple[float, float], Box, list[Box]]], *, width: float) -> list[str]:
    """Names of areas at their points, each given as (name, point, the box it must stay in, boxes it
    must keep clear of: the legend...), clear of each other too. An area no free place is found for
    keeps its name off the map (the table and its tooltip have it)."""
    out: list[str] = []
    names: list[Box] = []
    for name, point, within, avoid in wanted:
        shown = svg.shorten(name, min(width, 170), LABEL_SIZE)
        w = svg.text_width(shown, LABEL_SIZE) + 2
        found = _place(point, w, within, [*avoid, *names])
        if found is None:
            continue
        (x0, y0, x1, y1), leader = found
        names.append((x0 - 2, y0 - 1, x1 + 2, y1 + 1))
        if leader:
            tx = min(max(point[0], x0), x1)
            ty = min(max(point[1], y0), y1)
            out.append(
                f'<line x1="{point[0]:.1f}" y1="{point[1]:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" '
                'stroke="#0b0c0c" stroke-width="0.8"/>'
            )
        out.append(
            f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="1.6" fill="#0b0c0c"/>'
            f'<text class="map-label" x="{x0 + 1:.1f}" y="{y1 - LABEL_SIZE * 0.3:.1f}" {LABEL_STYLE}>'
            f"{escape(shown)}</text>"
        )
    return out
