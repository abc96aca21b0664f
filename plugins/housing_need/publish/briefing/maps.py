"""Choropleth maps of local authorities as inline SVG: no JavaScript, no tiles, no CDN, so the pages
work offline and print.

The boundaries are the ONS local authority districts of December 2024 (ultra-generalised, clipped),
bundled beside this module (``boundaries/README.md``: source, licence, checksum). They come as WGS84
longitude/latitude; :func:`to_bng` projects them onto the British National Grid with the Ordnance
Survey's transverse Mercator formulas, in numpy, without a GIS library.

The pure parts (projection, classes, the SVG) take plain mappings, ``{lad_code: value}``, and are
tested on their own; :data:`MAP_SECTIONS` are the briefing sections that read the marts and call them.
Every LA shape is ``<path class="area" data-lad-code=... data-value=... data-class=... fill=...>``
with a ``<title>`` tooltip, so tests can read what is drawn. Each area is reachable by keyboard: a
link to its page (or a focusable shape) announced as "name: value unit". The highest areas are
named on the map; the index page's maps enlarge London beside England and Wales; a region's map
cuts its classes within the region and its legend says so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from . import paths, svg
from .sections import Content, Published, Section, shortlisted, watchlist
from .svg import fmt

BOUNDARIES = (
    Path(__file__).resolve().with_name("boundaries")
    / "Local_Authority_Districts_December_2024_Boundaries_UK_BUC.geojson"
)
ATTRIBUTION = (
    "Map boundaries: Source: Office for National Statistics licensed under the Open Government Licence "
    "v.3.0. Contains OS data © Crown copyright and database right 2024."
)

# --- projection: OSGB36 British National Grid --------------------------------------------------------

AIRY_A, AIRY_B = 6377563.396, 6356256.909  # Airy 1830 semi-major and semi-minor axes, metres
F0 = 0.9996012717  # scale factor on the central meridian
LAT0, LON0 = math.radians(49.0), math.radians(-2.0)  # true origin 49°N 2°W
E0, N0 = 400_000.0, -100_000.0  # false easting and northing, metres

Array = npt.NDArray[np.float64]


def to_bng(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[Array, Array]:
    """(eastings, northings) in metres of longitude/latitude in degrees, on the British National Grid.

    The transverse Mercator projection of the Ordnance Survey's *A guide to coordinate systems in Great
    Britain* (annex C, "Converting latitude and longitude to eastings and northings") on the Airy 1830
    ellipsoid. The guide applies it to OSGB36 latitude and longitude; the bundled boundaries are WGS84,
    and the Helmert datum shift from WGS84 to OSGB36 is skipped here. That moves every point by up to
    about 100-120 m, the same for neighbouring points, far below the boundaries' 500 m generalisation and
    well under a pixel of any map drawn from them (about 1 km a pixel for England and Wales).
    """
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    a, b = AIRY_A, AIRY_B
    e2 = (a * a - b * b) / (a * a)
    n = (a - b) / (a + b)
    sin, cos = np.sin(phi), np.cos(phi)
    tan2 = np.tan(phi) ** 2
    nu = a * F0 / np.sqrt(1 - e2 * sin**2)
    rho = a * F0 * (1 - e2) * (1 - e2 * sin**2) ** -1.5
    eta2 = nu / rho - 1
    dphi, sphi = phi - LAT0, phi + LAT0
    meridian = (
        b
        * F0
        * (
            (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * dphi
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * np.sin(dphi) * np.cos(sphi)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * np.sin(2 * dphi) * np.cos(2 * sphi)
            - 35 / 24 * n**3 * np.sin(3 * dphi) * np.cos(3 * sphi)
        )
    )
    # the guide's terms I, II, III, IIIA, IV, V, VI
    t1 = meridian + N0
    t2 = nu / 2 * sin * cos
    t3 = nu / 24 * sin * cos**3 * (5 - tan2 + 9 * eta2)
    t3a = nu / 720 * sin * cos**5 * (61 - 58 * tan2 + tan2**2)
    t4 = nu * cos
    t5 = nu / 6 * cos**3 * (nu / rho - tan2)
    t6 = nu / 120 * cos**5 * (5 - 18 * tan2 + tan2**2 + 14 * eta2 - 58 * tan2 * eta2)
    dl = lam - LON0
    northing = t1 + t2 * dl**2 + t3 * dl**4 + t3a * dl**6
    easting = E0 + t4 * dl + t5 * dl**3 + t6 * dl**5
    return easting, northing


# --- boundaries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Boundary:
    """One local authority district, projected: its rings (outer rings and holes alike, drawn with the
    even-odd rule; open, the closing point dropped) as (n, 2) arrays of eastings and northings in
    metres, and for each ring which vertices are *fixed*: where the districts sharing the boundary
    change (a border meets the coast or a third district, or one side has a vertex the other has not),
    and the vertices of rings too small to simplify. Simplifying only between fixed vertices keeps
    neighbours' shared borders identical, so no gaps open between them."""

    code: str
    name: str
    rings: tuple[Array, ...]
    fixed: tuple[npt.NDArray[np.bool_], ...]
    point: tuple[float, float]  # an internal point (the file's LONG/LAT), projected: where a symbol goes
    bbox: tuple[float, float, float, float]  # min E, min N, max E, max N


