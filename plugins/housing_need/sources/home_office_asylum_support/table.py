"""The Asy_D11 table, whatever file it comes in: finding the header row, reading each data row into a
canonical row or a quarantined one, and the notes on what was read.

Input is ``(row number, cells)`` pairs as a person sees them (CSV line or worksheet row); cells may
be text (CSV) or typed workbook values. Rows above the header (titles) are skipped, blank rows are
not rows, and an ``End of table`` row ends the table (footnotes below it are not rows).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from ...errors import ParseError
from ..conventions import (
    GSS_CODE,
    GSS_CODE_EXAMPLE,
    NotACount,
    cell_text,
    is_table_footer,
    label,
    read_count,
    read_date,
)
from ..csv_table import Header, column_index, year_mismatch
from ..spec import ParseResult, QuarantinedRow
from .labels import (
    ACCOMMODATION_EXPECTED,
    SUPPORT_TYPES_EXPECTED,
    accommodation_type,
    is_placeholder_text,
    region,
    support_type,
)

HEADER_SCAN_ROWS = 30
TABLE = "Asy_D11"  # as messages name it

# Field -> the name the publisher uses (for messages).
REQUIRED: dict[str, str] = {
    "date": "Date",
    "support_type": "Support Type",
    "uk_region": "UK Region",
    "local_authority": "Local Authority",
    "lad_code": "LAD Code",
    "accommodation_type": "Accommodation Type",
    "people": "People",
}
OPTIONAL: dict[str, str] = {"year": "Year", "quarter": "Quarter"}
# Field -> canonical column it is read into (Year and Quarter only cross-check Date).
CANONICAL: dict[str, str] = {
    "date": "period_end",
    "support_type": "support_type",
    "uk_region": "uk_region",
    "local_authority": "local_authority",
    "lad_code": "lad_code",
    "accommodation_type": "accommodation_type",
    "people": "people",
}

_HEADER_EXACT: dict[str, str] = {
    "year": "year",
    "quarter": "quarter",
    "support type": "support_type",
    "uk region": "uk_region",
    "region": "uk_region",
    "local authority": "local_authority",
    "local authority name": "local_authority",
    "la name": "local_authority",
    "lad code": "lad_code",
    "la code": "lad_code",
    "local authority code": "lad_code",
    "accommodation type": "accommodation_type",
    "support sub-type": "accommodation_type",
    "support sub type": "accommodation_type",
    "support subtype": "accommodation_type",
}
_QUARTER = re.compile(r"^(?:(?:\d{4})\s*)?q?\s*([1-4])$", re.I)
_NOTE = re.compile(r"\[[^\]]*\]")


def _norm_header(value: Any) -> str:
    text = _NOTE.sub(" ", cell_text(value)).replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(text.lower().split()).rstrip(":")


def _header_key(value: Any) -> str | None:
    h = _norm_header(value)
    if not h:
        return None
    if h.startswith("date"):
        return "date"
    if h.startswith("people") or h in ("number of people", "number"):
        return "people"
    if h in _HEADER_EXACT:
        return _HEADER_EXACT[h]
    if h.startswith("lad code") or h.startswith("local authority code"):
        return "lad_code"
    return None


def find_header(rows: Iterable[tuple[int, Sequence[Any]]]) -> Header | None:
    """The first row (within HEADER_SCAN_ROWS) naming at least three required columns."""
    for count, (row_number, cells) in enumerate(rows):
        if count >= HEADER_SCAN_ROWS:
            return None
        index = column_index(cells, _header_key)
        if len(index.keys() & REQUIRED.keys()) >= 3:
            return Header(row_number, [label(c) for c in cells], index, TABLE, _header_key)
    return None


def _check_columns(header: Header, file_name: str) -> None:
    for key, published in REQUIRED.items():
        if key not in header.index:
            found = [n for n in header.names if n]
            alias = " (or 'Support sub-type')" if key == "accommodation_type" else ""
            raise ParseError(
                file_name,
                f"missing required column {published!r}{alias}; columns found: {found}",
                row=header.row_number,
                column=published,
            )


class _Refused(Exception):
    """A row fails a check: quarantined with the column, the value and the reason."""

    def __init__(self, key: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.key, self.value, self.reason = key, value, reason


class _Parser:
    def __init__(self, file_name: str, header: Header, sheet: str | None) -> None:
        self.file_name = file_name
        self.header = header
        self.sheet = sheet
        self.col = {key: header.names[pos] or (REQUIRED | OPTIONAL)[key] for key, pos in header.index.items()}
        self.rows: list[dict[str, Any]] = []
        self.quarantined: list[QuarantinedRow] = []
        self.rows_in_file = 0
        self.unknown_regions: Counter[str] = Counter()
        self.relabelled: Counter[tuple[str, str]] = Counter()
        # Per-value caches: 19k rows share a few hundred distinct labels.
        self._dates: dict[Any, date | None] = {}
        self._support: dict[str, str | None] = {}
        self._accommodation: dict[str, str | None] = {}
        self._regions: dict[str, str | None] = {}

    def _cell(self, cells: Sequence[Any], key: str) -> Any:
        pos = self.header.index.get(key)
        if pos is None or pos >= len(cells):
            return None
        return cells[pos]

    def _record(self, cells: Sequence[Any]) -> dict[str, str]:
        record: dict[str, str] = {}
        for pos, name in enumerate(self.header.names):
            if name:
                record[name] = cell_text(cells[pos]) if pos < len(cells) else ""
        return record

    def _quarantine(self, row_number: int, cells: Sequence[Any], key: str, value: Any, reason: str) -> None:
        text = cell_text(value)
        self.quarantined.append(
            QuarantinedRow(
                row_number=row_number,
                column=self.col.get(key, (REQUIRED | OPTIONAL).get(key)),
                value=text if text else None,
                reason=reason,
                record=self._record(cells),
            )
        )

    def feed(self, rows: Iterable[tuple[int, Sequence[Any]]]) -> None:
        for row_number, cells in rows:
            texts = [cell_text(c) for c in cells]
            if not any(texts):
                continue
            if is_table_footer(next(t for t in texts if t)):
                return
            self.rows_in_file += 1
            self._row(row_number, cells)

    def _row(self, n: int, cells: Sequence[Any]) -> None:
        """One data row, typed; or quarantined with the first check it fails, in column order."""
        try:
            period_end = self._period_end(cells)
            self._check_year_and_quarter(cells, period_end)
            support = self._coded(cells, "support_type", self._support, support_type)
            accommodation = self._coded(cells, "accommodation_type", self._accommodation, accommodation_type)
            local_authority, lad_code, is_placeholder, region_text = self._place(cells)
            uk_region = self._region(region_text)
            people = self._people(cells)
        except _Refused as refused:
            self._quarantine(n, cells, refused.key, refused.value, refused.reason)
            return
        self.rows.append(
            {
                "period_end": period_end,
                "support_type": support,
                "uk_region": uk_region,
                "local_authority": local_authority or None,
                "lad_code": lad_code,
                "accommodation_type": accommodation,
                "is_placeholder": is_placeholder,
                "people": people,
                "_row_number": n,
            }
        )

    def _period_end(self, cells: Sequence[Any]) -> date:
        raw_date = self._cell(cells, "date")
        cache_key = raw_date if isinstance(raw_date, str | date) else repr(raw_date)
        if cache_key not in self._dates:
            self._dates[cache_key] = read_date(raw_date)
        period_end = self._dates[cache_key]
        if period_end is None:
            raise _Refused(
                "date",
                raw_date,
                f"Date must be a date such as '31 Mar 2023' or '2023-03-31', got {cell_text(raw_date)!r}",
            )
        return period_end

    def _check_year_and_quarter(self, cells: Sequence[Any], period_end: date) -> None:
        """The re-packaged CSV's Year and Quarter must agree with Date."""
        if "year" in self.header.index:
            raw = cell_text(self._cell(cells, "year"))
            wrong_year = year_mismatch(period_end, raw)
            if wrong_year:
                raise _Refused("year", raw, wrong_year)
        if "quarter" in self.header.index:
            raw = cell_text(self._cell(cells, "quarter"))
            expected = (period_end.month - 1) // 3 + 1
            m = _QUARTER.match(raw.removesuffix(".0"))
            if m is None or int(m[1]) != expected:
                raise _Refused(
                    "quarter",
                    raw,
                    f"Quarter must agree with Date {period_end.isoformat()} (expected {expected}), got {raw!r}",
                )

    def _coded(
        self, cells: Sequence[Any], key: str, seen: dict[str, str | None], read: Callable[[str], str | None]
    ) -> str:
        """The canonical support or accommodation type of a label (each distinct label read once)."""
        text = label(self._cell(cells, key))
        if text not in seen:
            seen[text] = read(text)
        value = seen[text]
        if value is None:
            if key == "support_type":
                raise _Refused(
                    key, text, f"Support Type must be one of {SUPPORT_TYPES_EXPECTED}, got {text!r}"
                )
            raise _Refused(
                key, text, f"{self.col[key]} must be one of {ACCOMMODATION_EXPECTED}, got {text!r}"
            )
        return value

    def _place(self, cells: Sequence[Any]) -> tuple[str, str | None, bool, str]:
        """(local authority as published, LAD code or None, whether the row is a placeholder outside any
        local authority, region as published)."""
        local_authority = label(self._cell(cells, "local_authority"))
        region_text = label(self._cell(cells, "uk_region"))
        code_text = label(self._cell(cells, "lad_code")).upper()
        code_is_na = not code_text or is_placeholder_text(code_text)
        is_placeholder = (
            is_placeholder_text(local_authority)
            or (not local_authority and code_is_na)
            or (is_placeholder_text(region_text) and code_is_na)
        )
        lad_code: str | None = None
        if not is_placeholder and not code_is_na:
            if not GSS_CODE.match(code_text):
                raise _Refused(
                    "lad_code",
                    code_text,
                    f"LAD Code must be a GSS code (E, K, N, S or W and 8 digits, e.g. {GSS_CODE_EXAMPLE!r}), "
                    f"or blank/N/A for rows outside any local authority, got {code_text!r}",
                )
            lad_code = code_text
        return local_authority, lad_code, is_placeholder, region_text

    def _region(self, region_text: str) -> str | None:
        """The canonical region; an unknown one is kept as published and counted for a warning."""
        if region_text not in self._regions:
            self._regions[region_text] = region(region_text)
        uk_region: str | None = self._regions[region_text]
        if uk_region is None:
            uk_region = region_text or None
            if region_text and not is_placeholder_text(region_text):
                self.unknown_regions[region_text] += 1
        elif uk_region != region_text:
            self.relabelled[(region_text, uk_region)] += 1
        return uk_region

    def _people(self, cells: Sequence[Any]) -> int:
        raw_people = self._cell(cells, "people")
        people = read_count(raw_people)
        if isinstance(people, NotACount):
            if people.kind == "suppressed":
                reason = f"People is the {people.reason()}, expected a whole number >= 0"
            else:
                got = "blank" if people.kind == "blank" else repr(people.text)
                reason = f"People must be a whole number >= 0, got {got}"
            raise _Refused("people", raw_people, reason)
        return people

    def result(self, file_format: str) -> ParseResult:
        release = max(r["period_end"] for r in self.rows).isoformat() if self.rows else "empty"
        notes = [f"header on row {self.header.row_number}"]
        placeholders = sum(1 for r in self.rows if r["is_placeholder"])
        if placeholders:
            notes.append(
                f"{placeholders} placeholder row(s) outside any local authority (Unknown, N/A - ...)"
            )
        for (published, canonical), count in sorted(self.relabelled.items()):
            notes.append(f"UK Region {published!r} read as {canonical!r} on {count} row(s)")
        for region_text, count in sorted(self.unknown_regions.items()):
            notes.append(
                f"UK Region {region_text!r} is not a known region; kept as published on {count} row(s)"
            )
        keys = Counter(
            (r["period_end"], r["support_type"], r["local_authority"], r["lad_code"], r["accommodation_type"])
            for r in self.rows
        )
        repeated = sum(c for c in keys.values() if c > 1)
        if repeated:
            notes.append(
                f"{repeated} row(s) repeat the period, support type, local authority, LAD code and "
                "accommodation type of another row; kept as published (their people add up)"
            )
        names_by_code: dict[tuple[date, str], set[str]] = {}
        for r in self.rows:
            if r["lad_code"]:
                names_by_code.setdefault((r["period_end"], r["lad_code"]), set()).add(r["local_authority"])
        for (period, code), names in sorted(names_by_code.items()):
            if len(names) > 1:
                notes.append(
                    f"{period.isoformat()}: LAD Code {code} is published for {len(names)} different local "
                    f"authority names ({', '.join(sorted(names)[:3])}, ...); kept as published"
                )
        return ParseResult(
            rows=self.rows,
            quarantined=self.quarantined,
            rows_in_file=self.rows_in_file,
            release=release,
            file_format=file_format,
            notes=notes,
            warnings=self.header.warnings(self.file_name, self.sheet),
            published_columns={CANONICAL[key]: name for key, name in self.col.items() if key in CANONICAL},
        )


def parse_table(
    rows: Iterator[tuple[int, Sequence[Any]]], file_name: str, file_format: str, sheet: str | None = None
) -> ParseResult:
    """Header, then data rows until ``End of table``; ``sheet`` (of a workbook) is named in messages.

    Columns Asy_D11 does not have are not loaded, and each is a warning of the result naming the
    file, header row and column (the known columns still mean the same, so the load goes ahead)."""
    header = find_header(rows)
    if header is None:
        raise ParseError(
            file_name,
            f"{f'sheet {sheet!r}: ' if sheet else ''}no header row found in the first {HEADER_SCAN_ROWS} rows "
            f"(expected columns {', '.join(repr(c) for c in REQUIRED.values())})",
        )
    _check_columns(header, file_name)
    parser = _Parser(file_name, header, sheet)
    parser.feed(rows)
    result = parser.result(file_format)
    result.check_accounting()
    return result
