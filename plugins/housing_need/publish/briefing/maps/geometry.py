"""The map geometry: the bundled local authority districts, their shared borders, and simplification.

The boundaries are the ONS local authority districts of December 2024 (ultra-generalised, clipped),
bundled in ``boundaries/`` already on the British National Grid (eastings and northings in metres,
EPSG:27700): projected once, with the datum shift, when they were bundled (``boundaries/bundle.py``;
README.md there: source, licence, how, checksums), so nothing is projected at run time. Neighbouring
districts list their shared border vertex for vertex; :func:`simplify` keeps those borders identical on
both sides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

BOUNDARIES = (
    Path(__file__).resolve().parent.parent
    / "boundaries"
    / "Local_Authority_Districts_December_2024_Boundaries_UK_BUC_BNG.geojson"
)
ATTRIBUTION = (
    "Map boundaries: Source: Office for National Statistics licensed under the Open Government Licence "
    "v.3.0. Contains OS data © Crown copyright and database right 2024."
)

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Boundary:
    """One local authority district on the grid: its rings (outer rings and holes alike, drawn with the
    even-odd rule; open, the closing point dropped) as (n, 2) arrays of eastings and northings in
    metres, and for each ring which vertices are *fixed*: where the districts sharing the boundary
    change (a border meets the coast or a third district, or one side has a vertex the other has not),
    and the vertices of rings too small to simplify. Simplifying only between fixed vertices keeps
    neighbours' shared borders identical, so no gaps open between them."""

    code: str
    name: str
    rings: tuple[Array, ...]
    fixed: tuple[npt.NDArray[np.bool_], ...]
    point: tuple[float, float]  # an internal point (the file's POINT_E/POINT_N): where a symbol goes
    bbox: tuple[float, float, float, float]  # min E, min N, max E, max N


Vertex = tuple[float, float]


@dataclass
class _Topology:
    """Which districts each vertex and each edge (either direction) is on, and the vertices of rings too
    small to simplify."""

    owners: dict[Vertex, set[int]] = field(default_factory=dict)
    edges: dict[frozenset[Vertex], set[int]] = field(default_factory=dict)
    pinned: set[Vertex] = field(default_factory=set)

    def add(self, number: int, rings: list[list[Vertex]]) -> None:
        for ring in rings:
            for i, vertex in enumerate(ring):
                self.owners.setdefault(vertex, set()).add(number)
                self.edges.setdefault(frozenset((vertex, ring[i - 1])), set()).add(number)
            if len(ring) <= 3:
                self.pinned.update(ring)

    def fixed(self, ring: list[Vertex]) -> npt.NDArray[np.bool_]:
        """A vertex is fixed unless both its edges belong to exactly the districts the vertex is on."""
        before = [self.edges[frozenset((v, ring[i - 1]))] for i, v in enumerate(ring)]
        return np.array(
            [
                v in self.pinned or not self.owners[v] == before[i] == before[(i + 1) % len(ring)]
                for i, v in enumerate(ring)
            ],
            dtype=bool,
        )


def _features(path: Path) -> list[tuple[dict, list[list[Vertex]]]]:
    """(properties, rings) of each feature of a GeoJSON file of Polygons and MultiPolygons; each ring open
    (its closing point dropped)."""
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"map boundaries not found at {path}: the package ships this file "
            "(plugins/housing_need/publish/briefing/boundaries/); reinstall the package or restore it"
        ) from exc
    out = []
    for number, feature in enumerate(collection["features"]):
        props, geometry = feature["properties"], feature["geometry"]
        kind = geometry["type"]
        if kind not in ("Polygon", "MultiPolygon"):
            raise ValueError(
                f"{path}: feature {number + 1} ({props.get('LAD24CD')}) is a {kind}, not a polygon"
            )
        polygons = [geometry["coordinates"]] if kind == "Polygon" else geometry["coordinates"]
        out.append(
            (
                props,
                [
                    [(float(x), float(y)) for x, y, *_ in ring[:-1]]
                    for polygon in polygons
                    for ring in polygon
                ],
            )
        )
    return out


@lru_cache(maxsize=2)
def load_boundaries(path: Path = BOUNDARIES) -> Mapping[str, Boundary]:
    """The districts of a GeoJSON file like the bundled one (properties LAD24CD, LAD24NM, POINT_E, POINT_N;
    Polygons and MultiPolygons in British National Grid metres), by code. Read once per process."""
    features = _features(path)
    topology = _Topology()
    for number, (_, rings) in enumerate(features):
        topology.add(number, rings)
    out: dict[str, Boundary] = {}
    for props, rings in features:
        sizes = np.cumsum([len(r) for r in rings])[:-1]
        joined = np.asarray([v for ring in rings for v in ring], dtype=np.float64)
        east, north = joined[:, 0], joined[:, 1]
        out[str(props["LAD24CD"])] = Boundary(
            code=str(props["LAD24CD"]),
            name=str(props["LAD24NM"]),
            rings=tuple(np.split(np.column_stack([east, north]), sizes)),
            fixed=tuple(topology.fixed(ring) for ring in rings),
            point=(float(props["POINT_E"]), float(props["POINT_N"])),
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
