"""Home Office table Asy_D11: asylum seekers in receipt of support by local authority.

Parses the publisher's workbook (sheet ``Data - Asy_D11``), the publisher's CSV of the same
table, and the bundled sample CSV (which adds redundant ``Year`` and ``Quarter`` columns) into
canonical rows. Labels are normalised to codes (``section_95``, ``dispersal``, ...); local
authority names and LAD codes are kept as published (trimmed) because re-keying them to current
geography is dbt's job. Rows that belong to no local authority (``Unknown``,
``N/A - Section 4 (pre-2018)``, ...) are valid rows with ``is_placeholder = True``.

Modules: :mod:`.labels` (support, accommodation and region labels), :mod:`.table` (header and
rows), :mod:`.formats` (CSV and workbook). Dates, counts, GSS codes, suppression markers and text
decoding follow :mod:`housing_need.sources.conventions`.
"""

from __future__ import annotations

from ...privacy.classes import PrivacyClass
from ..conventions import check_delivery
from ..home_office import ASYLUM_AND_RESETTLEMENT_DATASETS, IMMIGRATION_STATISTICS_QUARTERLY
from ..publication import Discovery
from ..spec import ParseResult, SourceSpec
from .formats import parse_csv, parse_xlsx

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
FILE_EXTENSIONS = (".csv", ".xlsx")


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one Asy_D11 delivery (.csv or .xlsx) into canonical rows plus quarantined rows."""
    if check_delivery(content, file_name, FILE_EXTENSIONS) == ".xlsx":
        return parse_xlsx(content, file_name)
    return parse_csv(content, file_name)


SOURCE = SourceSpec(
    name=NAME,
    raw_table="home_office__asylum_support",
    columns=COLUMNS,
    parse=parse,
    file_extensions=FILE_EXTENSIONS,
    # The extract runs daily; the release calendar decides whether it looks (from the expected day,
    # daily, until the release appears).
    cadence="0 7 * * *",
    publisher="Home Office, Immigration system statistics (table Asy_D11)",
    licence="Open Government Licence v3.0",
    privacy=PrivacyClass.OPEN,
    row_outcomes_model="asylum_support_row_outcomes",
    # The calendar of the whole Immigration system statistics release, shared with the other Home
    # Office feeds (sources/home_office.py).
    calendar=IMMIGRATION_STATISTICS_QUARTERLY,
    discovery=Discovery(
        page_url=ASYLUM_AND_RESETTLEMENT_DATASETS,
        file_pattern=r"support-local-authority-datasets-(?P<month>[a-z]{3})[a-z]*-(?P<year>\d{4})\.(xlsx|ods|csv)$",
        description="the Asy_D11 workbook, e.g. support-local-authority-datasets-sep-2024.xlsx",
    ),
)
