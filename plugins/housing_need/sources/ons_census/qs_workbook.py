"""ONS 2011 Quick Statistics workbooks (``QS203EW`` .xls/.xlsx, sheet ``<table>_Numbers``).

Header row starting ``Area code``, then ``Persons``/``Number`` rows, data until the footnotes.
Level from the GSS code prefix (K04/E92/W92 ctry, E12 rgn, E10/E11/E13 county, E06/E07/E08/
E09/W06 ltla), cross-checked against the column the name is indented into. Note E11
(metropolitan counties) and E13 (Inner/Outer London) sit at the workbook's county level and are
given ``county``. Headers ``Europe: Total`` name the subtotal ``Europe``; ``All categories: ...``
is the total.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...errors import ParseError
from ..conventions import GSS_CODE, Workbook, cell_text, label
from ..spec import ParseResult
from .cells import Cells, cells_result, check_duplicate_headers, release_name
from .hierarchy import build_hierarchy

# Level by code prefix, and the column (1-3) the area name is indented into.
QS_LEVEL_BY_PREFIX: dict[str, tuple[str, int]] = {
    "K04": ("ctry", 1),
    "E92": ("ctry", 1),
    "W92": ("ctry", 1),
    "E12": ("rgn", 1),
    "E10": ("county", 2),
    "E11": ("county", 2),
    "E13": ("county", 2),
    "E06": ("ltla", 2),
    "E07": ("ltla", 3),
    "E08": ("ltla", 3),
    "E09": ("ltla", 3),
    "W06": ("ltla", 3),
}
_QS_TABLE = re.compile(r"(qs\d{3}ew|ks\d{3}ew)", re.I)
HEADER_SCAN_ROWS = 30


def parse_qs_workbook(content: bytes, file_name: str) -> ParseResult:
    """Cells of a 2011 QS/KS workbook's ``<table>_Numbers`` sheet, down to its footnotes."""
    workbook = Workbook(content, file_name)
    sheet, table = _numbers_sheet(workbook, file_name)
    values = workbook.rows(sheet)
    header_at = _header_index(values, sheet, file_name)
    header = [label(c) for c in values[header_at]]
    header_row = header_at + 1
    check_duplicate_headers(header, file_name, header_row)
    value_positions = [i for i, h in enumerate(header) if i >= 2 and h]
    if not value_positions or header[1].casefold() != "area name":
        raise ParseError(
            file_name,
            "header not recognised: expected 'Area code', 'Area name', then categories",
            row=header_row,
        )
    name_positions = list(range(1, value_positions[0]))
    hierarchy = build_hierarchy(
        _category_entries(header, value_positions), file_name=file_name, table=table, row=header_row
    )
    cells = Cells(file_name, table, hierarchy)
    index = _first_area_index(values, header_at, value_positions, sheet, file_name)

    footnote_at: int | None = None
    for i in range(index, len(values)):
        row = list(values[i]) + [""] * (len(header) - len(values[i]))
        row_number = i + 1
        first = cell_text(row[0])
        cell_values = [row[p] for p in value_positions]
        has_values = any(cell_text(v) for v in cell_values)
        if not first and not has_values:
            continue
        if not has_values and not GSS_CODE.match(first):
            footnote_at = row_number
            break
        record = {h or f"column {n + 1}": cell_text(row[n]) for n, h in enumerate(header)}
        names = [(p, cell_text(row[p])) for p in name_positions if cell_text(row[p])]
        level, problem = _area_level(first, names)
        cells.add(
            [row_number] * len(value_positions),
            year=2011,
            level=level,
            level_problem=problem,
            code=first,
            name=names[0][1] if names else None,
            values=cell_values,
            record=record,
            code_column=header[0],
            year_column=None,
        )
    if cells.areas == 0:
        raise ParseError(file_name, f"sheet {sheet!r}: no area rows below the header", row=header_row)
    notes = [f"sheet {sheet!r}: header on row {header_row}, {len(value_positions)} categories"]
    if footnote_at:
        notes.append(
            f"data block ends at row {footnote_at} (footnotes: {cell_text(values[footnote_at - 1][0])!r})"
        )
    published = {"geography_code": header[0], "geography_name": header[1]}
    return cells_result([cells], release_name(2011, table), "ons_2011_qs_workbook", notes, published)


