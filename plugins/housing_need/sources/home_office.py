"""What the Home Office's *Immigration system statistics* feeds share: their release calendar, the
page their files are on, and the house style of their workbooks.

Every table of the quarterly release (Asy_D11 asylum support, Res_D01 resettlement, Asy_D02 initial
decisions, ...) comes out on the same day, so their sources use this one calendar rather than a copy
each. Each workbook has a cover sheet, the table on a sheet ``Data - <table>`` (a title row, maybe a
blank row, the header, the rows, an ``End of table`` line, footnotes): :func:`data_sheet` finds the
sheet as every Home Office reader does. This is a plain module, not a source package: the registry
finds no ``SOURCE`` here.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ParseError
from .conventions import Workbook
from .publication import ReleaseCalendar

# The GOV.UK page that lists the local authority datasets of each release (Asy_D11, Res_D01).
ASYLUM_AND_RESETTLEMENT_DATASETS = (
    "https://www.gov.uk/government/statistical-data-sets/asylum-and-resettlement-datasets"
)

IMMIGRATION_STATISTICS_QUARTERLY = ReleaseCalendar(
    period_end_months=(3, 6, 9, 12),
    lag_months=2,
    window_from_day=22,
    grace_days=7,
    description=(
        "quarterly, the quarter ending March, June, September and December published two months "
        "later, usually in the last week of May, August, November and February"
    ),
)


def _norm_sheet(name: str) -> str:
    return " ".join(name.lower().replace("\u2013", "-").split())


def data_sheet(workbook: Workbook, table: str, holds_header: Callable[[str], bool]) -> str:
    """The sheet holding Home Office ``table`` (``Asy_D11``): ``Data - <table>``, else a sheet named
    like it (``data - asy_d11``, ``Data \u2013 Asy_D11``, ``Data_Asy_D11``), else the one sheet for
    which ``holds_header(sheet)`` (its first rows hold the table's header)."""
    names = workbook.sheet_names
    wanted = f"Data - {table}"
    chosen = [n for n in names if _norm_sheet(n) == _norm_sheet(wanted)]
    if not chosen:
        chosen = [n for n in names if _norm_sheet(n).startswith("data") and table.lower() in _norm_sheet(n)]
    if not chosen:
        chosen = [n for n in names if holds_header(n)]
        if len(chosen) != 1:
            what = "no sheet has" if not chosen else f"several sheets have ({chosen})"
            raise ParseError(
                workbook.file_name,
                f"no sheet named {wanted!r} and {what} the {table} header; sheets: {names}",
            )
    return chosen[0]
