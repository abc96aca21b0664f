"""Home Office initial decisions on asylum applications by nationality, one row per quarter and
nationality (summed from table Asy_D02).

The publisher's detailed dataset (:mod:`.workbook`: ``asylum-applications-datasets-<mon>-<yyyy>.xlsx``,
sheet ``Data - Asy_D02``, one row per quarter, nationality, case type, applicant type, age, sex and
outcome) is summed to this table; the re-packaged CSV is read as it is. The CSV has the columns ``Date,Year,Quarter,Nationality,Region,Grant,Refused,Administrative Outcome,
Initial grant rate``: ``Date`` is the quarter end, ``Year`` repeats it and ``Quarter`` is text such
as ``2001 Q1`` (kept as ``quarter_label``); both are checked against ``Date``. ``NA`` in a count or in
the grant rate means no decisions of that kind and is loaded as null. ``Region`` is the Home Office's
world region of the nationality. The published grant rate is loaded as published; rows where it is
not Grant / (Grant + Refused) are counted in one warning.

Modules: :mod:`.workbook` (the publisher's workbook, summed), :mod:`.table` (the columns and what a good row is; the header, field counts and quarantine
records are :mod:`housing_need.sources.csv_table`'s). Dates, counts and text decoding follow
:mod:`housing_need.sources.conventions`.
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

NAME = "home_office_asylum_decisions"

COLUMNS: dict[str, str] = {
    "period_end": "DATE",
    "quarter_label": "VARCHAR",
    "nationality": "VARCHAR",
    "world_region": "VARCHAR",
    "grants": "BIGINT",
    "refusals": "BIGINT",
    "administrative_outcomes": "BIGINT",
    "published_grant_rate": "DOUBLE",
}
FILE_EXTENSIONS = (*CSV_EXTENSIONS, ".xlsx", ".ods")

# Published with the rest of Immigration system statistics, on the same day as Asy_D11.
CALENDAR = IMMIGRATION_STATISTICS_QUARTERLY


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one initial-decisions delivery (the re-packaged CSV, or the publisher's workbook, summed)
    into canonical rows plus quarantined rows."""
    if check_delivery(content, file_name, FILE_EXTENSIONS) in (".xlsx", ".ods"):
        return parse_workbook(content, file_name)
    return parse_csv(content, file_name)


SOURCE = SourceSpec(
    name=NAME,
    raw_table="home_office__initial_decisions",
    columns=COLUMNS,
    parse=parse,
    file_extensions=FILE_EXTENSIONS,
    cadence="0 7 * * *",
    publisher=(
        "Home Office, Immigration system statistics (initial decisions on asylum applications by "
        "nationality, derived from table Asy_D02)"
    ),
    licence="Open Government Licence v3.0",
    privacy=PrivacyClass.OPEN,
    row_outcomes_model="asylum_decisions_row_outcomes",
    calendar=CALENDAR,
    # The detailed dataset of applications and initial decisions, on Asy_D11's page (not the
    # "asylum-applications-awaiting-decision-datasets" beside it).
    discovery=Discovery(
        page_url=ASYLUM_AND_RESETTLEMENT_DATASETS,
        file_pattern=r"(?:^|/)asylum-applications-datasets-(?P<month>[a-z]{3})[a-z]*-(?P<year>\d{4})[^/]*\.(xlsx|ods)$",
        description="the Asy_D01/Asy_D02 workbook, e.g. asylum-applications-datasets-dec-2023.xlsx",
    ),
)
