"""Where things are in an H-CLIC detailed local authority workbook: which sheets hold tables A2,
A2P and A2R, the quarter a table is for, and the columns of one table.

- Sheets are identified by name, never by title: ``A2 - Apr-Jun 18``, ``A2``, ``A2p``, ``A2P``,
  ``A2R``, ``A2R_``. Titles are read only to cross-check (three relief sheets are named ``A2R_``,
  two of them titled ``Table A2P``).
- The quarter comes from the title (``England, April to June 2018``), cross-checked with the file
  name (``DetailedLA_201806.xlsx``, ``Detailed_LA_202309_fixed.ods``).
- Columns are found by their header text in the rows between the title and the first area row
  (merged header cells keep their text at the column of their data): the area code column holds
  the first GSS code, the name is the next column, and the total and asylum support columns are
  found by name wherever the reason list puts them (column AM to 2023 Q2, column BC from 2023 Q3).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ...errors import ParseError
from ..conventions import GSS_CODE, cell_text, label
from ..publication import month_end

# Canonical table code -> the duty its households are owed.
DUTIES: dict[str, str] = {"A2": "prevention_or_relief", "A2P": "prevention", "A2R": "relief"}
HEADER_SCAN_ROWS = 30
ASYLUM_HEADER = "Required to leave accommodation provided by Home Office as asylum support"
TOTAL_HEADERS: dict[str, str] = {
    "prevention_or_relief": "Total owed a prevention or relief duty",
    "prevention": "Total owed a prevention duty",
    "relief": "Total owed a relief duty",
}

_SHEET = re.compile(r"^\s*(A2[PR]?)_*\s*(?:-.*)?$", re.I)
_TITLE_CODE = re.compile(r"^table\s+(a2[pr]?)\b", re.I)
_QUARTER = re.compile(
    r"\b(january|april|july|october)\s+to\s+(march|june|september|december)\s+(\d{4})\b", re.I
)
_QUARTER_END_MONTHS = {"march": 3, "june": 6, "september": 9, "december": 12}
# MHCLG's names for one quarter's workbook, .xlsx or .ods: DetailedLA_201806, Detailed_LA_202309_fixed
# and, from 2025, Statutory_Homelessness_Detailed_Local_Authority_Data_202506 (year, then month number).
FILE_NAME = (
    r"(?:detailed_?la|statutory_homelessness_detailed_local_authority_data)_(?P<year>\d{4})(?P<month>\d{2})"
)
_FILE_QUARTER = re.compile(FILE_NAME, re.I)
_FOOTNOTE = re.compile(r"\s*\d+$")
_ASYLUM = re.compile(r"^required to leave .*asylum support$")
_TOTAL = re.compile(r"^total owed an? (prevention or relief|prevention|relief) duty$")


@dataclass(frozen=True)
class Table:
    """One A2-family sheet: its name as published, canonical code and duty."""

    sheet: str
    code: str
    duty: str


def table_code(sheet_name: str) -> str | None:
    """``A2``, ``A2P`` or ``A2R`` for a sheet of that table (``A2R_``, ``A2p``, ``A2 - Apr-Jun 18``)."""
    m = _SHEET.match(sheet_name)
    return m[1].upper() if m else None


def find_tables(sheet_names: Sequence[str], file_name: str) -> list[Table]:
    """The A2, A2P and A2R sheets; ParseError when there are none or a table has two sheets."""
    tables: dict[str, Table] = {}
    for sheet in sheet_names:
        code = table_code(sheet)
        if code is None:
            continue
        if code in tables:
            raise ParseError(file_name, f"two sheets hold table {code}: {tables[code].sheet!r} and {sheet!r}")
        tables[code] = Table(sheet, code, DUTIES[code])
    if not tables:
        raise ParseError(
            file_name,
            "no sheet holds table A2, A2P or A2R (households owed a homelessness duty by reason for "
            f"loss of last settled home); sheets: {list(sheet_names)}",
        )
    return [tables[code] for code in DUTIES if code in tables]


def missing_tables(tables: Sequence[Table]) -> str | None:
    """Why the tables found are not a whole release (A2P without A2R or the reverse), or None."""
    codes = {t.code for t in tables}
    for have, lacking in (("A2P", "A2R"), ("A2R", "A2P")):
        if have in codes and lacking not in codes and "A2" not in codes:
            return f"table {have} found without table {lacking}: the file holds only part of the quarter"
    return None


# --------------------------------------------------------------------------------------------
# Titles and quarters


def title_code(title: str) -> str | None:
    """The table code a title names (``Table A2p - ...`` -> ``A2P``)."""
    m = _TITLE_CODE.match(title)
    return m[1].upper() if m else None


def title_duty(title: str) -> str | None:
    """The duty a title describes; A2's titles say ``prevention or relief`` or ``homelessness duty``."""
    text = label(title).casefold()
    if "prevention or relief duty" in text or "homelessness duty" in text:
        return "prevention_or_relief"
    if "prevention duty" in text:
        return "prevention"
    if "relief duty" in text:
        return "relief"
    return None


