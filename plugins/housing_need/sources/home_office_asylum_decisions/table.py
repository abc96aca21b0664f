"""The initial-decisions-by-nationality table (derived from Asy_D02): its columns and what a good row is.

Input is ``(line number, fields)`` pairs from :func:`~housing_need.sources.conventions.read_csv`
(the header is the first non-blank line). Blank lines are not rows. Every other line is a row of
the file: it becomes a canonical row or a quarantined one, never nothing (the header, the field
count and the quarter-end Date are read by :mod:`housing_need.sources.csv_table`).

``NA`` (as R writes a missing value) in a count or in the grant rate means there were no decisions
of that kind that quarter: it is read as null, not quarantined.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from ..conventions import NotACount, label, read_count
from ..csv_table import Columns, Header, TableRows, sample_text

COLUMNS = Columns(
    table="the initial decisions table (Asy_D02)",
    # Field -> the column name the file uses (matched ignoring case and runs of white space).
    required={
        "date": "Date",
        "year": "Year",
        "quarter": "Quarter",
        "nationality": "Nationality",
        "region": "Region",
        "grants": "Grant",
        "refusals": "Refused",
        "administrative_outcomes": "Administrative Outcome",
        "rate": "Initial grant rate",
    },
    # Field -> canonical column (Year only cross-checks Date).
    canonical={
        "date": "period_end",
        "quarter": "quarter_label",
        "nationality": "nationality",
        "region": "world_region",
        "grants": "grants",
        "refusals": "refusals",
        "administrative_outcomes": "administrative_outcomes",
        "rate": "published_grant_rate",
    },
)
COUNTS = ("grants", "refusals", "administrative_outcomes")
NO_DECISIONS = "NA"  # R's missing value: no decisions of that kind
RATE_TOLERANCE = 1e-9

_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.I)
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


class _Rows(TableRows):
    columns = COLUMNS

    def __init__(self, file_name: str, header: Header) -> None:
        super().__init__(file_name, header)
        self.rate_differs: list[int] = []  # row numbers whose published rate is not Grant / (Grant + Refused)
        self.rate_missing: list[int] = []  # row numbers with decisions but no published rate

    def _count(self, n: int, fields: Sequence[str], key: str, text: str) -> int | None | NotACount:
        """The count, None for NA, or NotACount after quarantining the row."""
        if text.upper() == NO_DECISIONS:
            return None
        count = read_count(text)
        if isinstance(count, NotACount):
            name = self.col[key]
            expected = f"expected a whole number >= 0, or {NO_DECISIONS} for no decisions"
            if count.kind == "suppressed":
                reason = f"{name} is the {count.reason()}, which this table does not use; {expected}"
            else:
                got = "blank" if not text else repr(text)
                reason = f"{name} must be a whole number >= 0 or {NO_DECISIONS}, got {got}"
            self.quarantine(n, fields, key, text, reason)
        return count

    def read_row(self, n: int, fields: Sequence[str], cell: dict[str, str]) -> None:
        quarter_end = self.quarter_end(n, fields, cell)
        if quarter_end is None:
            return
        period_end, quarter = quarter_end
        quarter_label = label(cell["quarter"])
        m = _QUARTER.match(quarter_label)
        if m is None or (int(m[1]), int(m[2])) != (period_end.year, quarter):
            self.quarantine(
                n,
                fields,
                "quarter",
                cell["quarter"],
                f"Quarter must agree with Date {period_end.isoformat()} (expected "
                f"'{period_end.year} Q{quarter}'), got {cell['quarter']!r}",
            )
            return

        nationality = label(cell["nationality"])
        if not nationality:
            self.quarantine(n, fields, "nationality", "", "Nationality must name the nationality, got blank")
            return

        counts: dict[str, int | None] = {}
        for key in COUNTS:
            count = self._count(n, fields, key, cell[key])
            if isinstance(count, NotACount):
                return
            counts[key] = count

        rate: float | None = None
        if cell["rate"].upper() != NO_DECISIONS:
            text = cell["rate"]
            value = float(text) if _NUMBER.match(text) else math.nan
            if not 0.0 <= value <= 1.0:
                got = "blank" if not text else repr(text)
                self.quarantine(
                    n,
                    fields,
                    "rate",
                    text,
                    f"{self.col['rate']} must be a number from 0 to 1, or {NO_DECISIONS} when there were no "
                    f"grants or refusals, got {got}",
                )
                return
            rate = value

        grants, refusals = counts["grants"] or 0, counts["refusals"] or 0
        if rate is not None:
            if grants + refusals == 0 or abs(rate - grants / (grants + refusals)) > RATE_TOLERANCE:
                self.rate_differs.append(n)
        elif grants + refusals:
            self.rate_missing.append(n)

        self.rows.append(
            {
                "period_end": period_end,
                "quarter_label": quarter_label,
                "nationality": nationality,
                "world_region": label(cell["region"]) or None,
                "grants": counts["grants"],
                "refusals": counts["refusals"],
                "administrative_outcomes": counts["administrative_outcomes"],
                "published_grant_rate": rate,
                "_row_number": n,
            }
        )

    def notes(self) -> list[str]:
        notes = []
        for column in ("grants", "refusals", "administrative_outcomes", "published_grant_rate"):
            nulls = sum(1 for r in self.rows if r[column] is None)
            if nulls:
                notes.append(f"{nulls} row(s) publish {NO_DECISIONS} in {column}; loaded as null")
        if self.rate_missing:
            notes.append(
                f"{len(self.rate_missing)} row(s) publish no {self.col['rate']} ({NO_DECISIONS}) although "
                f"Grant or Refused is not {NO_DECISIONS} (the rate is {NO_DECISIONS} whenever either count "
                f"is); loaded as published (rows {sample_text(self.rate_missing)})"
            )
        return notes

    def warnings(self) -> list[str]:
        if not self.rate_differs:
            return []
        return [
            f"{len(self.rate_differs)} row(s) publish an {self.col['rate']} that differs from "
            f"Grant / (Grant + Refused) by more than {RATE_TOLERANCE:g}; loaded as published "
            f"(rows {sample_text(self.rate_differs)})"
        ]


parse_table = _Rows.parse
parse_csv = _Rows.parse_delivery
