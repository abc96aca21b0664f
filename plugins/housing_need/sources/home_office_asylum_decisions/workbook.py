"""The publisher's detailed dataset of asylum applications and initial decisions
(``asylum-applications-datasets-<mon>-<yyyy>.xlsx``), table Asy_D02, summed to the CSV table's rows.

The workbook is in the Home Office house style: a cover sheet, the applications on sheet
``Data - Asy_D01``, the decisions on sheet ``Data - Asy_D02`` (found as every Home Office table is:
:func:`housing_need.sources.home_office.data_sheet`), a title row above the header, ``End of table``
and footnotes below the rows. Asy_D02 is long: one row per quarter, nationality, case type,
applicant type, age, sex, UASC, case outcome group and case outcome, with the number of
``Decisions``; the columns read are found by name (``Year, Quarter, Nationality, Region, Case type,
Applicant type, Case outcome group, Decisions``), the others may be in any order.

The feed's table (:mod:`.table`) is one row per quarter and nationality with the grants, refusals
and administrative outcomes of initial decisions on asylum main applicants and the initial grant
rate. This module sums the sheet to that table as the re-packaged CSV does: rows of ``Case type``
``Asylum Case`` whose ``Applicant type`` is not ``Dependant`` and whose outcome is not
``Withdrawn``; every ``Grant of ...`` group is a grant, ``Refused`` a refusal, ``Administrative
Outcome`` an administrative outcome; a kind with no rows in a quarter is ``NA``, and the grant rate
is Grant / (Grant + Refused), ``NA`` when either is. Each sum is handed to the CSV table's reader
as the CSV line it stands for (``Date`` the quarter's end; a quarter that is not ``YYYY Qn`` stays
in ``Date`` and the row is quarantined there), so both layouts pass the same checks and give the
same rows; a summed row's ``_row_number`` is the worksheet row of its first counted row.

A worksheet row whose ``Decisions`` is not a count, or whose outcome group is none of the above, is
quarantined on its own worksheet row (its decisions are then missing from its quarter's sum, which
the quarantine says) and is counted in ``rows_in_file`` beside the summed rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ...errors import ParseError
from ..conventions import NotACount, Workbook, cell_text, is_table_footer, label, read_count
from ..csv_table import record_of
from ..home_office import data_sheet
from ..spec import ParseResult, QuarantinedRow
from .table import COLUMNS, NO_DECISIONS, parse_table

TABLE = "Asy_D02"
HEADER_SCAN_ROWS = 30
# field -> the sheet's column name (matched ignoring case and runs of white space)
SHEET_COLUMNS = {
    "year": "Year",
    "quarter": "Quarter",
    "nationality": "Nationality",
    "region": "Region",
    "case_type": "Case type",
    "applicant_type": "Applicant type",
    "outcome_group": "Case outcome group",
    "decisions": "Decisions",
}
ASYLUM_CASE = "asylum case"
DEPENDANT = ("dependant", "dependent")
WITHDRAWN = "withdrawn"
# the CSV table's count fields, in its column order
KINDS = ("grants", "refusals", "administrative_outcomes")
_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.I)
_QUARTER_END = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}


def kind_of(group: str) -> str | None:
    """The CSV table's count a ``Case outcome group`` adds to, ``""`` for one not counted
    (withdrawn), or None for a group this reader does not know."""
    g = group.lower()
    if g.startswith("grant"):
        return "grants"
    if g == "refused":
        return "refusals"
    if g == "administrative outcome":
        return "administrative_outcomes"
    if g == WITHDRAWN:
        return ""
    return None


def _is_header(cells: list[Any]) -> bool:
    names = {label(c).lower() for c in cells}
    return {n.lower() for n in SHEET_COLUMNS.values()} <= names


@dataclass
class _Sum:
    first_row: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Sheet:
    """The sheet's rows summed per (Year, Quarter, Nationality, Region), in order of first appearance."""

    file_name: str
    sheet: str
    names: list[str] = field(default_factory=list)
    header_row: int = 0
    sums: dict[tuple[str, str, str, str], _Sum] = field(default_factory=dict)
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    counted: int = 0
    not_counted: dict[str, int] = field(default_factory=dict)

    def _skip(self, why: str) -> None:
        self.not_counted[why] = self.not_counted.get(why, 0) + 1

    def _quarantine(self, n: int, cells: list[Any], column: str, value: str, reason: str) -> None:
        self.quarantined.append(
            QuarantinedRow(n, column, value or None, reason, record_of(self.names, cells))
        )

    def read(self, values: list[list[Any]]) -> None:
        header_at = next((i for i, row in enumerate(values[:HEADER_SCAN_ROWS]) if _is_header(row)), None)
        if header_at is None:
            raise ParseError(
                self.file_name,
                f"sheet {self.sheet!r}: no header row ({', '.join(SHEET_COLUMNS.values())}) in the first "
                f"{HEADER_SCAN_ROWS} rows",
            )
        self.header_row = header_at + 1
        self.names = [label(c) for c in values[header_at]]
        lower = [n.lower() for n in self.names]
        at = {key: lower.index(name.lower()) for key, name in SHEET_COLUMNS.items()}
        for index in range(header_at + 1, len(values)):
            cells = values[index]
            fields = [cell_text(c) for c in cells]
            first = next((f for f in fields if f), "")
            if not first:
                continue
            if is_table_footer(first):
                return
            cell = {key: label(cells[pos]) if pos < len(cells) else "" for key, pos in at.items()}
            self._row(index + 1, cells, cell, cells[at["decisions"]] if at["decisions"] < len(cells) else "")

    def _row(self, n: int, cells: list[Any], cell: dict[str, str], decisions: Any) -> None:
        if cell["case_type"].lower() != ASYLUM_CASE:
            self._skip("not an asylum case (resettlement and other case types)")
            return
        if cell["applicant_type"].lower() in DEPENDANT:
            self._skip("a dependant's decision (the grant rate is of main applicants)")
            return
        kind = kind_of(cell["outcome_group"])
        if kind is None:
            self._quarantine(
                n,
                cells,
                SHEET_COLUMNS["outcome_group"],
                cell["outcome_group"],
                "Case outcome group must be a grant ('Grant of Protection', 'Grant of Other Leave'), "
                f"'Refused', 'Administrative Outcome' or 'Withdrawn', got {cell['outcome_group']!r}; "
                "its decisions are not in its quarter's sums",
            )
            return
        if not kind:
            self._skip("withdrawn")
            return
        count = read_count(decisions)
        if isinstance(count, NotACount):
            self._quarantine(
                n,
                cells,
                SHEET_COLUMNS["decisions"],
                cell_text(decisions),
                f"Decisions must be a whole number >= 0, got a {count.reason()}; its decisions are not in "
                "its quarter's sums",
            )
            return
        self.counted += 1
        key = (cell["year"], cell["quarter"], cell["nationality"], cell["region"])
        total = self.sums.setdefault(key, _Sum(first_row=n))
        total.counts[kind] = total.counts.get(kind, 0) + count

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """The sums as the CSV table's lines (header first), each on its first worksheet row."""
        yield self.header_row, list(COLUMNS.required.values())
        for (year, quarter, nationality, region), total in self.sums.items():
            m = _QUARTER.match(quarter)
            when = f"{m[1]}-{_QUARTER_END[int(m[2])]}" if m else quarter
            counts = [str(total.counts[k]) if k in total.counts else NO_DECISIONS for k in KINDS]
            grants, refusals = total.counts.get("grants"), total.counts.get("refusals")
            rate = (
                repr(grants / (grants + refusals))
                if grants is not None and refusals is not None and grants + refusals
                else NO_DECISIONS
            )
            yield total.first_row, [when, year, quarter, nationality, region, *counts, rate]


def parse_workbook(content: bytes, file_name: str) -> ParseResult:
    workbook = Workbook(content, file_name)
    sheet = data_sheet(
        workbook, TABLE, lambda name: any(_is_header(r) for r in workbook.rows(name, HEADER_SCAN_ROWS))
    )
    summed = _Sheet(file_name, sheet)
    summed.read(workbook.rows(sheet))
    result = parse_table(summed.records(), file_name)
    result.quarantined = sorted([*result.quarantined, *summed.quarantined], key=lambda q: q.row_number)
    result.rows_in_file += len(summed.quarantined)
    result.check_accounting()
    result.file_format = "xlsx" if file_name.lower().endswith(".xlsx") else "ods"
    skipped = "; ".join(f"{n} {why}" for why, n in summed.not_counted.items()) or "none"
    result.notes[0] = (
        f"sheet {sheet!r}, header on row {summed.header_row}: {summed.counted} rows of initial decisions "
        f"on asylum main applicants summed into {len(summed.sums)} rows (quarter x nationality); rows not counted: {skipped}; "
        f"the initial grant rate is Grant / (Grant + Refused), {NO_DECISIONS} when either is"
    )
    return result
