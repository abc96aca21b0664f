"""An independent reader of the bundled H-CLIC workbooks for tests: calamine directly and a plain scan
for the header text, sharing no code with the parser (housing_need.sources.mhclg_homelessness)."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

ASYLUM = "Required to leave accommodation provided by Home Office as asylum support"
LA_PREFIXES = ("E06", "E07", "E08", "E09")
_TABLE = {"A2": "A2", "A2P": "A2P", "A2R": "A2R"}


def _column(values: list[list[Any]], starts: str) -> int:
    for row in values[:10]:
        for j, cell in enumerate(row):
            if isinstance(cell, str) and cell.startswith(starts):
                return j
    raise AssertionError(f"no header starting {starts!r}")


def _count(cell: Any) -> int | None:
    return int(cell) if isinstance(cell, float) else None


@functools.cache
def la_values(path: Path) -> dict[str, dict[str, tuple[int | None, int | None]]]:
    """Per table (A2, A2P, A2R): LA code -> (households owed the duty, asylum support), None for '..'."""
    book = CalamineWorkbook.from_path(str(path))
    tables: dict[str, dict[str, tuple[int | None, int | None]]] = {}
    for sheet in book.sheet_names:
        match = re.fullmatch(r"(A2[pPR]?)_?( - .*)?", sheet)
        if not match:
            continue
        values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        asylum, owed = _column(values, ASYLUM), _column(values, "Total owed")
        tables[_TABLE[match.group(1).upper()]] = {
            row[0]: (_count(row[owed]), _count(row[asylum]))
            for row in values
            if isinstance(row[0], str) and row[0].startswith(LA_PREFIXES)
        }
    return tables


# ------------------------------------------------------------------------------------------------
# Later deliveries built from a recorded workbook

# ONS's April 2025 codes (dbt_project/seeds/reference/ref_lad_code_changes.csv): what MHCLG's
# detailed LA tables carry for Barnsley and Sheffield from the January-March 2025 quarter on.
APRIL_2025_CODES = {"E08000016": "E08000038", "E08000019": "E08000039"}
_QUARTER_TEXT = re.compile(r"(January|April|July|October) to (March|June|September|December) (\d{4})")
_QUARTER_WORDS = {
    3: "January to March",
    6: "April to June",
    9: "July to September",
    12: "October to December",
}


def later_delivery(recorded: Path, year: int, month: int, recode: dict[str, str]) -> bytes:
    """The recorded workbook's cover and A2-family sheets as MHCLG would publish a later quarter, as
    .xlsx: every cell as recorded except the quarter in the titles (``England, April to June 2025``)
    and the area codes in column A given new codes by ``recode``. A test delivery built from real
    rows (the recorded quarter's figures under a later date), never published data."""
    from openpyxl import Workbook

    book = CalamineWorkbook.from_path(str(recorded))
    out = Workbook()
    out.remove(out.active)
    words = f"{_QUARTER_WORDS[month]} {year}"
    for sheet in book.sheet_names:
        if sheet != "Contents" and not re.fullmatch(r"(A2[pPR]?)_?( - .*)?", sheet):
            continue
        target = out.create_sheet(sheet)
        for row in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False):
            cells: list[Any] = []
            for j, cell in enumerate(row):
                if isinstance(cell, str):
                    cell = _QUARTER_TEXT.sub(words, cell)
                    if j == 0:
                        cell = recode.get(cell, cell)
                cells.append(None if cell == "" else cell)
            target.append(cells)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
