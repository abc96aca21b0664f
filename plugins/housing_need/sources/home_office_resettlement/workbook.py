"""The publisher's Res_D01 workbook (``resettlement-local-authority-datasets-<mon>-<yyyy>.xlsx``), in
the Home Office house style: a cover sheet, the table on sheet ``Data - Res_D01`` (found as every
Home Office table: :func:`housing_need.sources.home_office.data_sheet`), a title row above the
header, ``End of table`` and footnotes below the rows.

The sheet's columns are the CSV's without ``Date``: ``Year, Quarter, UK Region, LAD Code, Local
Authority, Resettlement Scheme, Persons``, with the quarter as the publisher writes it (``2014 Q1``).
Each worksheet row is handed to the CSV table's reader (:mod:`.table`) as the CSV line it stands for:
``Date`` the quarter's end and ``Quarter`` its number, so both layouts pass the same checks; a
quarter that is not ``YYYY Qn`` stays as published in ``Date`` and the row is quarantined there.
Rows keep their worksheet row numbers; the footnotes after ``End of table`` are not rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...errors import ParseError
from ..conventions import Workbook, cell_text, is_table_footer, label
from ..home_office import data_sheet
from ..spec import ParseResult
from .table import COLUMNS, parse_table

TABLE = "Res_D01"
HEADER_SCAN_ROWS = 30
_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.I)
_QUARTER_END = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}


def _is_header(cells: list[Any]) -> bool:
    names = {label(c).lower() for c in cells}
    return {"quarter", "lad code", "resettlement scheme", "persons"} <= names


def _records(values: list[list[Any]], file_name: str, sheet: str) -> Iterator[tuple[int, list[str]]]:
    header_at = next((i for i, row in enumerate(values[:HEADER_SCAN_ROWS]) if _is_header(row)), None)
    if header_at is None:
        raise ParseError(
            file_name,
            f"sheet {sheet!r}: no header row (Quarter, LAD Code, Resettlement Scheme, Persons) "
            f"in the first {HEADER_SCAN_ROWS} rows",
        )
    names = [label(c) for c in values[header_at]]
    quarter_at = [n.lower() for n in names].index("quarter")
    yield header_at + 1, [COLUMNS.required["date"], *names]
    for index in range(header_at + 1, len(values)):
        fields = [cell_text(c) for c in values[index]]
        first = next((f for f in fields if f), "")
        if first and is_table_footer(first):
            return
        quarter = fields[quarter_at] if quarter_at < len(fields) else ""
        m = _QUARTER.match(quarter)
        if m is not None:
            fields[quarter_at] = m[2]
            when = f"{m[1]}-{_QUARTER_END[int(m[2])]}"
        else:
            when = quarter
        yield index + 1, [when if any(fields) else "", *fields]


def parse_workbook(content: bytes, file_name: str) -> ParseResult:
    workbook = Workbook(content, file_name)
    sheet = data_sheet(
        workbook, TABLE, lambda name: any(_is_header(r) for r in workbook.rows(name, HEADER_SCAN_ROWS))
    )
    result = parse_table(_records(workbook.rows(sheet), file_name, sheet), file_name)
    result.file_format = "xlsx" if file_name.lower().endswith(".xlsx") else "ods"
    result.notes.insert(0, f"sheet {sheet!r}: the quarter ('2014 Q1') gives Date and Quarter")
    return result