@lru_cache(maxsize=2)
def load_boundaries(path: Path = BOUNDARIES) -> Mapping[str, Boundary]:
    """The districts of a GeoJSON file like the bundled one (properties LAD24CD, LAD24NM, LONG, LAT;
    WGS84 Polygons and MultiPolygons), projected, by code. Read once per process."""
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"map boundaries not found at {path}: the package ships this file "
            "(plugins/housing_need/publish/briefing/boundaries/); reinstall the package or restore it"
        ) from exc
    features: list[tuple[dict, list[list[tuple[float, float]]]]] = []
    owners: dict[tuple[float, float], set[int]] = {}  # vertex -> the features it is on
    edges: dict[frozenset[tuple[float, float]], set[int]] = {}  # edge (either direction) -> its features
    pinned: set[tuple[float, float]] = set()  # the vertices of rings too small to simplify
    for number, feature in enumerate(collection["features"]):
        props, geometry = feature["properties"], feature["geometry"]
        kind = geometry["type"]
        if kind not in ("Polygon", "MultiPolygon"):
            raise ValueError(
                f"{path}: feature {number + 1} ({props.get('LAD24CD')}) is a {kind}, not a polygon"
            )
        polygons = [geometry["coordinates"]] if kind == "Polygon" else geometry["coordinates"]
        rings = [[(float(x), float(y)) for x, y, *_ in ring[:-1]] for polygon in polygons for ring in polygon]
        features.append((props, rings))
        for ring in rings:
            for i, vertex in enumerate(ring):
                owners.setdefault(vertex, set()).add(number)
                edges.setdefault(frozenset((vertex, ring[i - 1])), set()).add(number)
            if len(ring) <= 3:
                pinned.update(ring)
    out: dict[str, Boundary] = {}
    for props, lonlat in features:
        sizes = np.cumsum([len(r) for r in lonlat])[:-1]
        joined = np.asarray([v for ring in lonlat for v in ring], dtype=np.float64)
        east, north = to_bng(joined[:, 0], joined[:, 1])
        fixed = []
        for ring in lonlat:
            # a vertex is fixed unless both its edges belong to exactly the features the vertex is on
            before = [edges[frozenset((v, ring[i - 1]))] for i, v in enumerate(ring)]
            fixed.append(
                np.array(
                    [
                        v in pinned or not owners[v] == before[i] == before[(i + 1) % len(ring)]
                        for i, v in enumerate(ring)
                    ],
                    dtype=bool,
                )
            )
        pe, pn = to_bng(props["LONG"], props["LAT"])
        out[str(props["LAD24CD"])] = Boundary(
            code=str(props["LAD24CD"]),
            name=str(props["LAD24NM"]),
            rings=tuple(np.split(np.column_stack([east, north]), sizes)),
            fixed=tuple(fixed),
            point=(float(pe), float(pn)),
            bbox=(float(east.min()), float(north.min()), float(east.max()), float(north.max())),
        )
    return MappingProxyType(out)


def _douglas_peucker(points: Array, tolerance: float) -> npt.NDArray[np.bool_]:
    """Which points of an open line to keep: its ends, and every point further than ``tolerance``
    from the chord of the part it splits (Douglas-Peucker)."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b, inner = points[i], points[j], points[i + 1 : j]
        chord = b - a
        length = float(np.hypot(*chord))
        if length == 0:
            dist = np.hypot(*(inner - a).T)
        else:
            dist = np.abs(chord[0] * (inner[:, 1] - a[1]) - chord[1] * (inner[:, 0] - a[0])) / length
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return keep


def simplify(ring: Array, fixed: npt.NDArray[np.bool_], tolerance: float) -> Array:
    """A ring simplified to ``tolerance`` metres, keeping its fixed vertices. Each stretch between
    fixed vertices is simplified in one canonical direction (from its lexicographically smaller end),
    so the two districts that share it, which list it in opposite directions, keep the same points."""
    n = len(ring)
    if n <= 3 or tolerance <= 0:
        return ring
    anchors = [int(i) for i in np.flatnonzero(fixed)]
    if len(anchors) < 2:  # an island or an enclave: anchor on its smallest vertex and the one furthest away
        first = anchors[0] if anchors else int(np.lexsort((ring[:, 1], ring[:, 0]))[0])
        anchors = sorted({first, int(np.argmax(np.hypot(*(ring - ring[first]).T)))})
    keep = np.zeros(n, dtype=bool)
    keep[anchors] = True
    for start, stop in zip(anchors, [*anchors[1:], anchors[0] + n], strict=True):
        index = np.arange(start, stop + 1) % n
        stretch = ring[index]
        backwards = tuple(stretch[0]) > tuple(stretch[-1])
        mask = _douglas_peucker(stretch[::-1] if backwards else stretch, tolerance)
        keep[index[mask[::-1] if backwards else mask]] = True
    return ring[keep]


# --- classes ------------------------------------------------------------------------------------------

# ColorBrewer "Blues" (6 classes; sequential, colour-blind safe): the palest for exactly zero, the
# other five for the positive classes. Below zero takes the orange of ColorBrewer "PuOr", the
# colour-blind-safe partner of blue. No data is hatched, unlike any class.
ZERO_FILL = "#eff3ff"
PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NEGATIVE_FILL = "#fdb863"


@dataclass(frozen=True)
class Bin:
    index: int  # -1: below zero, 0: exactly zero, 1..k: positive classes, low to high
    label: str
    fill: str


def two_figures(value: float) -> float:
    """``value`` rounded to two significant figures (a break a reader can remember)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, 1 - math.floor(math.log10(abs(value))))


