"""Build deliveries of the simple CSV feeds (one header line, one record per line) from the REAL
bundled rows, never hand-typed numbers: resettlement (Res_D01), initial decisions (Asy_D02) and the
LAHS Section C waiting-list extract; and the checks every one of those feeds must pass.

:func:`read_table` reads a bundled sample as published text; the helpers return a changed copy of a
:class:`Table` (one cell, a column gone, a column added, rows kept) and :func:`to_csv` writes it in
any encoding :data:`tests.support.asy_d11.ENCODINGS` knows (UTF-8 with or without BOM, Windows-1252,
Windows-1252 behind a UTF-8 BOM, UTF-16 with BOM), comma- or tab-separated.

:class:`Feed` is one bundled sample with its feed's ``parse``; the ``check_*`` functions and
:func:`parse_encoded` / :func:`parse_with_extra_column` are the assertions each feed's test module
makes the same way (every parse is :func:`checked`: each row of the file is a row or quarantined).
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

from housing_need.errors import ParseError
from housing_need.sources import ParseResult, PrivacyClass, QuarantinedRow, SourceSpec, get_source
from tests.support.asy_d11 import encode_as, table_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data/sample"
RESETTLEMENT_CSV = SAMPLES / "home_office_resettlement/res_d01_local_authority_resettlement_2014q1_2023q4.csv"
DECISIONS_CSV = (
    SAMPLES / "home_office_asylum_decisions/asy_d02_initial_decisions_by_nationality_2001q1_2023q4.csv"
)
WAITING_LIST_CSV = SAMPLES / "mhclg_waiting_lists/lahs_waiting_list_2015_2025.csv"


@dataclass(frozen=True)
class Table:
    """A CSV as published: the header and each data row's fields (text)."""

    header: list[str]
    rows: list[list[str]]

    def dicts(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]

    def find(self, where: Mapping[str, str], start: int = 0) -> int:
        """The first data row (from ``start``) whose columns have the values in ``where``."""
        cols = {self.header.index(name): value for name, value in where.items()}
        return next(
            i for i in range(start, len(self.rows)) if all(self.rows[i][c] == v for c, v in cols.items())
        )


def read_table(path: Path) -> Table:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    return Table(header, rows)


def csv_line(row_index: int) -> int:
    """The line (header = line 1) of data row ``row_index`` (0-based) of a file with no blank lines."""
    return row_index + 2


