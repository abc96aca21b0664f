"""The files Asy_D11 arrives in: the publisher's CSV (and the re-packaged CSV the sample uses) and the
publisher's workbook, whose table is on sheet ``Data - Asy_D11`` (found as every Home Office table:
:func:`housing_need.sources.home_office.data_sheet`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..conventions import Workbook, read_csv
from ..home_office import data_sheet
from ..spec import ParseResult
from .table import HEADER_SCAN_ROWS, TABLE, find_header, parse_table


def parse_csv(content: bytes, file_name: str) -> ParseResult:
    return parse_table(read_csv(content, file_name), file_name, "csv")


def _sheet_rows(values: list[list[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    # Workbook.rows starts at A1, so list index + 1 is the worksheet row.
    for index, cells in enumerate(values):
        yield index + 1, cells


def parse_xlsx(content: bytes, file_name: str) -> ParseResult:
    workbook = Workbook(content, file_name)
    sheet = data_sheet(
        workbook,
        TABLE,
        lambda name: find_header(_sheet_rows(workbook.rows(name, HEADER_SCAN_ROWS))) is not None,
    )
    return parse_table(_sheet_rows(workbook.rows(sheet)), file_name, "xlsx", sheet=sheet)
