"""A map's frame: metres on the grid fitted into pixels, and the districts' outlines as compact SVG path
data (whole pixels, relative moves), simplified to half a pixel and cut to a rectangle where asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from .geometry import Array, Boundary, simplify

WIDTH = 640
PAD = 8
MAP_W, MAP_H = 420, 560  # the map fits inside this box, keeping its shape
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


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


def path_data(rings: Iterable[Array]) -> str:
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


class Frame:
    """Metres on the grid to pixels: the areas' extent fitted into a box (x, y, width, height) of the
    picture, north up."""

    def __init__(
        self,
        bbox: Box,
        box: Box = (PAD, PAD, MAP_W, MAP_H),
    ) -> None:
        self.e0, self.n0, self.e1, self.n1 = bbox
        self.x, self.y = box[0], box[1]
        self.scale = min(box[2] / max(self.e1 - self.e0, 1.0), box[3] / max(self.n1 - self.n0, 1.0))
        self.width = (self.e1 - self.e0) * self.scale
        self.height = (self.n1 - self.n0) * self.scale

    @property
    def box(self) -> Box:
        """The fitted map's pixels: x0, y0, x1, y1."""
        return self.x, self.y, self.x + self.width, self.y + self.height

    def px(self, ring: Array) -> Array:
        return np.column_stack(
            [self.x + (ring[:, 0] - self.e0) * self.scale, self.y + (self.n1 - ring[:, 1]) * self.scale]
        )

    def point(self, east: float, north: float) -> tuple[float, float]:
        return self.x + (east - self.e0) * self.scale, self.y + (self.n1 - north) * self.scale

    def overlaps(self, bbox: Box) -> bool:
        return bbox[0] < self.e1 and bbox[2] > self.e0 and bbox[1] < self.n1 and bbox[3] > self.n0


def extent(boundaries: Mapping[str, Boundary], codes: Iterable[str]) -> Box:
    boxes = [boundaries[c].bbox for c in codes]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def clip(ring: Array, box: Box) -> Array:
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


def outline(boundary: Boundary, frame: Frame, tolerance: float, box: Box | None = None) -> str:
    """The path data of a district in ``frame``, simplified to ``tolerance`` metres, cut to ``box`` if given."""
    rings = (
        frame.px(simplify(ring, fixed, tolerance))
        for ring, fixed in zip(boundary.rings, boundary.fixed, strict=True)
    )
    return path_data(clip(r, box) for r in rings) if box else path_data(rings)
