"""Home Office initial decisions on asylum applications by nationality, one row per quarter and
nationality (derived by a re-packager from table Asy_D02).

The CSV has the columns ``Date,Year,Quarter,Nationality,Region,Grant,Refused,Administrative Outcome,
Initial grant rate``: ``Date`` is the quarter end, ``Year`` repeats it and ``Quarter`` is text such
as ``2001 Q1`` (kept as ``quarter_label``); both are checked against ``Date``. ``NA`` in a count or in
the grant rate means no decisions of that kind and is loaded as null. ``Region`` is the Home Office's
world region of the nationality. The published grant rate is loaded as published; rows where it is
not Grant / (Grant + Refused) are counted in one warning.

Modules: :mod:`.table` (the columns and what a good row is; the header, field counts and quarantine
records are :mod:`housing_need.sources.csv_table`'s). Dates, counts and text decoding follow
:mod:`housing_need.sources.conventions`.
"""

from __future__ import annotations

from ...privacy.classes import PrivacyClass
from ..csv_table import CSV_EXTENSIONS
from ..home_office import IMMIGRATION_STATISTICS_QUARTERLY
from ..spec import ParseResult, SourceSpec
from .table import parse_csv

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
FILE_EXTENSIONS = CSV_EXTENSIONS

# Published with the rest of Immigration system statistics. Not set on SOURCE yet: SourceSpec takes a
# calendar only together with a Discovery, and we do not have the publisher's file of this table.
CALENDAR = IMMIGRATION_STATISTICS_QUARTERLY


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one initial-decisions CSV into canonical rows plus quarantined rows."""
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
)
