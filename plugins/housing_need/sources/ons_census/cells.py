"""Area rows into cells, with per-area-row quarantine, whatever layout the census table came in.

Cell accounting. :meth:`ParseResult.check_accounting` compares ``rows_in_file`` with
``len(rows) + len(quarantined)``. One area row (line) becomes many cells, so ``rows_in_file`` is
the number of CELLS the file holds (area rows x value columns, or the API's ``Value`` rows), and an
area row that is rejected puts one :class:`QuarantinedRow` PER CELL in quarantine (all naming the
offending column, value and reason; ``record['_cell']`` says which cell), so the identity holds
cell by cell. Quarantine is per area row: a non-numeric or blank cell (including the suppression
markers of :mod:`..conventions`), a negative count, an area code that is not a GSS code or not of
the file's level, an area repeated in the file, or a subtotal that is not the sum of its children
rejects the whole area row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import ParseError
from ..conventions import GSS_CODE, GSS_CODE_EXAMPLE, NotACount, cell_text, label, read_count
from ..spec import ParseResult, QuarantinedRow
from .hierarchy import Hierarchy

# GSS code prefixes (first three characters) that each geography level may hold.
LEVEL_PREFIXES: dict[str, frozenset[str]] = {
    "ctry": frozenset({"K04", "E92", "W92"}),
    "rgn": frozenset({"E12", "W92"}),  # the Nomis region files include Wales as a whole
    "utla": frozenset({"E06", "E08", "E09", "E10", "E11", "W06"}),
    "ltla": frozenset({"E06", "E07", "E08", "E09", "W06"}),
    "msoa": frozenset({"E02", "W02"}),
    "lsoa": frozenset({"E01", "W01"}),
    "oa": frozenset({"E00", "W00"}),
    "county": frozenset({"E10", "E11", "E13"}),
}
LEVELS = ("ctry", "rgn", "utla", "ltla", "msoa", "lsoa", "oa")

_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")

# Why an area row is refused: (the column to name, the offending value, the reason).
Refusal = tuple[str | None, Any, str]


def level_problem(code: str, level: str) -> str | None:
    """Why ``code`` cannot be an area of ``level``, or None."""
    allowed = LEVEL_PREFIXES[level]
    if code[:3] in allowed:
        return None
    return f"area code {code!r} is not a {level} code (expected a code starting {', '.join(sorted(allowed))})"


def read_census_year(year: Any) -> int | None:
    """The census year of a cell: an int as is, text such as ``2021`` or ``2021.0``; else None."""
    if isinstance(year, int):
        return year
    m = _YEAR.match(cell_text(year))
    return int(m[1]) if m else None


def check_duplicate_headers(names: Sequence[str], file_name: str, row: int) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = label(name).casefold()
        if not key:
            continue
        if key in seen:
            raise ParseError(
                file_name,
                f"duplicate column header {label(name)!r} (columns {seen[key]} and {position})",
                row=row,
                column=label(name),
            )
        seen[key] = position


class Cells:
    """Collects cells for one table in one file (or zip member) with per-area-row quarantine."""

    def __init__(
        self,
        file_name: str,
        table: str,
        hierarchy: Hierarchy,
        *,
        member: str | None = None,
    ) -> None:
        self.file_name = file_name
        self.table = table
        self.hierarchy = hierarchy
        self.member = member
        self.static = [c.static() for c in hierarchy.categories]
        self.columns = [c.column for c in hierarchy.categories]
        self.rows: list[dict[str, Any]] = []
        self.quarantined: list[QuarantinedRow] = []
        self.rows_in_file = 0
        self.areas = 0
        self.rejected_areas = 0
        self.seen: dict[tuple[int, str, str], int] = {}

    @property
    def where(self) -> str:
        """Prefix of reasons: the zip member, if any."""
        return f"{self.member}: " if self.member else ""

    def reject(
        self,
        row_numbers: Sequence[int],
        record: Mapping[str, Any],
        column: str | None,
        value: Any,
        reason: str,
    ) -> None:
        """Quarantine one area row: one QuarantinedRow per cell (in category order)."""
        self.rejected_areas += 1
        text = cell_text(value)
        base = dict(record)
        if self.member:
            base["_member"] = self.member
        for number, category in zip(row_numbers, self.hierarchy.categories, strict=True):
            self.quarantined.append(
                QuarantinedRow(
                    row_number=number,
                    column=column,
                    value=text if text else None,
                    reason=reason,
                    record={**base, "_cell": category.column},
                )
            )

    def reject_malformed(self, row_numbers: Sequence[int], record: Mapping[str, Any], reason: str) -> None:
        """Count and quarantine an area row whose cells cannot even be lined up with the header."""
        self.refuse_row(row_numbers, record, None, None, reason)

    def refuse_row(
        self,
        row_numbers: Sequence[int],
        record: Mapping[str, Any],
        column: str | None,
        value: Any,
        reason: str,
    ) -> None:
        """Count an area row of the file and quarantine all its cells, before reading its values."""
        self.rows_in_file += len(row_numbers)
        self.areas += 1
        self.reject(row_numbers, record, column, value, f"{self.where}{reason}")

    def add(
        self,
        row_numbers: Sequence[int],
        *,
        year: Any,
        level: str | None,
        level_problem: str | None,
        code: str,
        name: str | None,
        values: Sequence[Any],
        record: Mapping[str, Any],
        code_column: str,
        year_column: str | None,
    ) -> None:
        """One area row: ``values`` and ``row_numbers`` in category order (one per cell).

        The area is checked first (:meth:`_area_refusal`), then its counts (:meth:`_read_counts`,
        :meth:`_subtotal_refusal`); the first refusal quarantines the whole area row, else its
        cells are recorded (:meth:`_record_cells`)."""
        self.rows_in_file += len(self.hierarchy.categories)
        self.areas += 1
        census_year = read_census_year(year)
        refusal = self._area_refusal(
            row_numbers,
            census_year=census_year,
            year=year,
            year_column=year_column,
            level=level,
            level_problem=level_problem,
            code=code,
            code_column=code_column,
        )
        counts: list[int] = []
        if refusal is None:
            counts, refusal = self._read_counts(code, values)
        if refusal is None:
            refusal = self._subtotal_refusal(code, counts)
        if refusal is not None:
            column, value, reason = refusal
            self.reject(row_numbers, record, column, value, f"{self.where}{reason}")
            return
        head = {
            "census_year": census_year,
            "table_code": self.table.split("-")[0],
            "geography_level": level,
            "geography_code": code,
            "geography_name": name or None,
        }
        self._record_cells(row_numbers, head, counts)

    def _area_refusal(
        self,
        row_numbers: Sequence[int],
        *,
        census_year: int | None,
        year: Any,
        year_column: str | None,
        level: str | None,
        level_problem: str | None,
        code: str,
        code_column: str,
    ) -> Refusal | None:
        """Why the area row cannot be an area of this file (its year, code, level, or a repeat of
        an area already read), or None; an area that passes is remembered with its first row."""
        if census_year is None:
            return (year_column, year, f"census year must be a year, got {cell_text(year)!r}")
        if not GSS_CODE.match(code):
            return (
                code_column,
                code,
                f"malformed area code {code!r}: expected a GSS code like {GSS_CODE_EXAMPLE} "
                f"({GSS_CODE.pattern})",
            )
        if level_problem is not None or level is None:
            return (code_column, code, f"{level_problem}")
        seen_key = (census_year, level, code)
        if seen_key in self.seen:
            return (
                code_column,
                code,
                f"area {code} appears twice in this file (first on row {self.seen[seen_key]}); "
                "a repeated area would be double counted",
            )
        self.seen[seen_key] = row_numbers[0] if row_numbers else 0
        return None

    def _read_counts(self, code: str, values: Sequence[Any]) -> tuple[list[int], Refusal | None]:
        """The area row's counts in category order, or the refusal naming its first bad cell."""
        counts: list[int] = []
        problems: list[tuple[str, Any, NotACount]] = []
        for category, raw in zip(self.hierarchy.categories, values, strict=True):
            got = read_count(raw)
            if isinstance(got, NotACount):
                problems.append((category.column, raw, got))
                counts.append(0)
            else:
                counts.append(got)
        if not problems:
            return counts, None
        column, raw, problem = problems[0]
        more = f" (and {len(problems) - 1} more bad cell(s) in this area row)" if len(problems) > 1 else ""
        return counts, (column, raw, f"area {code}: {problem.reason()}, expected a whole number >= 0{more}")

    def _subtotal_refusal(self, code: str, counts: Sequence[int]) -> Refusal | None:
        """The first subtotal that is not the sum of its child categories, or None."""
        for subtotal, kids in self.hierarchy.checks:
            expected = sum(counts[k] for k in kids)
            if counts[subtotal] != expected:
                sub = self.hierarchy.categories[subtotal]
                return (
                    sub.column,
                    counts[subtotal],
                    f"area {code}: subtotal {sub.path_text!r} is {counts[subtotal]} but its "
                    f"{len(kids)} child categories sum to {expected}",
                )
        return None

    def _record_cells(
        self, row_numbers: Sequence[int], head: Mapping[str, Any], counts: Sequence[int]
    ) -> None:
        """One row per cell: the area's ``head``, the category's static columns and the count."""
        for number, static, column, value in zip(row_numbers, self.static, self.columns, counts, strict=True):
            self.rows.append(
                {**head, **static, "value": value, "source_column": column, "_row_number": number}
            )

    def summary(self) -> str:
        return (
            f"{self.where}{self.table}: {self.areas} area rows x {len(self.hierarchy.categories)} categories = "
            f"{self.rows_in_file} cells; {self.rejected_areas} area row(s) quarantined"
        )


def release_name(year: int, table: str) -> str:
    """The release a table belongs to, e.g. ``census2021-ts054``."""
    return f"census{year}-{table.lower()}"


def cells_result(
    parts: Sequence[Cells],
    release: str,
    file_format: str,
    notes: list[str],
    published_columns: Mapping[str, str],
) -> ParseResult:
    """One ParseResult from the collectors of a file (one per zip member or category set)."""
    rows: list[dict[str, Any]] = []
    quarantined: list[QuarantinedRow] = []
    for part in parts:
        rows.extend(part.rows)
        quarantined.extend(part.quarantined)
        notes.append(part.summary())
        for note in part.hierarchy.notes:
            if note not in notes:
                notes.append(note)
    notes.append(
        "rows_in_file counts cells (area rows x categories); a rejected area row quarantines one row per cell"
    )
    result = ParseResult(
        rows=rows,
        quarantined=quarantined,
        rows_in_file=sum(p.rows_in_file for p in parts),
        release=release,
        file_format=file_format,
        notes=notes,
        published_columns=dict(published_columns),
    )
    result.check_accounting()
    return result
