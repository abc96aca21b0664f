"""The area rows of one A2-family table, read into canonical rows or quarantined rows.

Rows start at the first area row and end at the footnotes (a row starting ``Notes`` or ``Source``,
or ``End of table``); blank rows are not rows. Each row is an area: the GSS code gives its level
(E92 England, E12 regions, E06-E09 local authorities), ``-`` is ``Rest of England`` (England less
London). England and region figures are rounded to 10 by the publisher, local authority figures
are not, so the level travels with every row and the warehouse sums local authorities itself.

Every table opens with England split into London and ``Rest of England`` (code ``-``), then lists
the regions, London again among them: an area published twice keeps its level on its last row (the
region list) and its earlier row gets level ``other``, like ``Rest of England``, so that summing a
level counts each area once and no row repeats another (screening would quarantine it).

A count cell holding a suppression marker (``..``: incomplete or no data received from the local
authority) is published data: the row is kept with a null count and the marker in ``*_marker``.
Any other cell that is not a whole number >= 0 quarantines the row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..conventions import GSS_CODE, GSS_CODE_EXAMPLE, NotACount, cell_text, is_table_footer, label, read_count
from ..spec import QuarantinedRow
from .tables import Layout, Table, column_letter

GEOGRAPHY_LEVELS: dict[str, str] = {
    "E92": "country",
    "E12": "region",
    "E06": "local_authority",
    "E07": "local_authority",
    "E08": "local_authority",
    "E09": "local_authority",
}
REST_OF_ENGLAND_CODE = "-"
_FOOTNOTE_STARTS = ("notes", "note", "source")
_COUNT_COLUMNS = (
    "households_owed_duty",
    "households_owed_duty_marker",
    "households_asylum_support",
    "households_asylum_support_marker",
)


@dataclass
class TableRows:
    """What one sheet gave: rows, quarantined rows, and what a person should hear about it."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    rows_in_file: int = 0
    levels: Counter[str] = field(default_factory=Counter)
    repeats: list[str] = field(default_factory=list)  # areas published twice (London)
    conflicts: list[str] = field(default_factory=list)  # ... with different counts
    markers: Counter[str] = field(default_factory=Counter)
    unknown_prefixes: Counter[str] = field(default_factory=Counter)
    ended_at: int | None = None


def _cell(cells: Sequence[Any], column: int) -> Any:
    return cells[column] if column < len(cells) else None


def _first_text(cells: Sequence[Any]) -> str:
    """The row's first non-blank cell as text, '' for a blank row."""
    return next((text for cell in cells if (text := cell_text(cell))), "")


def _is_footnote(first: str) -> bool:
    return is_table_footer(first) or label(first).casefold().rstrip(":") in _FOOTNOTE_STARTS


class _Reader:
    def __init__(self, table: Table, layout: Layout, period_end: date) -> None:
        self.table = table
        self.layout = layout
        self.period_end = period_end
        self.out = TableRows()
        self.code_name = f"area code (column {column_letter(layout.code_column)})"
        self.name_name = f"area name (column {column_letter(layout.name_column)})"

    def _record(self, cells: Sequence[Any]) -> dict[str, str]:
        lay = self.layout
        return {
            "sheet": self.table.sheet,
            self.code_name: cell_text(_cell(cells, lay.code_column)),
            self.name_name: cell_text(_cell(cells, lay.name_column)),
            lay.total_header: cell_text(_cell(cells, lay.total_column)),
            lay.asylum_header: cell_text(_cell(cells, lay.asylum_column)),
        }

    def _quarantine(self, n: int, cells: Sequence[Any], column: str, index: int, reason: str) -> None:
        text = cell_text(_cell(cells, index))
        self.out.quarantined.append(
            QuarantinedRow(
                row_number=n,
                column=column,
                value=text or None,
                reason=f"sheet {self.table.sheet!r}, cell {column_letter(index)}{n}: {reason}",
                record=self._record(cells),
            )
        )

    def _area(self, n: int, cells: Sequence[Any]) -> tuple[str | None, str] | None:
        """(area code, geography level), or None when the row was quarantined."""
        code = label(_cell(cells, self.layout.code_column)).upper()
        if code == REST_OF_ENGLAND_CODE:
            return None, "other"
        if GSS_CODE.match(code):
            level = GEOGRAPHY_LEVELS.get(code[:3])
            if level is None:
                self.out.unknown_prefixes[code[:3]] += 1
                return code, "other"
            return code, level
        got = repr(code) if code else "a blank cell"
        self._quarantine(
            n,
            cells,
            self.code_name,
            self.layout.code_column,
            f"area code must be a GSS code (e.g. {GSS_CODE_EXAMPLE!r}) or '-' (Rest of England), got {got}",
        )
        return None

    def _count(
        self, n: int, cells: Sequence[Any], header: str, index: int
    ) -> tuple[int | None, str | None] | None:
        """(count, marker), or None when the row was quarantined."""
        value = read_count(_cell(cells, index))
        if not isinstance(value, NotACount):
            return value, None
        if value.kind == "suppressed":
            self.out.markers[value.text] += 1
            return None, value.text
        got = "a blank cell" if value.kind == "blank" else value.reason()
        self._quarantine(
            n,
            cells,
            header,
            index,
            f"{header} must be a whole number >= 0 or a suppression marker ('..'), got {got}",
        )
        return None

    def row(self, n: int, cells: Sequence[Any]) -> None:
        lay = self.layout
        area = self._area(n, cells)
        if area is None:
            return
        owed = self._count(n, cells, lay.total_header, lay.total_column)
        if owed is None:
            return
        asylum = self._count(n, cells, lay.asylum_header, lay.asylum_column)
        if asylum is None:
            return
        code, level = area
        self.out.rows.append(
            {
                "period_end": self.period_end,
                "table_code": self.table.code,
                "duty": self.table.duty,
                "sheet_name": self.table.sheet,
                "area_code": code,
                "area_name": label(_cell(cells, lay.name_column)) or None,
                "geography_level": level,
                "households_owed_duty": owed[0],
                "households_owed_duty_marker": owed[1],
                "households_asylum_support": asylum[0],
                "households_asylum_support_marker": asylum[1],
                "_row_number": n,
            }
        )

    def feed(self, values: Sequence[Sequence[Any]]) -> TableRows:
        for index in range(self.layout.first_data_row - 1, len(values)):
            cells = values[index]
            first = _first_text(cells)
            if not first:
                continue
            if _is_footnote(first):
                self.out.ended_at = index + 1
                break
            self.out.rows_in_file += 1
            self.row(index + 1, cells)
        self._demote_repeats()
        self.out.levels.update(r["geography_level"] for r in self.out.rows)
        return self.out

    def _demote_repeats(self) -> None:
        """Earlier rows of an area published twice get level 'other' (see the module docstring)."""
        last: dict[str, dict[str, Any]] = {}
        for row in reversed(self.out.rows):
            code = row["area_code"]
            if code is None:
                continue
            if code not in last:
                last[code] = row
                continue
            kept = last[code]
            row["geography_level"] = "other"
            what = f"{row['area_name']} ({code}) rows {row['_row_number']} and {kept['_row_number']}"
            self.out.repeats.append(what)
            if any(row[k] != kept[k] for k in _COUNT_COLUMNS):
                self.out.conflicts.append(what)
        self.out.repeats.reverse()
        self.out.conflicts.reverse()


def read_rows(values: Sequence[Sequence[Any]], table: Table, layout: Layout, period_end: date) -> TableRows:
    """The area rows of one sheet (``values`` from A1, list index + 1 = worksheet row)."""
    return _Reader(table, layout, period_end).feed(values)