def _numbers_sheet(workbook: Workbook, file_name: str) -> tuple[str, str]:
    """The workbook's one ``<table>_Numbers`` sheet and the 2011 QS/KS table it names."""
    sheets = workbook.sheet_names
    numbers = [s for s in sheets if s.strip().lower().endswith("_numbers")]
    if len(numbers) != 1:
        raise ParseError(file_name, f"expected one '<table>_Numbers' sheet; sheets: {sheets}")
    sheet = numbers[0]
    table = sheet.strip()[: -len("_numbers")].upper()
    if not _QS_TABLE.fullmatch(table):
        raise ParseError(file_name, f"sheet {sheet!r} does not name a 2011 QS/KS table")
    return sheet, table


def _header_index(values: Sequence[Sequence[Any]], sheet: str, file_name: str) -> int:
    """The index of the ``Area code`` header row within the first ``HEADER_SCAN_ROWS`` rows."""
    header_at = next(
        (
            i
            for i, row in enumerate(values[:HEADER_SCAN_ROWS])
            if row and label(row[0]).casefold() == "area code"
        ),
        None,
    )
    if header_at is None:
        raise ParseError(
            file_name, f"sheet {sheet!r}: no 'Area code' header row in the first {HEADER_SCAN_ROWS} rows"
        )
    return header_at


def _category_entries(header: list[str], value_positions: list[int]) -> list[tuple[str, list[str] | None]]:
    """(header, category path) per value column: ``All categories: ...`` is the total (None) and
    ``Europe: Total`` names the subtotal ``Europe``."""
    entries: list[tuple[str, list[str] | None]] = []
    for i in value_positions:
        h = header[i]
        if h.casefold().startswith("all categories") or h.casefold() == "all usual residents":
            entries.append((h, None))
            continue
        segments = [s.strip() for s in h.split(": ")]
        if len(segments) > 1 and segments[-1].casefold() == "total":
            segments = segments[:-1]
        entries.append((h, segments))
    return entries


def _first_area_index(
    values: Sequence[Sequence[Any]], header_at: int, value_positions: list[int], sheet: str, file_name: str
) -> int:
    """The index of the first row below the header's unit rows (``Persons``, ``Number``); refuses
    a sheet whose units are percentages or ranks, not counts."""
    header_row = header_at + 1
    units: list[str] = []
    index = header_at + 1
    while index < len(values) and not (values[index] and cell_text(values[index][0])):
        units.extend(cell_text(values[index][i]) for i in value_positions[:1] if i < len(values[index]))
        index += 1
    if any(u.casefold() in ("percentage", "percent", "rank") for u in units):
        raise ParseError(file_name, f"sheet {sheet!r} holds {units} not counts", row=header_row + 1)
    return index


def _area_level(code: str, names: list[tuple[int, str]]) -> tuple[str | None, str | None]:
    """The geography level of a GSS code by its prefix, and why it cannot be trusted (an unknown
    prefix, or the name indented into another column than the level's), or None."""
    level: str | None = None
    problem: str | None = None
    if GSS_CODE.match(code):
        known = QS_LEVEL_BY_PREFIX.get(code[:3])
        if known is None:
            problem = f"unknown area code prefix {code[:3]!r} in {code!r}"
        else:
            level, indent = known
            if names and names[0][0] != indent:
                problem = (
                    f"area {code} ({level}) has its name in column {names[0][0] + 1}, "
                    f"expected column {indent + 1}"
                )
    return level, problem
