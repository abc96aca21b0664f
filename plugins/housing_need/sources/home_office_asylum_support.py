"""Home Office table Asy_D11: asylum seekers in receipt of support by local authority.

Parses the publisher's workbook (sheet ``Data - Asy_D11``), the publisher's CSV of the same
table, and the bundled sample CSV (which adds redundant ``Year`` and ``Quarter`` columns) into
canonical rows. Labels are normalised to codes (``section_95``, ``dispersal``, ...); local
authority names and LAD codes are kept as published (trimmed) because re-keying them to current
geography is dbt's job. Rows that belong to no local authority (``Unknown``,
``N/A - Section 4 (pre-2018)``, ...) are valid rows with ``is_placeholder = True``.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from ..errors import ParseError
from .spec import ParseResult, PrivacyClass, QuarantinedRow, SourceSpec
from .text import csv_records, decode_text

NAME = "home_office_asylum_support"

COLUMNS: dict[str, str] = {
    "period_end": "DATE",
    "support_type": "VARCHAR",
    "uk_region": "VARCHAR",
    "local_authority": "VARCHAR",
    "lad_code": "VARCHAR",
    "accommodation_type": "VARCHAR",
    "is_placeholder": "BOOLEAN",
    "people": "BIGINT",
}

SHEET_NAME = "Data - Asy_D11"
HEADER_SCAN_ROWS = 30

# Canonical field -> the name the publisher uses (for messages).
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

SUPPORT_TYPES = {"95": "section_95", "4": "section_4", "98": "section_98"}
_SUPPORT_RE = re.compile(r"^(?:section|sec|s)\.?\s*(95|4|98)\b", re.I)

ACCOMMODATION_TYPES = (
    "dispersal",
    "subsistence_only",
    "contingency_hotel",
    "contingency_other",
    "initial",
    "other",
    "not_applicable",
)
# Keys are labels lower-cased, with punctuation collapsed to spaces and the word "accommodation" removed.
_ACCOMMODATION: dict[str, str] = {
    "dispersal": "dispersal",
    "dispersed": "dispersal",
    "subsistence only": "subsistence_only",
    "subsistence": "subsistence_only",
    "contingency hotel": "contingency_hotel",
    "hotel": "contingency_hotel",
    "contingency other": "contingency_other",
    "initial": "initial",
    "other": "other",
    "not applicable": "not_applicable",
}
_ACCOMMODATION_EXPECTED = (
    "Dispersal Accommodation, Subsistence Only, Contingency Accommodation - Hotel, "
    "Contingency Accommodation - Other, Initial Accommodation, Other Accommodation or N/A - ..."
)

UK_REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Scotland",
    "Wales",
    "Northern Ireland",
)
_REGION: dict[str, str] = {r.lower(): r for r in UK_REGIONS} | {
    "yorkshire and humber": "Yorkshire and The Humber",
    "yorkshire & the humber": "Yorkshire and The Humber",
    "yorkshire & humber": "Yorkshire and The Humber",
    "east": "East of England",
}

GSS_CODE = re.compile(r"^[EWSN][0-9]{8}$")
# Markers the Home Office and ONS use for suppressed / not available / not applicable counts.
SUPPRESSION_MARKERS = frozenset(
    {"*", "**", "..", ".", ":", "-", "z", "[z]", "x", "[x]", "c", "[c]", "u", "[u]", "low", "[low]"}
)
_END_OF_TABLE = ("end of table", "end of worksheet", "end of data")

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_TEXT_DATE = re.compile(r"^(\d{1,2})[ \-/]([A-Za-z]+)\.?[ \-/,]*(\d{4})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_INT = re.compile(r"^-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.0+)?$")
_QUARTER = re.compile(r"^(?:(?:\d{4})\s*)?q?\s*([1-4])$", re.I)
_NOTE = re.compile(r"\[[^\]]*\]")
_EXCEL_EPOCH = date(1899, 12, 30)


# --------------------------------------------------------------------------------------------
# Cell helpers


def _text(value: Any) -> str:
    """A cell as trimmed text, as a person would read it (dates ISO, whole floats without .0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _label(value: Any) -> str:
    """Trimmed text with internal whitespace runs collapsed."""
    return " ".join(_text(value).split())


def _norm_header(value: Any) -> str:
    text = _NOTE.sub(" ", _text(value)).replace("\u2013", "-").replace("\u2014", "-")
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


def _is_placeholder_text(text: str) -> bool:
    t = text.lower()
    return t in ("unknown", "n/a", "na", "not known", "not applicable") or t.startswith("n/a")


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A workbook date cell without a date format: Excel serial day number.
        if float(value).is_integer() and 20000 < value < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    text = _text(value)
    try:
        if m := _ISO_DATE.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _TEXT_DATE.match(text):
            word = m[2].lower()
            month = _MONTHS.get(word[:3])
            if month is None or not (_MONTH_NAMES[month - 1].startswith(word) or word == "sept"):
                return None
            return date(int(m[3]), month, int(m[1]))
        if m := _UK_DATE.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def _support_type(text: str) -> str | None:
    m = _SUPPORT_RE.match(text)
    return SUPPORT_TYPES[m[1]] if m else None


def _accommodation_type(text: str) -> str | None:
    t = text.lower()
    if t.startswith("n/a"):
        return "not_applicable"
    key = " ".join(w for w in re.split(r"[^a-z0-9/]+", t) if w and w != "accommodation")
    return _ACCOMMODATION.get(key)


def _region(text: str) -> str | None:
    key = " ".join(text.lower().replace("&", " & ").split())
    return _REGION.get(key)


def _people(value: Any) -> int | str:
    """The count, or the reason it is not one."""
    if isinstance(value, bool):
        return f"People must be a whole number >= 0, got {_text(value)!r}"
    if isinstance(value, int | float):
        if float(value).is_integer() and value >= 0:
            return int(value)
        return f"People must be a whole number >= 0, got {_text(value)!r}"
    text = _text(value)
    if not text:
        return "People must be a whole number >= 0, got blank"
    if text.lower() in SUPPRESSION_MARKERS:
        return (
            f"People is the suppression marker {text!r} (count withheld or not available), "
            "expected a whole number >= 0"
        )
    if _INT.match(text):
        number = int(text.replace(",", "").split(".")[0])
        if number >= 0:
            return number
    return f"People must be a whole number >= 0, got {text!r}"


# --------------------------------------------------------------------------------------------
# Table walking


@dataclass
class _Header:
    row_number: int
    names: list[str]  # header text per position, as published
    index: dict[str, int]  # canonical field -> position


def _find_header(rows: Iterable[tuple[int, Sequence[Any]]]) -> _Header | None:
    for count, (row_number, cells) in enumerate(rows):
        if count >= HEADER_SCAN_ROWS:
            return None
        index: dict[str, int] = {}
        for pos, cell in enumerate(cells):
            key = _header_key(cell)
            if key is not None and key not in index:
                index[key] = pos
        if len(index.keys() & REQUIRED.keys()) >= 3:
            return _Header(row_number, [_label(c) for c in cells], index)
    return None


def _check_columns(header: _Header, file_name: str) -> None:
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


class _Parser:
    def __init__(self, file_name: str, header: _Header) -> None:
        self.file_name = file_name
        self.header = header
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
                record[name] = _text(cells[pos]) if pos < len(cells) else ""
        return record

    def _quarantine(self, row_number: int, cells: Sequence[Any], key: str, value: Any, reason: str) -> None:
        text = _text(value)
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
            texts = [_text(c) for c in cells]
            if not any(texts):
                continue
            first = next(t for t in texts if t).lower()
            if first.startswith(_END_OF_TABLE):
                return
            self.rows_in_file += 1
            self._row(row_number, cells)

    def _row(self, n: int, cells: Sequence[Any]) -> None:
        raw_date = self._cell(cells, "date")
        cache_key = raw_date if isinstance(raw_date, str | date) else repr(raw_date)
        if cache_key not in self._dates:
            self._dates[cache_key] = _parse_date(raw_date)
        period_end = self._dates[cache_key]
        if period_end is None:
            self._quarantine(
                n,
                cells,
                "date",
                raw_date,
                f"Date must be a date such as '31 Mar 2023' or '2023-03-31', got {_text(raw_date)!r}",
            )
            return

        if "year" in self.header.index:
            raw = _text(self._cell(cells, "year"))
            if raw.removesuffix(".0") != str(period_end.year):
                self._quarantine(
                    n,
                    cells,
                    "year",
                    raw,
                    f"Year must agree with Date {period_end.isoformat()} (expected {period_end.year}), "
                    f"got {raw!r}",
                )
                return
        if "quarter" in self.header.index:
            raw = _text(self._cell(cells, "quarter"))
            expected = (period_end.month - 1) // 3 + 1
            m = _QUARTER.match(raw.removesuffix(".0"))
            if m is None or int(m[1]) != expected:
                self._quarantine(
                    n,
                    cells,
                    "quarter",
                    raw,
                    f"Quarter must agree with Date {period_end.isoformat()} (expected {expected}), "
                    f"got {raw!r}",
                )
                return

        support_text = _label(self._cell(cells, "support_type"))
        if support_text not in self._support:
            self._support[support_text] = _support_type(support_text)
        support_type = self._support[support_text]
        if support_type is None:
            self._quarantine(
                n,
                cells,
                "support_type",
                support_text,
                f"Support Type must be one of 'Section 95', 'Section 4', 'Section 98', got {support_text!r}",
            )
            return

        accommodation_text = _label(self._cell(cells, "accommodation_type"))
        if accommodation_text not in self._accommodation:
            self._accommodation[accommodation_text] = _accommodation_type(accommodation_text)
        accommodation_type = self._accommodation[accommodation_text]
        if accommodation_type is None:
            self._quarantine(
                n,
                cells,
                "accommodation_type",
                accommodation_text,
                f"{self.col['accommodation_type']} must be one of {_ACCOMMODATION_EXPECTED}, "
                f"got {accommodation_text!r}",
            )
            return

        local_authority = _label(self._cell(cells, "local_authority"))
        region_text = _label(self._cell(cells, "uk_region"))
        code_text = _label(self._cell(cells, "lad_code")).upper()
        code_is_na = not code_text or _is_placeholder_text(code_text)
        is_placeholder = (
            _is_placeholder_text(local_authority)
            or (not local_authority and code_is_na)
            or (_is_placeholder_text(region_text) and code_is_na)
        )
        lad_code: str | None = None
        if not is_placeholder and not code_is_na:
            if not GSS_CODE.match(code_text):
                self._quarantine(
                    n,
                    cells,
                    "lad_code",
                    code_text,
                    "LAD Code must be a GSS code (E, W, S or N and 8 digits, e.g. 'E06000023'), "
                    f"or blank/N/A for rows outside any local authority, got {code_text!r}",
                )
                return
            lad_code = code_text

        if region_text not in self._regions:
            self._regions[region_text] = _region(region_text)
        uk_region: str | None = self._regions[region_text]
        if uk_region is None:
            uk_region = region_text or None
            if region_text and not _is_placeholder_text(region_text):
                self.unknown_regions[region_text] += 1
        elif uk_region != region_text:
            self.relabelled[(region_text, uk_region)] += 1

        raw_people = self._cell(cells, "people")
        people = _people(raw_people)
        if isinstance(people, str):
            self._quarantine(n, cells, "people", raw_people, people)
            return

        self.rows.append(
            {
                "period_end": period_end,
                "support_type": support_type,
                "uk_region": uk_region,
                "local_authority": local_authority or None,
                "lad_code": lad_code,
                "accommodation_type": accommodation_type,
                "is_placeholder": is_placeholder,
                "people": people,
                "_row_number": n,
            }
        )

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
        for region, count in sorted(self.unknown_regions.items()):
            notes.append(f"UK Region {region!r} is not a known region; kept as published on {count} row(s)")
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
        )


