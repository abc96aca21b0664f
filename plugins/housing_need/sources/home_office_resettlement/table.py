"""The resettlement-by-local-authority table (Res_D01 layout): its columns and what a good row is.

Input is ``(line number, fields)`` pairs from :func:`~housing_need.sources.conventions.read_csv`
(the header is the first non-blank line). Blank lines are not rows. Every other line is a row of
the file: it becomes a canonical row or a quarantined one, never nothing (the header, the field
count and the quarter-end Date are read by :mod:`housing_need.sources.csv_table`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date

from ..conventions import GSS_CODE, GSS_CODE_EXAMPLE, NotACount, label, read_count
from ..csv_table import Columns, Header, TableRows

COLUMNS = Columns(
    table="the resettlement table (Res_D01)",
    # Field -> the column name the file uses (matched ignoring case and runs of white space).
    required={
        "date": "Date",
        "year": "Year",
        "quarter": "Quarter",
        "uk_region": "UK Region",
        "lad_code": "LAD Code",
        "local_authority": "Local Authority",
        "scheme": "Resettlement Scheme",
        "persons": "Persons",
    },
    # Field -> canonical column (Year and Quarter only cross-check Date).
    canonical={
        "date": "period_end",
        "uk_region": "uk_region",
        "lad_code": "lad_code",
        "local_authority": "local_authority",
        "scheme": "scheme",
        "persons": "persons",
    },
)
# LAD Code text of arrivals not (yet) placed in a local authority (Afghan schemes from 2021: bridging
# hotels): published rows, loaded with no code.
NO_AREA = frozenset({"unknown"})

_QUARTER = re.compile(r"^q?\s*([1-4])(?:\.0+)?$", re.I)


def missing_quarters(periods: set[date]) -> list[date]:
    """Quarter ends between the earliest and the latest of ``periods`` that are not among them."""
    if not periods:
        return []
    out: list[date] = []
    year, quarter = min(periods).year, min(periods).month // 3
    last = max(periods)
    while True:
        quarter += 1
        if quarter == 5:
            year, quarter = year + 1, 1
        day = date(year, quarter * 3, 31 if quarter in (1, 4) else 30)
        if day >= last:
            return out
        if day not in periods:
            out.append(day)


class _Rows(TableRows):
    columns = COLUMNS

    def __init__(self, file_name: str, header: Header) -> None:
        super().__init__(file_name, header)
        self.no_area: Counter[str] = Counter()  # scheme -> rows without a local authority

    def read_row(self, n: int, fields: Sequence[str], cell: dict[str, str]) -> None:
        quarter_end = self.quarter_end(n, fields, cell)
        if quarter_end is None:
            return
        period_end, quarter = quarter_end
        m = _QUARTER.match(cell["quarter"])
        if m is None or int(m[1]) != quarter:
            self.quarantine(
                n,
                fields,
                "quarter",
                cell["quarter"],
                f"Quarter must agree with Date {period_end.isoformat()} (expected {quarter}), "
                f"got {cell['quarter']!r}",
            )
            return

        code_text = label(cell["lad_code"]).upper()
        lad_code: str | None = None
        if code_text.lower() not in NO_AREA:
            if not GSS_CODE.match(code_text):
                self.quarantine(
                    n,
                    fields,
                    "lad_code",
                    cell["lad_code"],
                    f"LAD Code must be a GSS code (E, K, N, S or W and 8 digits, e.g. {GSS_CODE_EXAMPLE!r}), "
                    f"or 'Unknown' for arrivals not placed in a local authority, got {cell['lad_code']!r}",
                )
                return
            lad_code = code_text

        scheme = cell["scheme"]
        if not scheme:
            self.quarantine(
                n, fields, "scheme", scheme, "Resettlement Scheme must name the scheme, got blank"
            )
            return

        persons = read_count(cell["persons"])
        if isinstance(persons, NotACount) or persons == 0:
            expected = "expected a whole number >= 1"
            if isinstance(persons, NotACount) and persons.kind == "suppressed":
                reason = f"Persons is the {persons.reason()}, which this table does not use; {expected}"
            elif persons == 0:
                reason = (
                    f"Persons must be a whole number >= 1 (the table leaves out quarters with no arrivals), "
                    f"got {cell['persons']!r}"
                )
            else:
                got = "blank" if not cell["persons"] else repr(cell["persons"])
                reason = f"Persons must be a whole number >= 1, got {got}"
            self.quarantine(n, fields, "persons", cell["persons"], reason)
            return

        if lad_code is None:
            self.no_area[scheme] += 1
        self.rows.append(
            {
                "period_end": period_end,
                "uk_region": label(cell["uk_region"]) or None,
                "lad_code": lad_code,
                "local_authority": label(cell["local_authority"]) or None,
                "scheme": scheme,
                "persons": persons,
                "_row_number": n,
            }
        )

    def notes(self) -> list[str]:
        notes = []
        schemes = Counter(r["scheme"] for r in self.rows)
        if schemes:
            notes.append(f"{len(schemes)} resettlement scheme(s): {', '.join(sorted(schemes))}")
        if self.no_area:
            rows = [r for r in self.rows if r["lad_code"] is None]
            notes.append(
                f"{len(rows)} row(s) ({sum(r['persons'] for r in rows):,} persons) have LAD Code 'Unknown' "
                "(arrivals not placed in a local authority); loaded with no LAD code"
            )
        gaps = missing_quarters({r["period_end"] for r in self.rows})
        if gaps:
            notes.append(
                f"no rows for {len(gaps)} quarter(s) between the first and the last: "
                f"{', '.join(d.isoformat() for d in gaps)} (no arrivals: the table leaves such quarters out)"
            )
        names: dict[str, set[str]] = {}
        for r in self.rows:
            if r["lad_code"] and r["local_authority"]:
                names.setdefault(r["lad_code"], set()).add(r["local_authority"])
        for code, found in sorted(names.items()):
            if len(found) > 1:
                notes.append(
                    f"LAD Code {code} is published under {len(found)} names: {', '.join(sorted(found))}"
                )
        return notes


parse_table = _Rows.parse
parse_csv = _Rows.parse_delivery