@dataclass(frozen=True)
class Classes:
    """Classes of a map: below zero (when any value is), exactly zero (when any value is), and up to
    five classes of positive values split at ``breaks`` (a class includes its lower break)."""

    breaks: tuple[float, ...]
    negative: bool = False
    zero: bool = False

    def bins(self) -> list[Bin]:
        out = [Bin(-1, "below 0 (surplus)", NEGATIVE_FILL)] if self.negative else []
        out += [Bin(0, "none", ZERO_FILL)] if self.zero else []
        b = [fmt(x) for x in self.breaks]
        floor = "above 0" if self.zero else ("0" if self.negative else "")
        if not b:
            labels = [f"{floor} or more" if floor == "0" else floor or "all values"]
        else:
            first = (
                f"{floor}, under {b[0]}"
                if floor == "above 0"
                else (f"{floor} to under {b[0]}" if floor else f"under {b[0]}")
            )
            labels = (
                [first]
                + [f"{lo} to under {hi}" for lo, hi in zip(b, b[1:], strict=False)]
                + [f"{b[-1]} or more"]
            )
        # spread the palette over fewer classes from its darker end, so the top class is always darkest
        fills = PALETTE[len(PALETTE) - len(labels) :]
        return out + [
            Bin(i, label, fill) for i, (label, fill) in enumerate(zip(labels, fills, strict=True), 1)
        ]

    def bin_of(self, value: float) -> Bin:
        bins = {b.index: b for b in self.bins()}
        if value < 0:
            return bins.get(-1, Bin(-1, "below 0 (surplus)", NEGATIVE_FILL))
        if value == 0 and self.zero:
            return bins[0]
        return bins[1 + sum(value >= b for b in self.breaks)]


def classify(values: Iterable[float | None], k: int = 5) -> Classes:
    """Quantile classes: the positive values cut into ``k`` groups of about equal size, each break
    rounded to two significant figures (a break that rounds onto another, or leaves a class empty, is
    dropped, so there may be fewer). Zero and negative values get classes of their own."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    positive = sorted(v for v in finite if v > 0)
    breaks: list[float] = []
    if len(positive) >= 2:
        for q in np.quantile(positive, [i / k for i in range(1, k)]):
            b = two_figures(float(q))
            if positive[0] < b <= positive[-1] and (not breaks or b > breaks[-1]):
                breaks.append(b)
    return Classes(tuple(breaks), negative=any(v < 0 for v in finite), zero=any(v == 0 for v in finite))


def shown(value: float) -> str:
    """A rate as the map's data-value, tooltip and table show it."""
    return f"{value:.1f}"


# --- drawing ------------------------------------------------------------------------------------------

WIDTH = 640
PAD = 8
MAP_W, MAP_H = 420, 560  # the map fits inside this box, keeping its shape
LEGEND_GAP, LEGEND_W = 24, 190  # the legend: its distance from the map, its width
LINE = 18
NO_DATA = "no data"


def _number(tenths: int) -> str:
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def _numbers(values: Iterable[int]) -> str:
    out: list[str] = []
    for value in values:
        text = _number(int(value))
        if out and not text.startswith("-"):
            out.append(" ")
        out.append(text)
    return "".join(out)


def _ring_points(ring: Array, quantum: int) -> npt.NDArray[np.int64]:
    """A ring in pixels as integer tenths of a pixel, rounded to ``quantum`` tenths, without repeated
    points or points on a straight line between their neighbours (the rounded outline is unchanged)."""
    pts = (np.rint(ring * 10 / quantum) * quantum).astype(np.int64)
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    pts = pts[keep]
    if len(pts) > 1 and (pts[-1] == pts[0]).all():
        pts = pts[:-1]
    if len(pts) < 3:
        return pts
    before, after = pts - np.roll(pts, 1, axis=0), np.roll(pts, -1, axis=0) - pts
    cross = before[:, 0] * after[:, 1] - before[:, 1] * after[:, 0]
    dot = (before * after).sum(axis=1)
    return pts[(cross != 0) | (dot <= 0)]


def _path_data(rings: Iterable[Array]) -> str:
    """SVG path data of rings given in pixels: whole pixels, relative moves, no repeated or redundant
    points. An area too small to keep a ring at whole pixels is drawn at a tenth of a pixel."""
    rings = list(rings)
    for quantum in (10, 1):  # in tenths of a pixel
        parts = []
        for ring in rings:
            pts = _ring_points(ring, quantum)
            if len(pts) >= 3:
                parts.append(f"M{_numbers(pts[0])}l{_numbers(np.diff(pts, axis=0).ravel())}z")
        if parts:
            return "".join(parts)
    return ""


SIMPLIFY_PX = 0.5  # Douglas-Peucker tolerance in pixels of the map


