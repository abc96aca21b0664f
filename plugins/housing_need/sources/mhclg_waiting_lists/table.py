"""The LAHS Section C extract (households on the housing register): its columns and what a good row is.

Input is ``(line number, fields)`` pairs from :func:`~housing_need.sources.conventions.read_csv`
(the header is the first non-blank line). Blank lines are not rows. Every other line is a row of
the file: it becomes a canonical row or a quarantined one, never nothing (the header and the field
count are read by :mod:`housing_need.sources.csv_table`).

Empty cells are published gaps: an empty count or flag is loaded as null, not quarantined.
Several rows may share a code and year (predecessor districts under their successor's LAD24
code): they are kept, and the warehouse sums them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..conventions import GSS_CODE, GSS_CODE_EXAMPLE, NotACount, label, read_count
from ..csv_table import Columns, TableRows, sample_text

# Field -> the column name the file uses (matched ignoring case and runs of white space).
REQUIRED: dict[str, str] = {
    "lad_code": "lad24cd",
    "reporting_year": "reporting_year",
    "households_on_register": "households_on_register",
    "jointly_managed_register": "jointly_managed_register",
    "reasonable_preference": "reasonable_preference",
    "source_note": "source",
}
COLUMNS = Columns(
    table="the LAHS Section C extract",
    required=REQUIRED,
    canonical={key: key for key in REQUIRED},  # the fields are named as the columns
)
BOOLEANS = {"true": True, "false": False}
FIRST_YEAR, LAST_YEAR = 1990, 2100  # a reporting year outside these is not a year of LAHS

_YEAR = re.compile(r"^\d{4}$")


class _Rows(TableRows):
    columns = COLUMNS
    misread = "a note with an unquoted comma, or a line cut short?"

    def _count(self, n: int, fields: Sequence[str], key: str, text: str) -> int | None | NotACount:
        """The count, None when the cell is empty, or NotACount after quarantining the row."""
        if not text:
            return None
        count = read_count(text)
        if isinstance(count, NotACount):
            name = self.col[key]
            if count.kind == "suppressed":
                reason = (
                    f"{name} is the {count.reason()}; expected a whole number >= 0, or an empty cell "
                    "where none was published"
                )
            else:
                reason = f"{name} must be a whole number >= 0 or empty, got {text!r}"
            self.quarantine(n, fields, key, text, reason)
        return count

    def read_row(self, n: int, fields: Sequence[str], cell: dict[str, str]) -> None:
        code = label(cell["lad_code"]).upper()
        if not GSS_CODE.match(code):
            got = "blank" if not code else repr(cell["lad_code"])
            self.quarantine(
                n,
                fields,
                "lad_code",
                cell["lad_code"],
                f"{self.col['lad_code']} must be a GSS code (E, K, N, S or W and 8 digits, "
                f"e.g. {GSS_CODE_EXAMPLE!r}), got {got}",
            )
            return

        year_text = cell["reporting_year"].removesuffix(".0")
        if not _YEAR.match(year_text) or not FIRST_YEAR <= int(year_text) <= LAST_YEAR:
            got = "blank" if not year_text else repr(cell["reporting_year"])
            self.quarantine(
                n,
                fields,
                "reporting_year",
                cell["reporting_year"],
                f"{self.col['reporting_year']} must be a year such as '2024' (the year ending 31 March), "
                f"got {got}",
            )
            return

        counts: dict[str, int | None] = {}
        for key in ("households_on_register", "reasonable_preference"):
            count = self._count(n, fields, key, cell[key])
            if isinstance(count, NotACount):
                return
            counts[key] = count

        flag_text = cell["jointly_managed_register"]
        jointly_managed: bool | None = None
        if flag_text:
            if flag_text.lower() not in BOOLEANS:
                self.quarantine(
                    n,
                    fields,
                    "jointly_managed_register",
                    flag_text,
                    f"{self.col['jointly_managed_register']} must be TRUE, FALSE or empty, got {flag_text!r}",
                )
                return
            jointly_managed = BOOLEANS[flag_text.lower()]

        self.rows.append(
            {
                "lad_code": code,
                "reporting_year": int(year_text),
                "households_on_register": counts["households_on_register"],
                "jointly_managed_register": jointly_managed,
                "reasonable_preference": counts["reasonable_preference"],
                "source_note": cell["source_note"] or None,
                "_row_number": n,
            }
        )

    def release(self) -> str:
        years = [r["reporting_year"] for r in self.rows]
        # The count is of households on the register at 1 April, the day after the year ending 31
        # March that the extract's reporting_year names: the release is named after that period end.
        return f"{max(years)}-03-31" if years else "empty"

    def notes(self) -> list[str]:
        notes = []
        keys = Counter((r["lad_code"], r["reporting_year"]) for r in self.rows)
        shared = {key: count for key, count in keys.items() if count > 1}
        if shared:
            notes.append(
                f"{sum(shared.values())} row(s) share their {self.col['lad_code']} and reporting year with "
                f"another row ({len(shared)} code/year pair(s), {sum(shared.values()) - len(shared)} row(s) "
                "more than pairs): predecessor districts published under their successor's code; kept "
                "(the warehouse sums them)"
            )
        for key, what in (
            ("jointly_managed_register", "jointly_managed_register"),
            ("reasonable_preference", "reasonable_preference"),
        ):
            empty = sum(1 for r in self.rows if r[key] is None)
            if empty:
                notes.append(f"{what} is empty on {empty} of {len(self.rows)} row(s); loaded as null")
        return notes

    def warnings(self) -> list[str]:
        gaps = [r for r in self.rows if r["households_on_register"] is None]
        if not gaps:
            return []
        shown = sample_text([f"{r['_row_number']} ({r['lad_code']} {r['reporting_year']})" for r in gaps])
        return [
            f"{len(gaps)} row(s) have no {self.col['households_on_register']} (a published "
            f"gap; loaded as null, so totals over them are short): rows {shown}"
        ]


parse_table = _Rows.parse
parse_csv = _Rows.parse_delivery
