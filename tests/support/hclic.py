"""An independent reader of the bundled H-CLIC workbooks for tests: calamine directly and a plain scan
for the header text, sharing no code with the parser (housing_need.sources.mhclg_homelessness)."""

from __future__ import annotations

import functools
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