class _Frame:
    """Metres on the grid to pixels: the areas' extent fitted into a box (x, y, width, height) of the
    picture, north up."""

    def __init__(
        self,
        bbox: tuple[float, float, float, float],
        box: tuple[float, float, float, float] = (PAD, PAD, MAP_W, MAP_H),
    ) -> None:
        self.e0, self.n0, self.e1, self.n1 = bbox
        self.x, self.y = box[0], box[1]
        self.scale = min(box[2] / max(self.e1 - self.e0, 1.0), box[3] / max(self.n1 - self.n0, 1.0))
        self.width = (self.e1 - self.e0) * self.scale
        self.height = (self.n1 - self.n0) * self.scale

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The fitted map's pixels: x0, y0, x1, y1."""
        return self.x, self.y, self.x + self.width, self.y + self.height

    def px(self, ring: Array) -> Array:
        return np.column_stack(
            [self.x + (ring[:, 0] - self.e0) * self.scale, self.y + (self.n1 - ring[:, 1]) * self.scale]
        )

    def point(self, east: float, north: float) -> tuple[float, float]:
        return self.x + (east - self.e0) * self.scale, self.y + (self.n1 - north) * self.scale

    def overlaps(self, bbox: tuple[float, float, float, float]) -> bool:
        return bbox[0] < self.e1 and bbox[2] > self.e0 and bbox[1] < self.n1 and bbox[3] > self.n0


def _extent(boundaries: Mapping[str, Boundary], codes: Iterable[str]) -> tuple[float, float, float, float]:
    boxes = [boundaries[c].bbox for c in codes]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _clip(ring: Array, box: tuple[float, float, float, float]) -> Array:
    """A ring (in pixels) cut to the rectangle ``box`` (x0, y0, x1, y1), Sutherland-Hodgman: the
    grey districts around a map end at its frame, so no shape reaches past the picture (a clip-path
    only hides them: their boxes would still cover the text around the map)."""
    for axis, edge, keep_above in (
        (0, box[0], True),
        (0, box[2], False),
        (1, box[1], True),
        (1, box[3], False),
    ):
        if len(ring) == 0:
            return ring
        inside = ring[:, axis] >= edge if keep_above else ring[:, axis] <= edge
        if inside.all():
            continue
        out = []
        previous, was_in = ring[-1], bool(inside[-1])
        for point, now_in in zip(ring, inside, strict=True):
            if now_in != was_in:
                t = (edge - previous[axis]) / (point[axis] - previous[axis])
                out.append(previous + t * (point - previous))
            if now_in:
                out.append(point)
            previous, was_in = point, bool(now_in)
        ring = np.asarray(out, dtype=np.float64).reshape(-1, 2)
    return ring


def _outline(
    boundary: Boundary, frame: _Frame, tolerance: float, clip: tuple[float, float, float, float] | None = None
) -> str:
    rings = (
        frame.px(simplify(ring, fixed, tolerance))
        for ring, fixed in zip(boundary.rings, boundary.fixed, strict=True)
    )
    return _path_data(_clip(r, clip) for r in rings) if clip else _path_data(rings)


LEGEND_SIZE, LEGEND_LEADING = svg.LEGEND, 14  # legend text size and the distance between its lines
LABEL_SIZE = 11  # the names of the highest areas on the map
LABEL_STYLE = (
    f'font-size="{LABEL_SIZE}" fill="#0b0c0c" stroke="#fff" stroke-width="3" stroke-linejoin="round" '
    'paint-order="stroke"'
)
TOP_AREAS = 5  # how many of the highest areas a map names


