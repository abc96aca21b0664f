"""What every UK statistics file shares, written once for every source package.

- Areas: :data:`GSS_CODE`, the ONS Government Statistical Service code (a country letter E, K, N,
  S or W and eight digits: ``E06000016``, ``K04000001``, ``W06000001``).
- Counts: :func:`read_count` (a whole number >= 0, with or without thousands separators, from a
  text or workbook cell) and :data:`SUPPRESSION_MARKERS`, the markers the Home Office and ONS
  print instead of a withheld or unavailable count.
- Dates: :func:`read_date` (``31 Mar 2023``, ``31 March 2023``, ``2023-03-31``, ``31/03/2023``,
  workbook dates and Excel serial day numbers).
- Cell text: :func:`cell_text` (a cell as a person reads it) and :func:`label` (the same with
  white space runs collapsed); :func:`is_table_footer` (``End of table`` / ``End of worksheet``).
- Spreadsheet formulas: :func:`formula_start`, the character that would make a spreadsheet run a
  text value as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return).
- Reading deliveries: :func:`check_delivery` (extension and empty file), :func:`decode_text`
  (UTF-16 with a byte-order mark; else UTF-8 or Windows-1252, a UTF-8 BOM stripped first, as Excel
  writes one even before Windows-1252 text), :func:`read_csv` (records numbered by the line a person
  sees, comma- or tab-separated) and :class:`Workbook` (.xlsx/.xls/.ods, with errors that name the
  file).

Everything here is pure; errors are :class:`~housing_need.errors.ParseError` naming the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any, Literal

from ..errors import ParseError

# --------------------------------------------------------------------------------------------
# Areas and counts

GSS_CODE = re.compile(r"^[EKNSW][0-9]{8}$")
GSS_CODE_EXAMPLE = "E06000016"

# Markers the Home Office and ONS print for suppressed / not available / not applicable counts.
SUPPRESSION_MARKERS = frozenset(
    {"..", ".", ":", "-", "*", "**", "x", "[x]", "c", "[c]", "z", "[z]", "u", "[u]", "low", "[low]"}
)

_COUNT = re.compile(r"^-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.0+)?$")
_NUMBER = re.compile(r"^-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$")


@dataclass(frozen=True)
class NotACount:
    """Why a cell is not a count; ``text`` is the cell as read (``''`` when blank)."""

    kind: Literal["blank", "suppressed", "negative", "fraction", "non_numeric"]
    text: str

    def reason(self) -> str:
        """What is wrong, without the column (callers add where the cell is)."""
        if self.kind == "blank":
            return "blank cell"
        if self.kind == "suppressed":
            return f"suppression marker {self.text!r} (count withheld or not available)"
        if self.kind == "negative":
            return f"negative count {self.text}"
        if self.kind == "fraction":
            return f"fractional value {self.text!r}"
        return f"non-numeric value {self.text!r}"


def read_count(value: Any) -> int | NotACount:
    """A cell as a whole number >= 0 (``1,234`` and ``12.0`` are counts), or why it is not one."""
    if isinstance(value, bool):
        return NotACount("non_numeric", str(value))
    if isinstance(value, int | float):
        if not float(value).is_integer():
            return NotACount("fraction", cell_text(value))
        return int(value) if value >= 0 else NotACount("negative", cell_text(value))
    text = cell_text(value)
    if not text:
        return NotACount("blank", "")
    if text.lower() in SUPPRESSION_MARKERS:
        return NotACount("suppressed", text)
    if _COUNT.match(text):
        number = int(text.replace(",", "").split(".")[0])
        return number if number >= 0 else NotACount("negative", text)
    if _NUMBER.match(text):
        return NotACount("fraction", text)
    return NotACount("non_numeric", text)


# --------------------------------------------------------------------------------------------
# Dates

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
_EXCEL_EPOCH = date(1899, 12, 30)


def read_date(value: Any) -> date | None:
    """A date cell as published (text, workbook date or Excel serial day number), or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A workbook date cell without a date format: Excel serial day number (1954 to 2119).
        if float(value).is_integer() and 20000 < value < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    text = cell_text(value)
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


# --------------------------------------------------------------------------------------------
# Cell text

_TABLE_FOOTERS = ("end of table", "end of worksheet", "end of data")


def cell_text(value: Any) -> str:
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


def label(value: Any) -> str:
    """A cell as text with runs of white space (including line breaks in headers) as one space."""
    return " ".join(cell_text(value).split())


def is_table_footer(text: str) -> bool:
    """The ``End of table`` / ``End of worksheet`` line GOV.UK accessible tables end with."""
    return text.strip().lower().startswith(_TABLE_FOOTERS)


# --------------------------------------------------------------------------------------------
# Spreadsheet formulas

