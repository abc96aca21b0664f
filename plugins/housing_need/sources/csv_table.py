"""Tables of named columns, written once for every feed that reads one.

The simple CSV feeds (resettlement Res_D01, initial decisions Asy_D02, the LAHS Section C extract)
are one header line naming the columns, then one record per line; each feed's ``table`` module says
only what is its own (its columns, what a good row is, its notes) and this module does the rest:

- :class:`Columns`: a table's name as messages give it, its required columns (field -> the name
  the file uses, matched ignoring case and runs of white space) and the canonical column each
  field is loaded as. :meth:`Columns.read_header` reads the first non-blank line and refuses a
  header missing a required column with a :class:`~housing_need.errors.ParseError` naming the
  file, row and column.
- :class:`Header`: the names a header publishes and the column each field is read from, and why
  any other named column is not read (not part of the table, or a repeat of one read), as
  warnings naming the file (and sheet) and header row. It serves Asy_D11 too, whose header is
  found by a scan, whose names have aliases and whose workbook has sheets.
- :class:`TableRows`: the rows below the header. A blank line is not a row; a line with fewer
  fields than the header (or more, not blank) is quarantined with the record as read; every other
  line goes to the feed's :meth:`TableRows.read_row` and becomes a canonical row or a quarantined
  one, never nothing. :meth:`TableRows.parse` is a feed's whole ``parse_table`` and
  :meth:`TableRows.parse_delivery` its ``parse``.
- Quarters: :func:`quarter_of`, :func:`year_mismatch` and :meth:`TableRows.quarter_end` (a Date
  that must be a quarter end and agree with Year).
- :func:`sample_text`: the first few row numbers (or rows) a message quotes.

Cells are read with :mod:`housing_need.sources.conventions`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from ..errors import ParseError
from .conventions import cell_text, check_delivery, label, read_csv, read_date
from .spec import ParseResult, QuarantinedRow

CSV_EXTENSIONS = (".csv",)
QUARTER_ENDS = "31 Mar, 30 Jun, 30 Sep or 31 Dec"
SAMPLE = 5  # items a message quotes before '...'

Records = Iterator[tuple[int, list[str]]]  # (line number, fields), as read_csv gives them


def quarter_of(day: date) -> int | None:
    """1-4 if ``day`` is the last day of a calendar quarter, else None."""
    if (day.month, day.day) in ((3, 31), (6, 30), (9, 30), (12, 31)):
        return day.month // 3
    return None


def year_mismatch(period_end: date, text: str) -> str | None:
    """Why a Year cell (``2023``, or ``2023.0`` as a spreadsheet writes it) does not agree with Date,
    or None when it does."""
    if text.removesuffix(".0") == str(period_end.year):
        return None
    return f"Year must agree with Date {period_end.isoformat()} (expected {period_end.year}), got {text!r}"


def sample_text(items: Sequence[object]) -> str:
    """The first :data:`SAMPLE` items, comma-separated, then ``...`` if there are more."""
    return ", ".join(str(item) for item in items[:SAMPLE]) + (", ..." if len(items) > SAMPLE else "")


def column_index(cells: Sequence[Any], field_of: Callable[[Any], str | None]) -> dict[str, int]:
    """Field -> position of the first header cell that names it."""
    index: dict[str, int] = {}
    for pos, cell in enumerate(cells):
        key = field_of(cell)
        if key is not None and key not in index:
            index[key] = pos
    return index


def record_of(names: Sequence[str], cells: Sequence[Any]) -> dict[str, str]:
    """A row as read, by header name (``column N`` where the header has none), for quarantine."""
    record = {name or f"column {pos + 1}": "" for pos, name in enumerate(names)}
    for pos, value in enumerate(cells):
        name = names[pos] if pos < len(names) else ""
        record[name or f"column {pos + 1}"] = cell_text(value)
    return record


@dataclass
class Header:
    row_number: int
    names: list[str]  # header text per position, as published (white space collapsed)
    index: dict[str, int]  # field -> position
    table: str  # the table as messages name it, e.g. "the resettlement table (Res_D01)"
    field_of: Callable[[str], str | None]  # the field a column name stands for, or None

    def unread(self) -> list[str]:
        """One message per named column that is not read: not part of the table, or a repeat."""
        out = []
        read = set(self.index.values())
        for pos, name in enumerate(self.names):
            if not name or pos in read:
                continue
            key = self.field_of(name)
            if key is None:
                out.append(
                    f"column {name!r} (column {pos + 1}) is not part of {self.table} and was not loaded"
                )
            else:
                first = self.index[key]
                out.append(
                    f"column {name!r} (column {pos + 1}) repeats column {self.names[first]!r} "
                    f"(column {first + 1}) and was not loaded"
                )
        return out

    def where(self, file_name: str, sheet: str | None = None) -> str:
        """``file 'x.csv'[, sheet 'S'], header row N``: where a warning about the file points."""
        in_sheet = f", sheet {sheet!r}" if sheet else ""
        return f"file {file_name!r}{in_sheet}, header row {self.row_number}"

    def warnings(self, file_name: str, sheet: str | None = None) -> list[str]:
        """:meth:`unread` as warnings of the result, each naming where the header is."""
        where = self.where(file_name, sheet)
        return [f"{where}: {why}" for why in self.unread()]


@dataclass(frozen=True)
class Columns:
    """A table's name (for messages), its required columns and what each is loaded as."""

    table: str
    required: Mapping[str, str]  # field -> the column name the file uses (any case and white space)
    canonical: Mapping[str, str]  # field -> canonical column (a field not here only cross-checks)
    _by_name: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {name.lower(): key for key, name in self.required.items()})

    def field_of(self, name: str) -> str | None:
        """The field a (white-space-collapsed) column name stands for, or None."""
        return self._by_name.get(name.lower())

    def published(self, col: Mapping[str, str]) -> dict[str, str]:
        """Canonical column -> the name of the delivered column it was read from."""
        return {self.canonical[key]: name for key, name in col.items() if key in self.canonical}

    def read_header(self, records: Records, file_name: str) -> Header:
        """The first non-blank line, which must name every required column."""
        for row_number, fields in records:
            names = [label(f) for f in fields]
            if not any(names):
                continue
            index = column_index(names, self.field_of)
            missing = [published for key, published in self.required.items() if key not in index]
            if missing:
                what = "column" if len(missing) == 1 else "columns"
                raise ParseError(
                    file_name,
                    f"missing required {what} {', '.join(repr(m) for m in missing)}; "
                    f"columns found: {[n for n in names if n]}",
                    row=row_number,
                    column=missing[0],
                )
            return Header(row_number, names, index, self.table, self.field_of)
        raise ParseError(file_name, "no header line (the file holds only blank lines)")