def _legend_text(x: float, y: float, lines: list[str]) -> str:
    spans = "".join(
        f'<tspan x="{x:.0f}" dy="{0 if i == 0 else LEGEND_LEADING}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="legend" x="{x:.0f}" y="{y:.0f}">{spans}</text>'


def _wrapped(lines: Iterable[str], width: float) -> list[str]:
    return [part for line in lines for part in svg.wrap(line, width, LEGEND_SIZE)]


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


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


def _name_labels(wanted: list[tuple[str, tuple[float, float], Box, list[Box]]], *, width: float) -> list[str]:
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


def choropleth(
    boundaries: Mapping[str, Boundary],
    values: Mapping[str, float | None],
    classes: Classes,
    *,
    map_id: str,
    title: str,
    unit: list[str],
    names: Mapping[str, str] | None = None,
    marked: Mapping[str, str] | None = None,
    marked_label: list[str] | None = None,
    context: bool = True,
    class_note: str = "",
    links: Mapping[str, str] | None = None,
    inset: tuple[str, Iterable[str]] | None = None,
    top: int = TOP_AREAS,
) -> str:
    """An SVG map of the areas in ``values`` (lad_code -> value, None for no data), coloured by
    ``classes``; the extent is theirs. ``marked`` (lad_code -> tooltip note) are outlined and carry a
    symbol, explained in the legend by ``marked_label`` (its lines). ``context`` draws other districts
    inside the extent in grey, without data. ``unit`` heads the legend (its lines), ``class_note``
    follows it (what the classes are). ``map_id`` prefixes the SVG ids (two maps on one page must
    differ).

    Every area is reachable by keyboard and announced as "name: value unit": a link to its page when
    ``links`` (lad_code -> href) has one, else focusable itself. The ``top`` highest areas are named
    on the map, the names clear of each other and of the legend. ``inset`` (name, lad_codes) draws
    those areas again, enlarged, beside the map under the legend (London on the England maps); there
    they are the focusable, named ones."""
    names = names or {}
    marked = marked or {}
    links = links or {}
    drawn = [code for code in values if code in boundaries]
    if not drawn:
        return ""
    frame = _Frame(_extent(boundaries, drawn))
    tolerance = SIMPLIFY_PX / frame.scale  # metres
    bins = classes.bins()
    counts = {b.index: 0 for b in bins}
    missing = 0
    no_data_fill = f"url(#{map_id}-nodata)"
    enlarged = [c for c in (inset[1] if inset else ()) if c in drawn]

    def tip(code: str) -> str:
        value, name = values[code], names.get(code) or boundaries[code].name
        note = f"; {marked[code]}" if code in marked else ""
        return f"{name}: {NO_DATA if value is None else f'{shown(value)} {unit[-1]}'}{note}"

    def shape(code: str, d: str, *, canonical: bool, focusable: bool) -> str:
        """An area's path (the canonical one carries its data), focusable or hidden from the
        accessibility tree (its enlarged copy in the inset is the one announced)."""
        value = values[code]
        if value is None:
            attrs, fill = 'data-class="none"', no_data_fill
        else:
            b = classes.bin_of(value)
            attrs, fill = f'data-value="{shown(value)}" data-class="{b.index}"', b.fill
        css = ("area" if canonical else "inset-area") + (" marked" if code in marked else "")
        own = f'class="{css}" data-lad-code="{escape(code)}" {attrs} fill="{fill}" d="{d}"'
        label = escape(tip(code), quote=True)
        if not focusable:
            return f'<path {own} aria-hidden="true"><title>{escape(tip(code))}</title></path>'
        if code in links:
            return (
                f'<a href="{escape(links[code])}" aria-label="{label}">'
                f"<path {own}><title>{escape(tip(code))}</title></path></a>"
            )
        return f'<path {own} tabindex="0" role="img" aria-label="{label}"><title>{escape(tip(code))}</title></path>'

    shapes: list[str] = []
    outlines: list[str] = []
    symbols: list[str] = []
    for code in sorted(drawn, key=lambda c: c in marked):  # marked last: their outline stays on top
        value = values[code]
        if value is None:
            missing += 1
        else:
            b = classes.bin_of(value)
            counts[b.index] = counts.get(b.index, 0) + 1
        d = _outline(boundaries[code], frame, tolerance)
        (outlines if code in marked else shapes).append(
            shape(code, d, canonical=True, focusable=code not in enlarged)
        )
        if code in marked:
            x, y = frame.point(*boundaries[code].point)
            symbols.append(
                f'<use class="marker" data-lad-code="{escape(code)}" href="#{map_id}-mark" x="{x:.0f}" y="{y:.0f}"/>'
            )
    others = []
    if context:
        for code, boundary in boundaries.items():
            if code not in values and frame.overlaps(boundary.bbox):
                d = _outline(boundary, frame, tolerance, frame.box)
                if d:
                    others.append(f'<path d="{d}"/>')

    # legend: heading, what the classes are, the classes (with how many areas of this map are in
    # each), no data, the symbol, what the names are; lines wrapped to the room beside the map
    x0 = min(round(PAD + frame.width + LEGEND_GAP), WIDTH - LEGEND_W)  # the legend, beside the map
    room = WIDTH - PAD - x0
    heading = _wrapped(unit, room)
    legend, y = [_legend_text(x0, PAD + 12, heading)], PAD + 12 + LEGEND_LEADING * len(heading)
    if class_note:  # a block of its own, a little apart from the heading
        note = _wrapped([class_note], room)
        legend.append(_legend_text(x0, y + 4, note))
        y += 4 + LEGEND_LEADING * len(note)
    y += 8
    keys = [(b.fill, f"{b.label} ({counts.get(b.index, 0)})") for b in bins]
    keys.append((no_data_fill, f"{NO_DATA} ({missing})"))
    for fill, text in keys:
        lines = _wrapped([text], room - 20)
        legend.append(
            f'<rect x="{x0}" y="{y}" width="14" height="14" fill="{fill}" stroke="#b1b4b6" stroke-width="0.5"/>'
            + _legend_text(x0 + 20, y + 11, lines)
        )
        y += LINE + LEGEND_LEADING * (len(lines) - 1)
    if marked_label:
        y += 6
        lines = _wrapped([*marked_label[:-1], f"{marked_label[-1]} ({len(outlines)})"], room - 20)
        legend.append(
            f'<rect x="{x0}" y="{y}" width="14" height="14" fill="#fff" stroke="#0b0c0c" stroke-width="1.6"/>'
            f'<use href="#{map_id}-mark" x="{x0 + 7}" y="{y + 7}"/>' + _legend_text(x0 + 20, y + 11, lines)
        )
        y += LEGEND_LEADING * len(lines) + 4
    ranked = sorted((c for c in drawn if values[c] is not None), key=lambda c: -(values[c] or 0.0))[:top]
    if ranked:
        y += 6
        lines = _wrapped([f"Named: the {len(ranked)} highest"], room - 20)
        legend.append(
            f'<circle cx="{x0 + 7}" cy="{y + 7}" r="1.6" fill="#0b0c0c"/>'
            + _legend_text(x0 + 20, y + 11, lines)
        )
        y += LEGEND_LEADING * len(lines) + 4
    legend_box: Box = (x0 - 4, 0, WIDTH, y)

    # the inset: the enlarged areas under the legend, framed, with their name above
    inset_parts: list[str] = []
    inset_frame = None
    inset_box: Box | None = None
    if enlarged and inset:
        extent = _extent(boundaries, enlarged)
        ix, iy, iw = x0, y + 26, WIDTH - PAD - x0
        ih = min(iw * (extent[3] - extent[1]) / (extent[2] - extent[0]), 260)
        inset_frame = _Frame(extent, (ix, iy, iw, ih))
        inset_box = (ix, iy, ix + inset_frame.width, iy + inset_frame.height)
        itol = SIMPLIFY_PX / inset_frame.scale
        around = [
            f'<path d="{d}"/>'
            for code, boundary in boundaries.items()
            if code not in enlarged and inset_frame.overlaps(boundary.bbox)
            for d in [_outline(boundary, inset_frame, itol, inset_frame.box)]
            if d
        ]
        copies = [
            shape(code, _outline(boundaries[code], inset_frame, itol), canonical=False, focusable=True)
            for code in sorted(enlarged, key=lambda c: c in marked)
        ]
        ex0, ey0 = frame.point(extent[0], extent[3])
        ex1, ey1 = frame.point(extent[2], extent[1])
        inset_parts = [
            f'<rect class="inset-extent" x="{ex0 - 1:.1f}" y="{ey0 - 1:.1f}" width="{ex1 - ex0 + 2:.1f}" '
            f'height="{ey1 - ey0 + 2:.1f}" fill="none" stroke="#0b0c0c" stroke-width="1"/>',
            _legend_text(ix, iy - 8, [f"{inset[0]}, enlarged"]),
            f'<clipPath id="{map_id}-inset"><rect x="{ix}" y="{iy}" width="{inset_frame.width:.1f}" '
            f'height="{inset_frame.height:.1f}"/></clipPath>',
            f'<g class="context" fill="#e8e9ea" stroke="#fff" stroke-width="0.5" clip-path="url(#{map_id}-inset)">'
            + "".join(around)
            + "</g>",
            '<g class="inset" stroke="#fff" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd">',
            *[c for c in copies if " marked" not in c],
            '<g class="outlined" stroke="#0b0c0c" stroke-width="1.6">',
            *[c for c in copies if " marked" in c],
            "</g></g>",
            '<g class="markers" pointer-events="none">'
            + "".join(
                f'<use href="#{map_id}-mark" x="{px:.0f}" y="{py:.0f}"/>'
                for code in enlarged
                if code in marked
                for px, py in [inset_frame.point(*boundaries[code].point)]
            )
            + "</g>",
            f'<rect x="{ix}" y="{iy}" width="{inset_frame.width:.1f}" height="{inset_frame.height:.1f}" '
            'fill="none" stroke="#505a5f" stroke-width="1"/>',
        ]

    # the names of the highest areas: in the inset for its areas, on the map (clear of the legend and
    # the inset) for the others
    bottom = max(frame.height + 2 * PAD, y, inset_box[3] + PAD if inset_box else 0) - svg.EDGE
    picture: Box = (svg.EDGE, svg.EDGE, WIDTH - svg.EDGE, bottom)
    beside = [legend_box] + (
        [(inset_box[0] - 4, inset_box[1] - 24, WIDTH, inset_box[3] + 4)] if inset_box else []
    )
    wanted: list[tuple[str, tuple[float, float], Box, list[Box]]] = []
    for code in ranked:
        name = names.get(code) or boundaries[code].name
        if inset_frame is not None and inset_box is not None and code in enlarged:
            wanted.append((name, inset_frame.point(*boundaries[code].point), inset_box, []))
        else:
            wanted.append((name, frame.point(*boundaries[code].point), picture, beside))
    labels = _name_labels(wanted, width=room)

    height = math.ceil(max(frame.height + 2 * PAD, y + PAD, (inset_box[3] + PAD) if inset_box else 0))
    desc = (
        f"{len(drawn)} local authorities coloured by {' '.join(unit)} in {len(bins)} classes, darker is higher"
        + (f" ({class_note})" if class_note else "")
        + (f"; {missing} without data (hatched)" if missing else "")
        + (f"; {len(outlines)} outlined with a ringed dot: {' '.join(marked_label)}" if marked_label else "")
        + (f"; {inset[0]} enlarged beside the map" if inset_frame is not None and inset else "")
        + (
            f"; the {len(ranked)} highest named: "
            + ", ".join(f"{names.get(c) or boundaries[c].name} {shown(values[c] or 0.0)}" for c in ranked)
            if ranked
            else ""
        )
        + ". Each area is a link or a focusable shape that reads its name and value; "
        "the table below the map has every number."
    )
    focus = (  # the focused area is drawn with a heavy outline (the page's focus ring goes round it too)
        f"<style>#{map_id}-svg a:focus path, #{map_id}-svg path:focus {{ stroke: #0b0c0c; "
        "stroke-width: 3; }</style>"
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="group" '
            f'aria-label="{escape(title)}" class="chart map" id="{escape(map_id)}-svg">',
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{focus}",
            f'<defs><pattern id="{map_id}-nodata" width="5" height="5" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/>'
            '<line x1="0" y1="0" x2="0" y2="5" stroke="#8c9196" stroke-width="1.6"/></pattern>'
            f'<g id="{map_id}-mark"><circle r="3.2" fill="#fff" stroke="#0b0c0c" stroke-width="1.4"/>'
            '<circle r="1.2" fill="#0b0c0c"/></g>'
            f'<clipPath id="{map_id}-frame"><rect x="{PAD}" y="{PAD}" width="{frame.width:.1f}" '
            f'height="{frame.height:.1f}"/></clipPath></defs>',
            f'<g class="context" fill="#e8e9ea" stroke="#fff" stroke-width="0.5" clip-path="url(#{map_id}-frame)">'
            + "".join(others)
            + "</g>",
            '<g class="areas" stroke="#fff" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd">',
            *shapes,
            '<g class="outlined" stroke="#0b0c0c" stroke-width="1.6">',
            *outlines,
            "</g></g>",
            f'<g class="markers" pointer-events="none">{"".join(symbols)}</g>',
            *legend,
            *inset_parts,
            f'<g class="names" aria-hidden="true" pointer-events="none">{"".join(labels)}</g>',
            "</svg>",
        ]
    )


