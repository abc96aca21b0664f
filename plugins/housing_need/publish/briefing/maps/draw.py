"""Choropleth maps of local authorities as inline SVG: no JavaScript, no tiles, no CDN, so the pages
work offline and print.

:func:`choropleth` takes plain mappings (``{lad_code: value}``) and is tested on its own; the sections
that read the marts and call it are in ``sections/maps.py``. Every LA shape is ``<path class="area"
data-lad-code=... data-value=... data-class=... fill=...>`` with a ``<title>`` tooltip, so tests can read
what is drawn. Each area is reachable by keyboard: a link to its page (or a focusable shape) announced as
"name: value unit". The highest areas are named on the map (labels.py); an inset can enlarge some areas
beside the map, under the legend (legend.py). The SVG is written here rather than from a template: its
text is laid out with the font metrics of ``svg.py``, and every text drawn goes through ``escape``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from html import escape

from .. import svg
from .classes import Bin, Classes, shown
from .frame import PAD, SIMPLIFY_PX, WIDTH, Box, Frame, extent, outline
from .geometry import Boundary
from .labels import name_labels
from .legend import LEGEND_GAP, LEGEND_W, NO_DATA, legend, legend_text

TOP_AREAS = 5  # how many of the highest areas a map names


@dataclass(frozen=True)
class _Style:
    """How a map draws its areas: their values and classes, names, marks and links."""

    boundaries: Mapping[str, Boundary]
    values: Mapping[str, float | None]
    classes: Classes
    map_id: str
    unit: list[str]
    names: Mapping[str, str]
    marked: Mapping[str, str]
    links: Mapping[str, str]

    @property
    def no_data_fill(self) -> str:
        return f"url(#{self.map_id}-nodata)"

    def name(self, code: str) -> str:
        return self.names.get(code) or self.boundaries[code].name

    def tip(self, code: str) -> str:
        value = self.values[code]
        note = f"; {self.marked[code]}" if code in self.marked else ""
        return f"{self.name(code)}: {NO_DATA if value is None else f'{shown(value)} {self.unit[-1]}'}{note}"

    def shape(self, code: str, d: str, *, canonical: bool, focusable: bool) -> str:
        """An area's path (the canonical one carries its data), focusable or hidden from the
        accessibility tree (its enlarged copy in the inset is the one announced)."""
        value = self.values[code]
        if value is None:
            attrs, fill = 'data-class="none"', self.no_data_fill
        else:
            b = self.classes.bin_of(value)
            attrs, fill = f'data-value="{shown(value)}" data-class="{b.index}"', b.fill
        css = ("area" if canonical else "inset-area") + (" marked" if code in self.marked else "")
        own = f'class="{css}" data-lad-code="{escape(code)}" {attrs} fill="{fill}" d="{d}"'
        tip = escape(self.tip(code))  # quotes escaped too: it is also the aria-label
        if not focusable:
            return f'<path {own} aria-hidden="true"><title>{tip}</title></path>'
        if code in self.links:
            return (
                f'<a href="{escape(self.links[code])}" aria-label="{tip}">'
                f"<path {own}><title>{tip}</title></path></a>"
            )
        return f'<path {own} tabindex="0" role="img" aria-label="{tip}"><title>{tip}</title></path>'


@dataclass
class _Areas:
    """The map's own areas drawn: plain shapes, outlined (marked) ones, their symbols, and how many
    areas each class and no data have."""

    shapes: list[str]
    outlines: list[str]
    symbols: list[str]
    counts: dict[int, int]
    missing: int


def _areas(style: _Style, frame: Frame, drawn: list[str], enlarged: list[str], tolerance: float) -> _Areas:
    out = _Areas([], [], [], {b.index: 0 for b in style.classes.bins()}, 0)
    for code in sorted(drawn, key=lambda c: c in style.marked):  # marked last: their outline stays on top
        value = style.values[code]
        if value is None:
            out.missing += 1
        else:
            b = style.classes.bin_of(value)
            out.counts[b.index] = out.counts.get(b.index, 0) + 1
        d = outline(style.boundaries[code], frame, tolerance)
        (out.outlines if code in style.marked else out.shapes).append(
            style.shape(code, d, canonical=True, focusable=code not in enlarged)
        )
        if code in style.marked:
            x, y = frame.point(*style.boundaries[code].point)
            out.symbols.append(
                f'<use class="marker" data-lad-code="{escape(code)}" href="#{style.map_id}-mark" '
                f'x="{x:.0f}" y="{y:.0f}"/>'
            )
    return out


def _context(
    boundaries: Mapping[str, Boundary], frame: Frame, tolerance: float, skip: Collection[str]
) -> list[str]:
    """The other districts inside a frame, cut to it: drawn in grey, without data."""
    return [
        f'<path d="{d}"/>'
        for code, boundary in boundaries.items()
        if code not in skip and frame.overlaps(boundary.bbox)
        for d in [outline(boundary, frame, tolerance, frame.box)]
        if d
    ]


@dataclass
class _Inset:
    frame: Frame
    box: Box
    parts: list[str]


def _inset(style: _Style, frame: Frame, enlarged: list[str], name: str, x0: int, y: int) -> _Inset:
    """The enlarged areas under the legend (which ends at ``y``), framed, with their name above, and their
    extent outlined on the map."""
    boundaries, map_id = style.boundaries, style.map_id
    area = extent(boundaries, enlarged)
    ix, iy, iw = x0, y + 26, WIDTH - PAD - x0
    ih = min(iw * (area[3] - area[1]) / (area[2] - area[0]), 260)
    inset = Frame(area, (ix, iy, iw, ih))
    tolerance = SIMPLIFY_PX / inset.scale
    copies = [
        style.shape(code, outline(boundaries[code], inset, tolerance), canonical=False, focusable=True)
        for code in sorted(enlarged, key=lambda c: c in style.marked)
    ]
    ex0, ey0 = frame.point(area[0], area[3])
    ex1, ey1 = frame.point(area[2], area[1])
    parts = [
        f'<rect class="inset-extent" x="{ex0 - 1:.1f}" y="{ey0 - 1:.1f}" width="{ex1 - ex0 + 2:.1f}" '
        f'height="{ey1 - ey0 + 2:.1f}" fill="none" stroke="#0b0c0c" stroke-width="1"/>',
        legend_text(ix, iy - 8, [f"{name}, enlarged"]),
        f'<clipPath id="{map_id}-inset"><rect x="{ix}" y="{iy}" width="{inset.width:.1f}" '
        f'height="{inset.height:.1f}"/></clipPath>',
        f'<g class="context" fill="#e8e9ea" stroke="#fff" stroke-width="0.5" clip-path="url(#{map_id}-inset)">'
        + "".join(_context(boundaries, inset, tolerance, enlarged))
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
            if code in style.marked
            for px, py in [inset.point(*boundaries[code].point)]
        )
        + "</g>",
        f'<rect x="{ix}" y="{iy}" width="{inset.width:.1f}" height="{inset.height:.1f}" '
        'fill="none" stroke="#505a5f" stroke-width="1"/>',
    ]
    return _Inset(inset, (ix, iy, ix + inset.width, iy + inset.height), parts)


def _labels(
    style: _Style,
    frame: Frame,
    ranked: list[str],
    inset: _Inset | None,
    enlarged: list[str],
    legend_box: Box,
    room: float,
) -> list[str]:
    """The names of the highest areas: in the inset for its areas, on the map (clear of the legend and
    the inset) for the others."""
    bottom = max(frame.height + 2 * PAD, legend_box[3], inset.box[3] + PAD if inset else 0) - svg.EDGE
    picture: Box = (svg.EDGE, svg.EDGE, WIDTH - svg.EDGE, bottom)
    beside = [legend_box] + (
        [(inset.box[0] - 4, inset.box[1] - 24, WIDTH, inset.box[3] + 4)] if inset else []
    )
    wanted: list[tuple[str, tuple[float, float], Box, list[Box]]] = []
    for code in ranked:
        point = style.boundaries[code].point
        if inset is not None and code in enlarged:
            wanted.append((style.name(code), inset.frame.point(*point), inset.box, []))
        else:
            wanted.append((style.name(code), frame.point(*point), picture, beside))
    return name_labels(wanted, width=room)


def _describe(
    style: _Style,
    drawn: list[str],
    areas: _Areas,
    bins: list[Bin],
    *,
    class_note: str,
    marked_label: list[str],
    inset: str,
    ranked: list[str],
) -> str:
    """The map in words: its <desc>."""
    return (
        f"{len(drawn)} local authorities coloured by {' '.join(style.unit)} in {len(bins)} classes, darker is "
        "higher"
        + (f" ({class_note})" if class_note else "")
        + (f"; {areas.missing} without data (hatched)" if areas.missing else "")
        + (
            f"; {len(areas.outlines)} outlined with a ringed dot: {' '.join(marked_label)}"
            if marked_label
            else ""
        )
        + (f"; {inset} enlarged beside the map" if inset else "")
        + (
            f"; the {len(ranked)} highest named: "
            + ", ".join(f"{style.name(c)} {shown(style.values[c] or 0.0)}" for c in ranked)
            if ranked
            else ""
        )
        + ". Each area is a link or a focusable shape that reads its name and value; "
        "the table below the map has every number."
    )


def _svg(
    style: _Style,
    *,
    title: str,
    desc: str,
    height: int,
    frame: Frame,
    others: list[str],
    areas: _Areas,
    legend: list[str],
    inset: list[str],
    labels: list[str],
) -> str:
    map_id = style.map_id
    focus = (  # the focused area is drawn with a heavy outline (the page's focus ring goes round it too)
        f"<style>#{map_id}-svg a:focus path, #{map_id}-svg path:focus {{ stroke: #0b0c0c; "
        "stroke-width: 3; }</style>"
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="group" '
            f'aria-label="{escape(title)}" class="chart map" id="{escape(map_id)}-svg">',
            f"{svg.described(title, desc)}{focus}",
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
            *areas.shapes,
            '<g class="outlined" stroke="#0b0c0c" stroke-width="1.6">',
            *areas.outlines,
            "</g></g>",
            f'<g class="markers" pointer-events="none">{"".join(areas.symbols)}</g>',
            *legend,
            *inset,
            f'<g class="names" aria-hidden="true" pointer-events="none">{"".join(labels)}</g>',
            "</svg>",
        ]
    )


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
    style = _Style(boundaries, values, classes, map_id, unit, names or {}, marked or {}, links or {})
    drawn = [code for code in values if code in boundaries]
    if not drawn:
        return ""
    frame = Frame(extent(boundaries, drawn))
    tolerance = SIMPLIFY_PX / frame.scale  # metres
    enlarged = [c for c in (inset[1] if inset else ()) if c in drawn]
    areas = _areas(style, frame, drawn, enlarged, tolerance)
    bins = classes.bins()
    ranked = sorted((c for c in drawn if values[c] is not None), key=lambda c: -(values[c] or 0.0))[:top]
    x0 = min(round(PAD + frame.width + LEGEND_GAP), WIDTH - LEGEND_W)  # the legend, beside the map
    keys = [(b.fill, f"{b.label} ({areas.counts.get(b.index, 0)})") for b in bins]
    keys.append((style.no_data_fill, f"{NO_DATA} ({areas.missing})"))
    legend_parts, y = legend(
        x0,
        unit=unit,
        class_note=class_note,
        keys=keys,
        marked_label=marked_label or [],
        outlined=len(areas.outlines),
        named=len(ranked),
        map_id=map_id,
    )
    shown_inset = _inset(style, frame, enlarged, inset[0], x0, y) if enlarged and inset else None
    labels = _labels(style, frame, ranked, shown_inset, enlarged, (x0 - 4, 0, WIDTH, y), WIDTH - PAD - x0)
    height = math.ceil(max(frame.height + 2 * PAD, y + PAD, (shown_inset.box[3] + PAD) if shown_inset else 0))
    desc = _describe(
        style,
        drawn,
        areas,
        bins,
        class_note=class_note,
        marked_label=marked_label or [],
        inset=inset[0] if shown_inset and inset else "",
        ranked=ranked,
    )
    return _svg(
        style,
        title=title,
        desc=desc,
        height=height,
        frame=frame,
        others=_context(boundaries, frame, tolerance, values) if context else [],
        areas=areas,
        legend=legend_parts,
        inset=shown_inset.parts if shown_inset else [],
        labels=labels,
    )