def to_csv(table: Table, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """The table as a delivered CSV (CRLF line ends) in ``encoding``."""
    return encode_as(table_text(table.header, table.rows, delimiter), encoding)


def keep(table: Table, predicate: Callable[[Mapping[str, str]], bool]) -> Table:
    """The table with only the rows for which ``predicate(row as a dict)`` holds."""
    return Table(
        list(table.header),
        [list(r) for r in table.rows if predicate(dict(zip(table.header, r, strict=True)))],
    )


def with_cell(table: Table, row_index: int, column: str, value: str) -> Table:
    """The table with data row ``row_index`` having ``value`` in ``column``."""
    rows = [list(r) for r in table.rows]
    rows[row_index][table.header.index(column)] = value
    return Table(list(table.header), rows)


def without_column(table: Table, column: str) -> Table:
    """The table without ``column`` (header and cells)."""
    pos = table.header.index(column)
    return Table(table.header[:pos] + table.header[pos + 1 :], [r[:pos] + r[pos + 1 :] for r in table.rows])


def with_extra_column(table: Table, column: str = "Notes", value: str = "[note 1]") -> Table:
    """The table with one more column after the last, ``value`` in every row."""
    return Table([*table.header, column], [[*r, value] for r in table.rows])


# ------------------------------------------------------------------------------------------
# A feed's bundled sample, and the checks every CSV feed passes

Parse = Callable[[bytes, str], ParseResult]
OPEN_GOVERNMENT_LICENCE = "Open Government Licence v3.0"


# A data row of quarter 2023 Q4 (Date 2023-12-31) with a bad Date or Year: (column, value, the reason
# or a part of it) as every quarterly feed quarantines it (csv_table.TableRows.quarter_end).
QUARTER_END_CASES = [
    ("Date", "31/13/2023", "Date must be a date such as '2023-12-31' or '31 Dec 2023', got '31/13/2023'"),
    ("Date", "", "Date must be a date such as '2023-12-31' or '31 Dec 2023', got ''"),
    ("Date", "Q4 2023", "Date must be a date such as '2023-12-31' or '31 Dec 2023', got 'Q4 2023'"),
    (
        "Date",
        "2023-11-30",
        "Date must be the end of a quarter (31 Mar, 30 Jun, 30 Sep or 31 Dec), got '2023-11-30'",
    ),
    (
        "Date",
        "2023-12-01",
        "Date must be the end of a quarter (31 Mar, 30 Jun, 30 Sep or 31 Dec), got '2023-12-01'",
    ),
    ("Date", "2023-12-30", "Date must be the end of a quarter"),
    ("Year", "2022", "Year must agree with Date 2023-12-31 (expected 2023), got '2022'"),
    ("Year", "2024", "Year must agree with Date 2023-12-31 (expected 2023), got '2024'"),
]


def checked(result: ParseResult) -> ParseResult:
    """``result``, after checking that every row of the file is a row or a quarantined row."""
    assert result.rows_in_file == len(result.rows) + len(result.quarantined)
    result.check_accounting()
    return result


@dataclass(frozen=True)
class Feed:
    """A feed's bundled sample (``path``) and the feed's ``parse``."""

    path: Path
    parse: Parse

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def content(self) -> bytes:
        return self.path.read_bytes()

    @cached_property
    def table(self) -> Table:
        return read_table(self.path)

    @cached_property
    def published(self) -> list[dict[str, str]]:
        """The bundled rows read with the csv module alone (not the parser)."""
        with open(self.path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    @cached_property
    def lines(self) -> list[list[str]]:
        """The sample's records (the header first), so that ``lines[row_number - 1]`` is a row's line."""
        return list(csv.reader(io.StringIO(self.content.decode("utf-8"))))

    def parsed(self) -> ParseResult:
        """The bundled sample, parsed."""
        return checked(self.parse(self.content, self.name))

    def parse_csv(self, table: Table, file_name: str) -> ParseResult:
        """``table`` delivered as a UTF-8 CSV named ``file_name``, parsed."""
        return checked(self.parse(to_csv(table), file_name))


def check_every_row_read(result: ParseResult, rows: int, release: str, warnings: list[str]) -> None:
    """All ``rows`` rows of the file are canonical rows (none quarantined), with these warnings."""
    assert result.rows_in_file == rows
    assert len(result.rows) == rows and result.quarantined == []
    assert result.release == release
    assert result.file_format == "csv"
    assert result.warnings == warnings


def check_canonical_columns(result: ParseResult, spec: SourceSpec, canonical: Mapping[str, str]) -> None:
    """The spec declares ``canonical`` (name -> type, in order) and every row has those keys in order."""
    assert dict(spec.columns) == canonical and list(spec.columns) == list(canonical)
    for row in result.rows:
        assert list(row) == [*canonical, "_row_number"]


def check_open_csv_spec(spec: SourceSpec, name: str, extensions: tuple[str, ...] = (".csv",)) -> None:
    """The registry's source ``name`` is ``spec``: open statistics in CSV (and ``extensions``)."""
    assert get_source(name) is spec
    assert spec.file_extensions == extensions
    assert spec.licence == OPEN_GOVERNMENT_LICENCE and spec.privacy is PrivacyClass.OPEN


def check_parses_fast(feed: Feed, seconds: float) -> None:
    started = time.perf_counter()
    feed.parse(feed.content, feed.name)
    assert time.perf_counter() - started < seconds


def check_missing_column_refused(feed: Feed, table: Table, column: str) -> None:
    """Without ``column`` the file is refused, naming the file, the header row and the column."""
    with pytest.raises(ParseError) as info:
        feed.parse(to_csv(without_column(table, column)), "no_column.csv")
    assert info.value.column == column and info.value.row == 1
    assert f"missing required column {column!r}; columns found: " in str(info.value)
    assert "no_column.csv" in str(info.value)


def check_empty_file_refused(feed: Feed, content: bytes) -> None:
    with pytest.raises(ParseError, match="file is empty"):
        feed.parse(content, "empty.csv")


def check_other_extension_refused(
    feed: Feed, file_name: str, message: str = "unsupported file extension"
) -> None:
    with pytest.raises(ParseError, match=message):
        feed.parse(feed.content, file_name)


def parse_with_extra_column(feed: Feed, table: Table, column: str, value: str, file_name: str) -> ParseResult:
    """``table`` with one more column, parsed: the same rows as without it, none quarantined."""
    result = feed.parse_csv(with_extra_column(table, column, value), file_name)
    assert result.rows == feed.parse(to_csv(table), "plain.csv").rows and result.quarantined == []
    return result


def parse_encoded(feed: Feed, table: Table, encoding: str, non_ascii: str) -> ParseResult:
    """``table`` written in ``encoding`` (tab-separated if UTF-16), which holds the text ``non_ascii``,
    parsed: the same rows as from UTF-8, none quarantined. Windows-1252 bytes are checked to be
    those of ``non_ascii`` in that encoding (so not UTF-8)."""
    content = to_csv(table, encoding, "\t" if encoding.startswith("utf-16") else ",")
    if encoding.startswith("cp1252"):
        assert non_ascii.encode("cp1252") in content
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8-sig")  # really Windows-1252 bytes
    result = checked(feed.parse(content, f"{encoding}.csv"))
    assert result.rows == feed.parse(to_csv(table), "utf8.csv").rows and result.quarantined == []
    return result


def check_bad_cell_quarantined(
    feed: Feed, table: Table, i: int, column: str, value: str, reason: str
) -> QuarantinedRow:
    """Data row ``i`` with ``value`` in ``column`` is quarantined alone, naming its line, the column,
    the value and (in part) ``reason``, with the line's record as read; the other rows load."""
    broken = with_cell(table, i, column, value)
    result = feed.parse_csv(broken, "bad.csv")
    assert len(result.quarantined) == 1
    q = result.quarantined[0]
    assert (q.row_number, q.column, q.value) == (csv_line(i), column, value.strip() or None)
    assert reason in q.reason
    assert q.record == dict(zip(table.header, [v.strip() for v in broken.rows[i]], strict=True))
    json.dumps(q.record)  # stored as JSON by the loader
    assert len(result.rows) == len(table.rows) - 1
    assert csv_line(i) not in {r["_row_number"] for r in result.rows}
    return q


def resettlement_workbook(table: Table, *, sheet: str = "Data - Res_D01") -> bytes:
    """The Res_D01 rows of ``table`` (the bundled CSV's columns) in the Home Office's workbook: a cover
    sheet, then ``sheet`` with a title row, the header (row 2: the CSV's columns without Date, the
    quarter written ``2014 Q1``), the rows from row 3, ``End of table`` and footnotes."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    cover = wb.create_sheet("Cover_sheet")
    cover.append(["Immigration system statistics: resettlement by local authority"])
    cover.append(["This workbook contains table Res_D01."])
    ws = wb.create_sheet(sheet)
    ws.append(["Res_D01: Resettlement by local authority"])
    header = [name for name in table.header if name != "Date"]
    ws.append(header)
    for row in table.dicts():
        cells: list[object] = []
        for name in header:
            value = row[name]
            if name == "Quarter":
                cells.append(f"{row['Year']} Q{value}")
            elif name in ("Year", "Persons") and value.isdigit():
                cells.append(int(value))  # the publisher's numbers are numbers
            else:
                cells.append(value)
        ws.append(cells)
    ws.append(["End of table"])
    ws.append([])
    ws.append(["Source: Home Office, Immigration system statistics, table Res_D01."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