def title_period(title: str) -> date | None:
    """The end of the quarter a title names (``England, April to June 2018`` -> 2018-06-30)."""
    m = _QUARTER.search(label(title))
    if m is None:
        return None
    return month_end(int(m[3]), _QUARTER_END_MONTHS[m[2].lower()])


def file_period(file_name: str) -> date | None:
    """The end of the quarter a file name names (``Detailed_LA_202309_fixed.ods`` -> 2023-09-30,
    ``Statutory_Homelessness_Detailed_Local_Authority_Data_202506.ods`` -> 2025-06-30)."""
    m = _FILE_QUARTER.search(file_name)
    if m is None or int(m[2]) not in _QUARTER_END_MONTHS.values():
        return None
    return month_end(int(m[1]), int(m[2]))


# --------------------------------------------------------------------------------------------
# Columns


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index (0 -> A, 38 -> AM)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def header_text(value: Any) -> str:
    """A header cell as published, white space collapsed (line breaks, non-breaking spaces) and a
    trailing footnote number dropped (``Total owed a prevention duty1``)."""
    return _FOOTNOTE.sub("", label(value))


@dataclass(frozen=True)
class Layout:
    """Where one table's parts are; rows 1-based as a person sees them, columns 0-based."""

    title: str | None
    title_row: int | None
    header_rows: tuple[int, int]
    first_data_row: int
    code_column: int
    name_column: int
    total_column: int
    total_header: str
    total_duty: str
    asylum_column: int
    asylum_header: str


@dataclass(frozen=True)
class _Match:
    column: int
    row: int
    text: str


def _first_area(values: Sequence[Sequence[Any]]) -> tuple[int, int] | None:
    """(row index, column) of the first GSS code in the first HEADER_SCAN_ROWS rows."""
    for i, cells in enumerate(values[:HEADER_SCAN_ROWS]):
        for j, cell in enumerate(cells):
            if isinstance(cell, str) and GSS_CODE.match(cell.strip().upper()):
                return i, j
    return None


def _title(values: Sequence[Sequence[Any]], before: int) -> tuple[int, str] | None:
    """(row number, text) of the first cell starting ``Table`` above the first area row."""
    for i, cells in enumerate(values[:before]):
        for cell in cells:
            text = cell_text(cell)
            if text.casefold().startswith("table"):
                return i + 1, text
    return None


def _only(matches: list[_Match], what: str, table: Table, file_name: str) -> _Match | None:
    """The one column ``matches`` point at (a header can sit on two rows of one column)."""
    columns = sorted({m.column for m in matches})
    if len(columns) > 1:
        where = ", ".join(
            f"{column_letter(c)} ({next(m.text for m in matches if m.column == c)!r})" for c in columns
        )
        raise ParseError(
            file_name,
            f"sheet {table.sheet!r}: several columns are headed like {what!r}: {where}",
            row=matches[0].row,
        )
    return matches[0] if matches else None


def find_layout(values: Sequence[Sequence[Any]], table: Table, file_name: str) -> Layout:
    """The layout of one A2-family sheet, or ParseError naming the sheet and what is missing."""
    area = _first_area(values)
    if area is None:
        raise ParseError(
            file_name,
            f"sheet {table.sheet!r}: no area row (a GSS code such as 'E92000001' for England) in the "
            f"first {HEADER_SCAN_ROWS} rows",
        )
    data_index, code_column = area
    title = _title(values, data_index)
    first_header = title[0] + 1 if title else 1
    header_rows = (first_header, data_index)
    asylum: list[_Match] = []
    total: list[_Match] = []
    for i in range(first_header - 1, data_index):
        for j, cell in enumerate(values[i]):
            text = header_text(cell)
            key = text.casefold()
            if _ASYLUM.match(key):
                asylum.append(_Match(j, i + 1, text))
            elif _TOTAL.match(key):
                total.append(_Match(j, i + 1, text))
    found_asylum = _only(asylum, ASYLUM_HEADER, table, file_name)
    found_total = _only(total, TOTAL_HEADERS[table.duty], table, file_name)
    for found, expected, other in (
        (found_total, TOTAL_HEADERS[table.duty], found_asylum),
        (found_asylum, ASYLUM_HEADER, found_total),
    ):
        if found is None:
            raise ParseError(
                file_name,
                f"sheet {table.sheet!r}: no column headed {expected!r} in header rows "
                f"{header_rows[0]}-{header_rows[1]}",
                row=other.row if other else header_rows[0],
                column=expected,
            )
    assert found_total is not None and found_asylum is not None
    m = _TOTAL.match(found_total.text.casefold())
    assert m is not None
    return Layout(
        title=title[1] if title else None,
        title_row=title[0] if title else None,
        header_rows=header_rows,
        first_data_row=data_index + 1,
        code_column=code_column,
        name_column=code_column + 1,
        total_column=found_total.column,
        total_header=found_total.text,
        total_duty=m[1].replace(" ", "_"),
        asylum_column=found_asylum.column,
        asylum_header=found_asylum.text,
    )
