"""ONS census tables (Census 2021 topic summaries and 2011 Quick Statistics) as one long table of cells.

Every published cell becomes one canonical row: census year, table, area (level, GSS code, name),
the category's place in the table's classification (path, label, level, parent, whether it is a
subtotal) and the count. Subtotals are kept because they are published cells, and ``is_subtotal``
plus ``parent_path`` let dbt never double count them.

Layouts, one module each, told apart by the file's extension and header (:func:`parse`):

- :mod:`.nomis_bulk`: Nomis bulk CSV ``census2021-tsNNN-<level>.csv`` and the bulk ZIP;
- :mod:`.nomis_api`: Nomis API CSV (long: ``GEOGRAPHY_CODE``, ``C2021_..._NAME``, ``OBS_VALUE``);
- :mod:`.qs_workbook`: ONS 2011 Quick Statistics workbook (``QS203EW`` .xls/.xlsx);
- :mod:`.repackaged`: demographr conversions (TS052 LSOA, TS029 MSOA) and the ONS census-quiz
  LA extract (its TS004 subset);
- :mod:`.demographr_long`: demographr conversions stored long (TS012 country of birth at LTLA).

Shared by all layouts: :mod:`.hierarchy` (categories from headers, additivity checks) and
:mod:`.cells` (area rows into cells, per-area-row quarantine and cell accounting). Counts, GSS
codes, suppression markers and decoding follow :mod:`housing_need.sources.conventions`.

Structural problems raise :class:`~housing_need.errors.ParseError` naming file, row and column:
empty file, unrecognised header, missing ``geography code``, duplicate headers, a column not under
the table's variable (a changed header), a category whose parent category is missing from the
file, an unreadable zip or workbook, a file name that does not say which table it holds.
"""

from __future__ import annotations

import itertools
from datetime import date

from ...errors import ParseError
from ...privacy.classes import PrivacyClass
from ..conventions import check_delivery, label, read_csv
from ..publication import Discovery, Part, ReleasedOnce
from ..spec import ParseResult, SourceSpec
from .demographr_long import long_layout_for, parse_long
from .nomis_api import parse_api
from .nomis_bulk import parse_bulk_csv, parse_zip
from .qs_workbook import parse_qs_workbook
from .repackaged import layout_for, parse_repackaged

NAME = "ons_census"

COLUMNS: dict[str, str] = {
    "census_year": "INTEGER",
    "table_code": "VARCHAR",
    "geography_level": "VARCHAR",
    "geography_code": "VARCHAR",
    "geography_name": "VARCHAR",
    "category_path": "VARCHAR",
    "category_label": "VARCHAR",
    "category_level": "INTEGER",
    "parent_path": "VARCHAR",
    "is_subtotal": "BOOLEAN",
    "value": "BIGINT",
    "source_column": "VARCHAR",
}
FILE_EXTENSIONS = (".csv", ".xls", ".xlsx", ".zip")

# The Census 2021 topic summaries this source reads as Nomis bulk files (the other bundled files
# are re-packagers' conversions of tables the model reads from these, and the census-quiz subset).
NOMIS_BULK_TABLES = ("ts004", "ts005", "ts012", "ts015", "ts029", "ts052", "ts054")
NOMIS_BULK_PAGE = "https://www.nomisweb.co.uk/sources/census_2021_bulk"
CENSUS_2021_PARTS = tuple(f"census2021-{table}" for table in NOMIS_BULK_TABLES)  # their releases
# The 2011 tables the model compares with (tenure change, foreign-born stock): each where its
# publisher put it. QS405EW on Nomis's 2011 bulk download page (release 2.2 of Key and Quick
# Statistics), QS203EW in ONS's own workbook on the release page of "2011 Census: Key Statistics
# and Quick Statistics for local authorities in England and Wales" (release 2.1, 11 December 2012).
NOMIS_2011_BULK_PAGE = "https://www.nomisweb.co.uk/census/2011/bulk/r2_2"
ONS_2011_RELEASE_PAGE = (
    "https://www.ons.gov.uk/ons/rel/census/2011-census/"
    "key-statistics-and-quick-statistics-for-local-authorities-in-england-and-wales/index.html"
)
CENSUS_2011 = date(2011, 3, 31)  # census day 27 March 2011; the month end, as discovery dates files
# Both 2011 tables were published for local authorities on 11 December 2012 (ONS release 2.1;
# Nomis carried the same tables that day).
QS203EW = Part("census2011-qs203ew", CENSUS_2011, date(2012, 12, 11), date(2012, 12, 11))
QS405EW = Part("census2011-qs405ew", CENSUS_2011, date(2012, 12, 11), date(2012, 12, 11))

