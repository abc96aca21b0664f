"""Home Office resettlement arrivals by local authority (table Res_D01), one row per quarter, local
authority and scheme.

The publisher's workbook (:mod:`.workbook`, sheet ``Data - Res_D01``) and the re-packaged CSV are
read. The CSV has the columns ``Date,Year,Quarter,UK Region,LAD Code,Local Authority,Resettlement Scheme,
Persons``: ``Date`` is the quarter end, ``Year`` and ``Quarter`` (1-4) repeat it and are checked
against it, and a quarter with no arrivals in an area under a scheme is left out rather than
published as 0 (so ``Persons`` is at least 1). Region, local authority and scheme are kept as
published (trimmed); re-keying LAD codes of older vintages to current geography is dbt's job. Rows
with LAD Code ``Unknown`` (Afghan arrivals not yet placed in a local authority) are published
figures: they are loaded with no LAD code.

Modules: :mod:`.table` (the columns and what a good row is; the header, field counts and quarantine
records are :mod:`housing_need.sources.csv_table`'s). Dates, counts, GSS codes and text decoding
follow :mod:`housing_need.sources.conventions`.
"""

from __future__ import annotations

from ...privacy.classes import PrivacyClass
from ..conventions import check_delivery
from ..csv_table import CSV_EXTENSIONS
from ..home_office import ASYLUM_AND_RESETTLEMENT_DATASETS, IMMIGRATION_STATISTICS_QUARTERLY
from ..publication import Discovery
from ..spec import ParseResult, SourceSpec
from .table import parse_csv
from .workbook import parse_workbook

NAME = "home_office_resettlement"

COLUMNS: dict[str, str] = {
    "period_end": "DATE",
    "uk_region": "VARCHAR",
    "lad_code": "VARCHAR",
    "local_authority": "VARCHAR",
    "scheme": "VARCHAR",
    "persons": "BIGINT",
}
FILE_EXTENSIONS = (*CSV_EXTENSIONS, ".xlsx", ".ods")

# Published with the rest of Immigration system statistics, on the same day as Asy_D11.
CALENDAR = IMMIGRATION_STATISTICS_QUARTERLY


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one resettlement delivery (the CSV, or the publisher's workbook) into canonical rows plus
    quarantined rows."""
    if check_delivery(content, file_name, FILE_EXTENSIONS) in (".xlsx", ".ods"):
        return parse_workbook(content, file_name)
    return parse_csv(content, file_name)


SOURCE = SourceSpec(
    name=NAME,
    raw_table="home_office__resettlement_arrivals",
    columns=COLUMNS,
    parse=parse,
    file_extensions=FILE_EXTENSIONS,
    cadence="0 7 * * *",
    publisher="Home Office, Immigration system statistics (resettlement by local authority, table Res_D01)",
    licence="Open Government Licence v3.0",
    privacy=PrivacyClass.OPEN,
    row_outcomes_model="resettlement_row_outcomes",
    calendar=CALENDAR,
    discovery=Discovery(
        page_url=ASYLUM_AND_RESETTLEMENT_DATASETS,
        file_pattern=r"resettlement-local-authority-datasets-(?P<month>[a-z]{3})[a-z]*-(?P<year>\d{4})[^/]*\.(xlsx|ods|csv)$",
        description="the Res_D01 workbook, e.g. resettlement-local-authority-datasets-dec-2023.xlsx",
    ),
)