def _parse_table(
    rows: Iterator[tuple[int, Sequence[Any]]], file_name: str, file_format: str, where: str = ""
) -> ParseResult:
    header = _find_header(rows)
    if header is None:
        raise ParseError(
            file_name,
            f"{where}no header row found in the first {HEADER_SCAN_ROWS} rows "
            f"(expected columns {', '.join(repr(c) for c in REQUIRED.values())})",
        )
    _check_columns(header, file_name)
    parser = _Parser(file_name, header)
    parser.feed(rows)
    result = parser.result(file_format)
    result.check_accounting()
    return result


# --------------------------------------------------------------------------------------------
# Formats


def _csv_rows(content: bytes, file_name: str) -> Iterator[tuple[int, Sequence[Any]]]:
    if content.startswith(b"PK\x03\x04"):
        raise ParseError(file_name, "file is a zip archive (an .xlsx workbook?) but is named .csv")
    return csv_records(decode_text(content, file_name), file_name)


def _parse_csv(content: bytes, file_name: str) -> ParseResult:
    return _parse_table(_csv_rows(content, file_name), file_name, "csv")


def _sheet_rows(values: list[list[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    # to_python(skip_empty_area=False) starts at A1, so list index + 1 is the worksheet row.
    for index, cells in enumerate(values):
        yield index + 1, cells


def _parse_xlsx(content: bytes, file_name: str) -> ParseResult:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_object(io.BytesIO(content))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises CalamineError/ZipError/XmlError and friends
        raise ParseError(
            file_name, f"cannot open workbook (truncated or not an .xlsx file?): {type(exc).__name__}: {exc}"
        ) from None

    def read(name: str, nrows: int | None = None) -> list[list[Any]]:
        try:
            return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=nrows)
        except Exception as exc:
            raise ParseError(
                file_name, f"cannot read sheet {name!r} (corrupt workbook?): {type(exc).__name__}: {exc}"
            ) from None

    def norm(name: str) -> str:
        return " ".join(name.lower().replace("\u2013", "-").split())

    chosen = [n for n in names if norm(n) == norm(SHEET_NAME)]
    if not chosen:
        chosen = [n for n in names if norm(n).startswith("data") and "asy_d11" in norm(n)]
    if not chosen:
        chosen = [n for n in names if _find_header(_sheet_rows(read(n, HEADER_SCAN_ROWS))) is not None]
        if len(chosen) != 1:
            what = "no sheet has" if not chosen else f"several sheets have ({chosen})"
            raise ParseError(
                file_name, f"no sheet named {SHEET_NAME!r} and {what} the Asy_D11 header; sheets: {names}"
            )
    return _parse_table(_sheet_rows(read(chosen[0])), file_name, "xlsx", where=f"sheet {chosen[0]!r}: ")


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one Asy_D11 delivery (.csv or .xlsx) into canonical rows plus quarantined rows."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParseError(
            file_name, f"unsupported file extension {suffix or '(none)'!r}; expected .csv or .xlsx"
        )
    if not content.strip():
        raise ParseError(file_name, f"file is empty ({len(content)} bytes)")
    if suffix == ".xlsx":
        return _parse_xlsx(content, file_name)
    return _parse_csv(content, file_name)


SOURCE = SourceSpec(
    name=NAME,
    raw_table="home_office__asylum_support",
    columns=COLUMNS,
    parse=parse,
    file_extensions=(".csv", ".xlsx"),
    # Published quarterly (late Feb, May, Aug, Nov); look early in the following month.
    cadence="0 6 1 3,6,9,12 *",
    publisher="Home Office, Immigration system statistics (table Asy_D11)",
    licence="Open Government Licence v3.0",
    privacy=PrivacyClass.OPEN,
    row_outcomes_model="asylum_support_row_outcomes",
)