class TableRows:
    """The data rows of one CSV table below its header.

    A feed subclasses this with :attr:`columns`, :meth:`read_row` (append to :attr:`rows` or call
    :meth:`quarantine`) and, if it has any, :meth:`notes` and :meth:`warnings`; :meth:`release` is
    the newest ``period_end`` unless the feed says otherwise."""

    columns: ClassVar[Columns]
    # What a row with the wrong number of fields most likely is (in its quarantine reason).
    misread: ClassVar[str] = "a name with an unquoted comma, or a line cut short?"

    def __init__(self, file_name: str, header: Header) -> None:
        self.file_name = file_name
        self.header = header
        self.col = {key: header.names[pos] for key, pos in header.index.items()}  # field -> name
        self.rows: list[dict[str, Any]] = []
        self.quarantined: list[QuarantinedRow] = []
        self.rows_in_file = 0

    # -- what a feed says ----------------------------------------------------------------------

    def read_row(self, n: int, fields: Sequence[str], cell: dict[str, str]) -> None:
        """Line ``n`` (``cell``: field -> trimmed text) as a canonical row or a quarantined one."""
        raise NotImplementedError

    def release(self) -> str:
        """The release the file is: its newest ``period_end``, or ``empty``."""
        return max(r["period_end"] for r in self.rows).isoformat() if self.rows else "empty"

    def notes(self) -> list[str]:
        """Notes after ``header on row N``."""
        return []

    def warnings(self) -> list[str]:
        """Warnings after those about columns not read; each is prefixed with where the header is."""
        return []

    # -- what every feed shares ----------------------------------------------------------------

    def record(self, fields: Sequence[str]) -> dict[str, str]:
        """The line as read, by header name (``column N`` where the header has none), for quarantine."""
        return record_of(self.header.names, fields)

    def quarantine(self, n: int, fields: Sequence[str], key: str | None, value: str, reason: str) -> None:
        """Quarantine line ``n`` for ``reason``, naming the column of field ``key`` (None: the line)."""
        self.quarantined.append(
            QuarantinedRow(
                row_number=n,
                column=self.col[key] if key else None,
                value=value or None,
                reason=reason,
                record=self.record(fields),
            )
        )

    def feed(self, records: Iterable[tuple[int, list[str]]]) -> None:
        width = len(self.header.names)
        for n, fields in records:
            if not any(cell_text(f) for f in fields):
                continue
            self.rows_in_file += 1
            if len(fields) < width or any(cell_text(f) for f in fields[width:]):
                self.quarantine(
                    n,
                    fields,
                    None,
                    "",
                    f"row has {len(fields)} fields where the header has {width} ({self.misread})",
                )
                continue
            cell = {key: cell_text(fields[pos]) for key, pos in self.header.index.items()}
            self.read_row(n, fields, cell)

    def quarter_end(self, n: int, fields: Sequence[str], cell: Mapping[str, str]) -> tuple[date, int] | None:
        """Fields ``date`` (a quarter end) and ``year`` (its year) as (period end, quarter 1-4), or
        None after quarantining the row."""
        period_end = read_date(cell["date"])
        if period_end is None:
            self.quarantine(
                n,
                fields,
                "date",
                cell["date"],
                f"Date must be a date such as '2023-12-31' or '31 Dec 2023', got {cell['date']!r}",
            )
            return None
        quarter = quarter_of(period_end)
        if quarter is None:
            self.quarantine(
                n,
                fields,
                "date",
                cell["date"],
                f"Date must be the end of a quarter ({QUARTER_ENDS}), got {cell['date']!r}",
            )
            return None
        wrong_year = year_mismatch(period_end, cell["year"])
        if wrong_year:
            self.quarantine(n, fields, "year", cell["year"], wrong_year)
            return None
        return period_end, quarter

    def result(self) -> ParseResult:
        where = self.header.where(self.file_name)
        return ParseResult(
            rows=self.rows,
            quarantined=self.quarantined,
            rows_in_file=self.rows_in_file,
            release=self.release(),
            file_format="csv",
            notes=[f"header on row {self.header.row_number}", *self.notes()],
            warnings=[*self.header.warnings(self.file_name), *(f"{where}: {w}" for w in self.warnings())],
            published_columns=self.columns.published(self.col),
        )

    @classmethod
    def parse(cls, records: Records, file_name: str) -> ParseResult:
        """Header, then every data row; a column the table does not have is a warning, not loaded."""
        header = cls.columns.read_header(records, file_name)
        parser = cls(file_name, header)
        parser.feed(records)
        result = parser.result()
        result.check_accounting()
        return result

    @classmethod
    def parse_delivery(cls, content: bytes, file_name: str) -> ParseResult:
        """A delivered file: a CSV (:data:`CSV_EXTENSIONS`, not empty), decoded and parsed."""
        check_delivery(content, file_name, CSV_EXTENSIONS)
        return cls.parse(read_csv(content, file_name), file_name)