# --- the sections the pages show -----------------------------------------------------------------------

INDEX_NAME = "England and Wales"  # the index page's map: every English and Welsh district


def _has(data: Published, table: str) -> bool:
    return table in data.by(
        "select table_name from duckdb_tables() where schema_name = 'marts' "
        "and database_name = current_database()"
    )


def _areas(data: Published, scope: str, key: str) -> dict[str, str]:
    """lad_code -> name of the districts a page's map draws: the region's, or on the index page every
    English and Welsh district."""
    rows = data.by(
        "select case when ? = 'index' then (case when left(lad_code, 1) in ('E', 'W') then ? end) "
        "else region_name end, lad_code, lad_name from marts.dim_local_authority order by lad_name",
        [scope, INDEX_NAME],
    ).get(key, [])
    return {str(code): str(name) for code, name in rows}


def _marked(data: Published) -> tuple[dict[str, str], str, str]:
    """The LAs the maps mark: the latest quarter's emerging-community shortlist (the whole watchlist when
    the mart predates the shortlist), lad_code -> tooltip note, and the quarter ('' when the watchlist
    mart is not in the warehouse or lists nobody) and which list it is. The long list (125-140 LAs a quarter) would ring a
    third of the map."""
    if not _has(data, "mart_emerging_community_watchlist"):
        return {}, "", ""
    watch = watchlist(data)
    short = shortlisted(data)
    chosen = short or set(map(str, watch))
    notes = {
        str(code): f"watchlist {rows[0][2]}: rank {rows[0][0]} of {rows[0][1]}"
        for code, rows in watch.items()
        if str(code) in chosen
    }
    quarter = str(next(iter(watch.values()))[0][2]) if watch else ""
    return notes, quarter, "shortlist" if short else "watchlist"


