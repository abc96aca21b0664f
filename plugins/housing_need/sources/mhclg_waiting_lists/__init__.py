"""MHCLG Local authority housing statistics (LAHS), Section C: households on the housing register
(the waiting list) at 1 April, by local authority. The feed is a third-party extract, not an MHCLG
file: one row per LAD24 code and reporting year (the year ending 31 March).

The CSV has the columns ``lad24cd, reporting_year, households_on_register, jointly_managed_register,
reasonable_preference, source``. Known defects of the extract, kept as published: predecessor
districts are separate rows under their successor's LAD24 code (the warehouse sums rows sharing a
code and year), ``reasonable_preference`` is empty, some counts and flags are empty (loaded as null;
empty counts are a warning), and some 2025 values differ from MHCLG's Live Table 600
(``data/sample/README.md``).

``release`` is the end of the newest reporting year (``2025-03-31`` for 2025): the period the source
column names ("year ending 31 March 2025"), whose register is counted the next day, 1 April. Named by
that month end, it is a data period the release calendar (period ends in March) steps from.

Modules: :mod:`.table` (the columns and what a good row is; the header, field counts and quarantine
records are :mod:`housing_need.sources.csv_table`'s). Counts, GSS codes and text decoding follow
:mod:`housing_need.sources.conventions`.
"""

from __future__ import annotations

from ...privacy.classes import PrivacyClass
from ..csv_table import CSV_EXTENSIONS
from ..publication import Discovery, ReleaseCalendar
from ..spec import ParseResult, SourceSpec
from .table import parse_csv

NAME = "mhclg_waiting_lists"

COLUMNS: dict[str, str] = {
    "lad_code": "VARCHAR",
    "reporting_year": "INTEGER",
    "households_on_register": "BIGINT",
    "jointly_managed_register": "BOOLEAN",
    "reasonable_preference": "BIGINT",
    "source_note": "VARCHAR",
}
FILE_EXTENSIONS = CSV_EXTENSIONS

# LAHS for the year ending 31 March is published between November and the following January (the
# 2017-18 release came out on 24 January 2019, later ones in November or December). Look daily from
# 1 November (lag 8 months, window from day 1: November); call it overdue only after January (grace
# 62 days past 30 November). The dbt source freshness follows it (CALENDAR.freshness_days()).
CALENDAR = ReleaseCalendar(
    period_end_months=(3,),
    lag_months=8,
    window_from_day=1,
    grace_days=62,
    description=(
        "annual, the year ending 31 March (households on the register at 1 April) published between "
        "November and the following January"
    ),
)


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one LAHS Section C extract into canonical rows plus quarantined rows."""
    return parse_csv(content, file_name)


SOURCE = SourceSpec(
    name=NAME,
    raw_table="mhclg__waiting_lists",
    columns=COLUMNS,
    parse=parse,
    file_extensions=FILE_EXTENSIONS,
    # Daily; the release calendar decides whether it looks (from 1 November, daily, until the
    # release appears).
    cadence="0 7 * * *",
    publisher=(
        "MHCLG, Local authority housing statistics, Section C (households on the housing register), "
        "third-party extract"
    ),
    licence="Open Government Licence v3.0",
    privacy=PrivacyClass.OPEN,
    row_outcomes_model="waiting_list_row_outcomes",
    calendar=CALENDAR,
    # The Section C extract the parser reads (lad24cd, reporting_year, ...), named by its first and
    # last reporting years; the year ending 31 March of the last one is the release. MHCLG's own LAHS
    # page lists the all-returns open data files, which this parser does not read: point
    # HOUSING_NEED_MHCLG_WAITING_LISTS_PAGE_URL at the page that publishes the extract.
    discovery=Discovery(
        page_url="https://www.gov.uk/government/statistical-data-sets/local-authority-housing-statistics-open-data",
        file_pattern=r"lahs[_-]waiting[_-]list[_-]\d{4}[_-](?P<year>\d{4})[^/]*\.csv$",
        description="the LAHS Section C extract, e.g. lahs_waiting_list_2015_2025.csv",
        period_end_month=3,
    ),
)
