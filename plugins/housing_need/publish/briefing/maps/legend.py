"""A map's legend, beside the map: what is mapped, what the classes are, each class with how many areas
of the map are in it, no data, the outlined areas' symbol and the named areas' dot; every line wrapped to
the room there is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from .. import svg
from .frame import PAD, WIDTH

LEGEND_GAP, LEGEND_W = 24, 190  # the legend: its distance from the map, its width
LEGEND_SIZE, LEGEND_LEADING = svg.LEGEND, 14  # legend text size and the distance between its lines
LINE = 18  # from one class's key to the next
NO_DATA = "no data"


def legend_text(x: float, y: float, lines: list[str]) -> str:
    spans = "".join(
        f'<tspan x="{x:.0f}" dy="{0 if i == 0 else LEGEND_LEADING}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="legend" x="{x:.0f}" y="{y:.0f}">{spans}</text>'


def _wrapped(lines: Iterable[str], width: float) -> list[str]:
    return [part for line in lines for part in svg.wrap(line, width, LEGEND_SIZE)]


def legend(
    x0: int,
    *,
    unit: list[str],
    class_note: str,
    keys: Sequence[tuple[str, str]],
    marked_label: list[str],
    outlined: int,
    named: int,
    map_id: str,
) -> tuple[list[str], int]:
    """The legend's parts from ``x0`` to the picture's right edge, and where it ends (y). ``keys`` are the
    classes' (fill, text), no data last; ``marked_label`` the lines saying what the ``outlined`` areas are;
    ``named`` how many areas the map names."""
    room = WIDTH - PAD - x0
    heading = _wrapped(unit, room)
    parts, y = [legend_text(x0, PAD + 12, heading)], PAD + 12 + LEGEND_LEADING * len(heading)
    if class_note:  # a block of its own, a little apart from the heading
        note = _wrapped([class_note], room)
        parts.append(legend_text(x0, y + 4, note))
        y += 4 + LEGEND_LEADING * len(note)
    y += 8
    for fill, text in keys:
        lines = _wrapped([text], room - 20)
        parts.append(
            f'<rect x="{x0}" y="{y}" width="14" height="14" fill="{fill}" stroke="#b1b4b6" stroke-width="0.5"/>'
            + legend_text(x0 + 20, y + 11, lines)
        )
        y += LINE + LEGEND_LEADING * (len(lines) - 1)
    if marked_label:
        y += 6
        lines = _wrapped([*marked_label[:-1], f"{marked_label[-1]} ({outlined})"], room - 20)
        parts.append(
            f'<rect x="{x0}" y="{y}" width="14" height="14" fill="#fff" stroke="#0b0c0c" stroke-width="1.6"/>'
            f'<use href="#{map_id}-mark" x="{x0 + 7}" y="{y + 7}"/>' + legend_text(x0 + 20, y + 11, lines)
        )
        y += LEGEND_LEADING * len(lines) + 4
    if named:
        y += 6
        lines = _wrapped([f"Named: the {named} highest"], room - 20)
        parts.append(
            f'<circle cx="{x0 + 7}" cy="{y + 7}" r="1.6" fill="#0b0c0c"/>'
            + legend_text(x0 + 20, y + 11, lines)
        )
        y += LEGEND_LEADING * len(lines) + 4
    return parts, y