def _where(scope: str, key: str) -> str:
    return INDEX_NAME if scope == "index" else key


LONDON = ("London", "E09")  # the inset of the index page's maps: the London boroughs (GSS E09)


def la_href(code: str, name: str, scope: str) -> str:
    """The link from a page of ``scope`` (the index at the site's root, or a region page in regions/) to
    an LA's page (paths.la_page)."""
    here = "index.html" if scope == "index" else paths.region_page("any")
    return paths.href(here, paths.la_page(code, name))


def _links(data: Published, scope: str, areas: Iterable[str]) -> dict[str, str]:
    """lad_code -> link to its page, for the areas that have one: the LAs of the latest quarter of
    mart_dispersal_vs_deprivation, as the site writes them."""
    paged = data.by(
        "select 'all', lad_code, lad_name from marts.mart_dispersal_vs_deprivation "
        "where period_end = (select max(period_end) from marts.mart_dispersal_vs_deprivation)"
    ).get("all", [])
    have = {str(code): str(name) for code, name in paged}
    return {code: la_href(code, have[code], scope) for code in areas if code in have}


def _classes(
    scope: str, where: str, national: Iterable[float | None], local: Iterable[float | None], what: str
) -> tuple[Classes, str, str]:
    """The classes of a map, a legend line and a caption sentence saying what they are. The index
    page's map cuts every local authority's value (``national``) into fifths; a region's map cuts its
    own (``local``), so the shades show the differences within the region."""
    if scope == "index":
        return (
            classify(national),
            f"Classes: fifths of all {what}",
            f" The classes are fifths of all {what} (breaks rounded to two figures): national classes.",
        )
    return (
        classify(local),
        f"Classes: fifths within {where}, not national",
        f" The classes are fifths of the {what} in {where} (breaks rounded to two figures), so the shades "
        f"show differences within {where}; the index page maps every local authority on national classes.",
    )


def _watch_legend(quarter: str, which: str) -> list[str]:
    return ["Emerging-community", f"{which}, {quarter}"] if quarter else []


def _watch_sentence(quarter: str, which: str) -> str:
    if not quarter:
        return ""
    return f" Outlined in black with a ringed dot: the local authorities on the emerging-community {which} of {quarter}."


