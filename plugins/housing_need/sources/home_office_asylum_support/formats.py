"""The files Asy_D11 arrives in: the publisher's CSV (and the re-packaged CSV the sample uses) and the
publisher's workbook, whose table is on sheet ``Data - Asy_D11`` (found by name, by a name like it,
or as the one sheet holding the table's header)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ...errors import ParseError
from ..conventions import Workbook, read_csv
from ..spec import ParseResult
from .table import HEADER_SCAN_ROWS, find_header, parse_table

SHEET_NAME = "Data - Asy_D11"


def parse_csv(content: bytes, file_name: str) -> ParseResult:
    return parse_table(read_csv(content, file_name), file_name, "csv")


def _sheet_rows(values: list[list[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    # Workbook.rows starts at A1, so list index + 1 is the worksheet row.
    for index, cells in enumerate(values):
        yield index + 1, cells


def _norm_sheet(name: str) -> str:
    return " ".join(name.lower().replace("\u2013", "-").split())


def parse_xlsx(content: bytes, file_name: str) -> ParseResult:
    workbook = Workbook(content, file_name)
    names = workbook.sheet_names
    chosen = [n for n in names if _norm_sheet(n) == _norm_sheet(SHEET_NAME)]
    if not chosen:
        chosen = [n for n in names if _norm_sheet(n).startswith("data") and "asy_d11" in _norm_sheet(n)]
    if not chosen:
        chosen = [
            n for n in names if find_header(_sheet_rows(workbook.rows(n, HEADER_SCAN_ROWS))) is not None
        ]
        if len(chosen) != 1:
            what = "no sheet has" if not chosen else f"several sheets have ({chosen})"
            raise ParseError(
                file_name, f"no sheet named {SHEET_NAME!r} and {what} the Asy_D11 header; sheets: {names}"
            )
    sheet = chosen[0]
    return parse_table(_sheet_rows(workbook.rows(sheet)), file_name, "xlsx", sheet=sheet)