FORMULA_CHARACTERS = frozenset("=+-@\t\r")
# A signed number, optionally followed by words: ONS category labels such as '-1',
# '-2 or less' and '+2 or more (under-occupied)' (occupancy rating) are not formulas that do anything.
_SIGNED_NUMBER_LABEL = re.compile(
    r"[+-]\d+(?:\.\d+)?(?: [A-Za-z][A-Za-z \-]*)?(?: \([A-Za-z][A-Za-z \-]*\))?"
)


def formula_start(text: str) -> str | None:
    """The first character of ``text`` if a spreadsheet opening it would run it as a formula
    (``=``, ``+``, ``-``, ``@``, tab or carriage return), else None.

    A signed number, alone or followed by plain words (``-3``, ``-2 or less``), is not flagged:
    it calls nothing and it is how ONS labels some categories."""
    if not text or text[0] not in FORMULA_CHARACTERS:
        return None
    if text[0] in "+-" and _SIGNED_NUMBER_LABEL.fullmatch(text):
        return None
    return text[0]


# --------------------------------------------------------------------------------------------
# Reading deliveries

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_LINES = 30


def check_delivery(content: bytes, file_name: str, extensions: Sequence[str]) -> str:
    """The file's extension (lower case) if it is one of ``extensions`` and the file is not empty."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in extensions:
        raise ParseError(
            file_name, f"unsupported file extension {suffix or '(none)'!r}; expected {', '.join(extensions)}"
        )
    if not content.strip():
        raise ParseError(file_name, f"file is empty ({len(content)} bytes)")
    return suffix


def decode_text(content: bytes, file_name: str) -> str:
    """Text of a delivered file: UTF-16 (LE or BE) if it starts with that byte-order mark (Excel's
    "Unicode text"); otherwise a UTF-8 BOM is stripped first (Excel writes one even before
    Windows-1252 text), then UTF-8, else Windows-1252, else a ParseError naming the offset."""
    for bom, encoding in _UTF16_BOMS.items():
        if content.startswith(bom):
            try:
                return content[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(
                    file_name,
                    f"text starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()} "
                    f"(undecodable bytes at offset {exc.start + len(bom)})",
                ) from None
    offset = len(_UTF8_BOM) if content.startswith(_UTF8_BOM) else 0
    body = content[offset:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ParseError(
            file_name,
            f"text is neither UTF-8 nor Windows-1252 (undecodable byte at offset {exc.start + offset})",
        ) from None


def _delimiter(text: str) -> str:
    """Tab for tab-separated text (Excel's "Unicode text" export), else comma."""
    head = text[:65536].splitlines()[:_SNIFF_LINES]
    tabs = sum(line.count("\t") for line in head)
    return "\t" if tabs > sum(line.count(",") for line in head) else ","


def csv_records(text: str, file_name: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, fields), the header being line 1; a multi-line quoted field
    keeps its first line number. Comma- or tab-separated."""
    if "\x00" in text:
        raise ParseError(
            file_name, "file contains NUL bytes: not a text CSV (UTF-16 without a byte-order mark?)"
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    start = 1
    try:
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError(file_name, f"malformed CSV: {exc}", row=start) from None


def read_csv(content: bytes, file_name: str) -> Iterator[tuple[int, list[str]]]:
    """The records of a delivered CSV (see :func:`decode_text` and :func:`csv_records`); a zip
    archive (such as an .xlsx workbook) named .csv is refused."""
    if content.startswith(_ZIP_MAGIC):
        raise ParseError(file_name, "file is a zip archive (an .xlsx workbook?) but is named .csv")
    return csv_records(decode_text(content, file_name), file_name)


class Workbook:
    """An .xlsx, .xls or .ods workbook read with calamine; failures name the file (and sheet)."""

    def __init__(self, content: bytes, file_name: str) -> None:
        from python_calamine import CalamineWorkbook

        self.file_name = file_name
        try:
            self._book = CalamineWorkbook.from_object(io.BytesIO(content))
            self.sheet_names: list[str] = list(self._book.sheet_names)
        except Exception as exc:  # calamine raises CalamineError/ZipError/XmlError and friends
            raise ParseError(
                file_name,
                f"cannot open workbook (truncated, or not an .xlsx/.xls/.ods file?): {type(exc).__name__}: {exc}",
            ) from None

    def rows(self, sheet: str, nrows: int | None = None) -> list[list[Any]]:
        """The sheet's cells from A1 (list index + 1 is the worksheet row), first ``nrows`` rows."""
        try:
            return self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=nrows)
        except Exception as exc:
            raise ParseError(
                self.file_name,
                f"cannot read sheet {sheet!r} (corrupt workbook?): {type(exc).__name__}: {exc}",
            ) from None