def _map_content(
    data: Published,
    areas: Mapping[str, str],
    values: Mapping[str, float | None],
    classes: Classes,
    *,
    map_id: str,
    title: str,
    unit: list[str],
    caption: str,
    value_headers: tuple[str, ...],
    extra: Callable[[str], list[str]],
    notes: list[str],
    scope: str,
    class_note: str,
) -> Content:
    """A choropleth of ``values`` over ``areas`` with the watchlist marked, its areas linked to their
    pages and London enlarged on the index page, and the table behind it (local authority, code,
    ``value_headers`` filled by ``extra``, class, watchlist rank)."""
    marked, quarter, which = _marked(data)
    name, prefix = LONDON
    chart = choropleth(
        load_boundaries(),
        values,
        classes,
        map_id=map_id,
        title=title,
        unit=unit,
        names=areas,
        marked=marked,
        marked_label=_watch_legend(quarter, which),
        class_note=class_note,
        links=_links(data, scope, areas),
        inset=(name, [c for c in areas if c.startswith(prefix)]) if scope == "index" else None,
    )
    return Content(
        chart=chart,
        caption=caption + _watch_sentence(quarter, which),
        headers=(
            "Local authority",
            "Code",
            *value_headers,
            "Class",
            f"{which.capitalize()} {quarter}: rank" if quarter else "Watchlist",
        ),
        rows=_rows(areas, values, classes, marked, extra),
        notes=notes,
    )


def dispersal_map(data: Published, scope: str, key: str) -> Content | None:
    areas = _areas(data, scope, key)
    if not areas:
        return None
    latest, label = data.latest
    rows = data.by(
        "select 'all', lad_code, people_in_dispersal_accommodation, population_mid2020 "
        "from marts.mart_dispersal_vs_deprivation where period_end = ?::date",
        [latest],
    ).get("all", [])
    people = {str(code): p for code, p, _ in rows}
    rates = {str(code): 10000.0 * p / pop if p is not None and pop else None for code, p, pop in rows}
    where = _where(scope, key)
    values = {code: rates.get(code) for code in areas}
    classes, note, sentence = _classes(
        scope, where, rates.values(), values.values(), "local authorities with anyone dispersed"
    )
    return _map_content(
        data,
        areas,
        values,
        classes,
        map_id="dispersal-map",
        title=f"People in dispersal accommodation per 10,000 residents, {where}, {label}",
        unit=["people dispersed", "per 10,000 residents"],
        caption=f"People in Home Office dispersal accommodation per 10,000 residents (ONS mid-2020 population) "
        f"in each local authority of {where} at {label}.{sentence} Hatched: no data."
        + (" London is enlarged beside the map." if scope == "index" else ""),
        value_headers=("People in dispersal accommodation", "Per 10,000 residents"),
        extra=lambda code: [_count(people.get(code))],
        notes=["Scotland and Northern Ireland are mapped on their own pages."] if scope == "index" else [],
        scope=scope,
        class_note=note,
    )


def need_map(data: Published, scope: str, key: str) -> Content | None:
    areas = _areas(data, scope, key)
    rows = data.by(
        "select 'all', area_code, annual_need, all_households_2021 from marts.mart_housing_need_total "
        "where area_type = 'local_authority' and horizon_years = 10 and scenario = 'central'"
    ).get("all", [])  # each LA's total is the median of its summed draws: community medians do not add
    need = {str(code): (n, h) for code, n, h in rows}
    rates = {code: 1000.0 * n / h if n is not None and h else None for code, (n, h) in need.items()}
    values = {code: rates.get(code) for code in areas}
    if not any(v is not None for v in values.values()):
        return None  # no estimates here (e.g. a nation the estimate does not cover)
    where = _where(scope, key)
    classes, note, sentence = _classes(
        scope, where, rates.values(), values.values(), "local authorities with a positive estimate"
    )
    return _map_content(
        data,
        areas,
        values,
        classes,
        map_id="need-map",
        title=f"Estimated housing need per 1,000 households a year, {where} (10 years, central)",
        unit=["households a year", "per 1,000 households"],
        caption=f"Estimated housing need in each local authority of {where}: households a year over the next "
        "10 years (central scenario) per 1,000 households at Census 2021. Below zero (orange) the estimate "
        f"is a surplus.{sentence} Hatched: no estimate."
        + (" London is enlarged beside the map." if scope == "index" else ""),
        value_headers=("Need a year (households)", "Households 2021", "Per 1,000 households"),
        extra=lambda code: [_count(need.get(code, (None, None))[0]), _count(need.get(code, (None, None))[1])],
        notes=["Only English and Welsh local authorities are on this map."] if scope == "index" else [],
        scope=scope,
        class_note=note,
    )


def _count(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _rows(
    areas: Mapping[str, str],
    values: Mapping[str, float | None],
    classes: Classes,
    marked: Mapping[str, str],
    extra: Callable[[str], list[str]],
) -> list[tuple[str, ...]]:
    """The table behind a map: highest first, areas without data last."""
    order = sorted(areas, key=lambda c: (values[c] is None, -(values[c] or 0.0), areas[c]))
    out = []
    for code in order:
        value = values[code]
        out.append(
            (
                areas[code],
                code,
                *extra(code),
                shown(value) if value is not None else NO_DATA,
                classes.bin_of(value).label if value is not None else NO_DATA,
                marked.get(code, "").partition(": ")[2],
            )
        )
    return out


MAP_SECTIONS: list[Section] = [
    Section(
        "dispersal-map",
        "Map: dispersal per 10,000 residents",
        ("mart_dispersal_vs_deprivation", "dim_local_authority"),
        ("index", "region"),
        dispersal_map,
    ),
    Section(
        "need-map",
        "Map: estimated housing need per 1,000 households",
        ("mart_housing_need_total", "dim_local_authority"),
        ("index", "region"),
        need_map,
    ),
]