# Released once: ONS published the topic summaries on Nomis in phases, from demography and
# migration (TS004, TS005, TS012, TS015) on 2 November 2022 and language (TS029) on 29 November
# 2022 to housing (TS052, TS054) on 5 January 2023; the 2011 tables on 11 December 2012. The source
# looks until every table's release (census2021-<table>, census2011-<table>) is archived, and is
# late while a table whose window has closed is missing.
CALENDAR = ReleasedOnce(
    period=date(2021, 3, 31),  # census day 21 March 2021; the month end, as discovery dates files
    expected_from=date(2022, 11, 2),
    expected_by=date(2023, 1, 5),
    grace_days=14,
    parts=(*CENSUS_2021_PARTS, QS203EW, QS405EW),
    description=(
        "released once: the Census 2021 topic summaries (census day 21 March 2021), published on "
        "Nomis from 2 November 2022 to 5 January 2023, and the 2011 tables QS203EW and QS405EW, "
        "published 11 December 2012"
    ),
)


def _page_2011(part: Part, name: str, page_url: str, file_pattern: str, description: str) -> Discovery:
    """The page of one 2011 table: its file, named without a year, holds the data of ``part``."""
    return Discovery(
        page_url=page_url,
        file_pattern=file_pattern,
        description=description,
        period=part.period,
        name=name,
        parts=(part.name,),
    )


DISCOVERY = (
    # The bulk page lists census2021-tsNNN.zip (every geography level) and census2021-tsNNN-extra.zip
    # (wards, added later) for every table: only the first, of the tables above.
    Discovery(
        page_url=NOMIS_BULK_PAGE,
        file_pattern=rf"(?:^|/)census(?P<year>2021)-(?:{'|'.join(NOMIS_BULK_TABLES)})\.zip$",
        description=(
            "the Nomis bulk zips of the Census 2021 tables this source reads, e.g. census2021-ts054.zip"
        ),
        period_end_month=3,
        parts=CENSUS_2021_PARTS,
    ),
    # QS405EW for local authorities in Nomis's 2011 bulk layout (date, geography, geography code,
    # Rural Urban, Tenure: ...), named after the table and the level, as a CSV or a zip of it
    _page_2011(
        QS405EW,
        "nomis2011",
        NOMIS_2011_BULK_PAGE,
        r"(?:^|/)qs405ew[^/]*[-_]lad\.(?:csv|zip)$",
        "QS405EW (tenure, households) for local authorities, e.g. qs405ew_tenure-households-lad.csv",
    ),
    # ONS's reference table: r21 (release 2.1) ew rt (reference table) table qs203ew lad v1, with
    # the old ONS site's content id (_tcm77-290919)
    _page_2011(
        QS203EW,
        "ons2011",
        ONS_2011_RELEASE_PAGE,
        r"(?:^|/)r21ewrttableqs203ewlad[^/]*\.xlsx?$",
        "ONS's 2011 QS203EW workbook for local authorities, r21ewrttableqs203ewladv1_tcm77-290919.xls",
    ),
)


def _parse_csv(content: bytes, file_name: str) -> ParseResult:
    records = read_csv(content, file_name)
    first = next(records, None)
    if first is None or not any(f.strip() for f in first[1]):
        raise ParseError(file_name, "file is empty (no header row)", row=1)
    header = first[1]
    names = {label(h) for h in header}
    if "OBS_VALUE" in {h.strip().upper() for h in header}:
        return parse_api(header, records, file_name)
    if {n.casefold() for n in names} & {"date", "geography", "geography code"}:
        return parse_bulk_csv(itertools.chain([first], records), file_name)
    long_layout = long_layout_for(names)
    if long_layout is not None:
        return parse_long(long_layout, header, records, file_name)
    layout = layout_for(names)
    if layout is not None:
        return parse_repackaged(layout, header, records, file_name)
    raise ParseError(
        file_name,
        "header not recognised: expected a Nomis bulk CSV (date, geography, geography code, ...), a "
        "Nomis API CSV (GEOGRAPHY_CODE, C2021_..._NAME, OBS_VALUE), a demographr TS052/TS029/TS012 file or the "
        f"ONS census-quiz extract; first columns: {[label(h) for h in header[:5]]}",
        row=1,
    )


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one census delivery (.csv, .zip, .xls, .xlsx) into cells plus quarantined cells."""
    suffix = check_delivery(content, file_name, FILE_EXTENSIONS)
    if suffix == ".zip":
        return parse_zip(content, file_name)
    if suffix in (".xls", ".xlsx"):
        return parse_qs_workbook(content, file_name)
    return _parse_csv(content, file_name)


SOURCE = SourceSpec(
    name=NAME,
    raw_table="ons_census__cells",
    columns=COLUMNS,
    parse=parse,
    file_extensions=FILE_EXTENSIONS,
    # Census outputs are decennial; ONS issues corrections per table rarely and without a
    # timetable, so a monthly check for a changed file is enough.
    cadence="@monthly",
    publisher="Office for National Statistics, Census 2021 and 2011 (via Nomis)",
    licence="Open Government Licence v3.0",
    privacy=PrivacyClass.OPEN,
    row_outcomes_model="census_cell_outcomes",
    # One file row becomes many cells, and a zip holds one member per level (each numbered from 1).
    file_row_key=("_row_number", "geography_level"),
    calendar=CALENDAR,
    discovery=DISCOVERY,
)
