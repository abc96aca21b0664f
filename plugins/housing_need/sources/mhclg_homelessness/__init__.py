"""MHCLG statutory homelessness: households owed a homelessness duty because they were required to
leave Home Office asylum support accommodation, by area, per quarter (H-CLIC detailed local
authority tables).

One delivery is one quarter's ``DetailedLA_YYYYMM`` / ``Detailed_LA_YYYYMM`` workbook, renamed
``Statutory_Homelessness_Detailed_Local_Authority_Data_YYYYMM`` during 2025 (.xlsx to January-March
2020, .ods after; both names and both formats are read; ``_revised``/``_fixed``/``_fix`` files are
re-issues of the same quarter). Only the A2-family sheets are read: households owed a duty by reason for loss, or threat
of loss, of last settled home. Per area row the parser emits the households owed the duty and, of
them, those whose reason is "Required to leave accommodation provided by Home Office as asylum
support", as published:

- April-June 2018 to January-March 2020: table A2 (owed a prevention or relief duty).
- April-June 2020: A2 and A2p (prevention); relief is A2 minus A2p, derived in the warehouse.
- From July-September 2020: A2P (prevention) and A2R (relief, sheet ``A2R_`` in three quarters).

``table_code`` is the canonical code from the sheet name (``A2``, ``A2P``, ``A2R``) and
``sheet_name`` the name as published. ``_row_number`` is the worksheet row; rows of different
sheets share row numbers, so one file row is ``(_row_number, table_code)`` (``file_row_key``).
Release: the quarter's end date, from the title (``England, April to June 2018``), cross-checked
with the file name.

Modules: :mod:`.tables` (sheets, titles, quarters, header columns), :mod:`.rows` (area rows).
Counts, suppression markers, GSS codes, cell text and the workbook reader follow
:mod:`housing_need.sources.conventions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ...errors import ParseError
from ...privacy.classes import PrivacyClass
from ..conventions import Workbook, check_delivery, label
from ..publication import Discovery, ReleaseCalendar
from ..spec import ParseResult, SourceSpec
from .rows import TableRows, read_rows
from .tables import (
    FILE_NAME,
    Layout,
    Table,
    column_letter,
    file_period,
    find_layout,
    find_tables,
    missing_tables,
    title_code,
    title_duty,
    title_period,
)

NAME = "mhclg_homelessness"

COLUMNS: dict[str, str] = {
    "period_end": "DATE",
    "table_code": "VARCHAR",
    "duty": "VARCHAR",
    "sheet_name": "VARCHAR",
    "area_code": "VARCHAR",
    "area_name": "VARCHAR",
    "geography_level": "VARCHAR",
    "households_owed_duty": "BIGINT",
    "households_owed_duty_marker": "VARCHAR",
    "households_asylum_support": "BIGINT",
    "households_asylum_support_marker": "VARCHAR",
}
FILE_EXTENSIONS = (".xlsx", ".ods")

_DUTY_WORDS = {"prevention_or_relief": "prevention or relief", "prevention": "prevention", "relief": "relief"}

# MHCLG's timetable, as the sample files' "Latest update" lines record it: from 2020 Q2 each quarter
# came out four months after it ended (2020 Q2 in October 2020, each quarter to 2022 Q1 in July 2022,
# 2023 Q1 in July 2023, 2023 Q4 in April 2024) or five (2022 Q2-Q4, 2023 Q2-Q3: November, February,
# May, November, February), on a day announced on GOV.UK's research and statistics calendar. The
# lag is 4 months and the grace 35 days, so a five-month release is late but not overdue. The dbt
# source freshness follows it (CALENDAR.freshness_days()).
CALENDAR = ReleaseCalendar(
    period_end_months=(3, 6, 9, 12),
    lag_months=4,
    window_from_day=1,
    grace_days=35,
    description=(
        "quarterly, the quarter ending March, June, September and December published four to five "
        "months later (e.g. July-September 2023 in February 2024, October-December 2023 in April 2024)"
    ),
)


def _period(file_name: str, sheets: Sequence[tuple[Table, Layout]]) -> tuple[date, list[str]]:
    """The quarter's end from the titles, cross-checked with the file name; (period, warnings)."""
    titled = {t.sheet: p for t, lay in sheets if lay.title and (p := title_period(lay.title))}
    from_name = file_period(file_name)
    if len(set(titled.values())) > 1:
        said = ", ".join(f"{sheet!r}: {p.isoformat()}" for sheet, p in titled.items())
        raise ParseError(file_name, f"the tables' titles name different quarters ({said})")
    if titled:
        period = next(iter(titled.values()))
        if from_name is not None and from_name != period:
            return period, [
                f"file {file_name!r}: the titles name the quarter ending {period.isoformat()} but the "
                f"file name names {from_name.isoformat()}; the titles' quarter is used"
            ]
        return period, []
    if from_name is None:
        raise ParseError(
            file_name,
            "no quarter: no title names one ('England, April to June 2018') and the file name does "
            "not carry one ('DetailedLA_201806', 'Detailed_LA_202309', "
            "'Statutory_Homelessness_Detailed_Local_Authority_Data_202506')",
        )
    return from_name, [
        f"file {file_name!r}: no title names the quarter; the file name's ({from_name.isoformat()}) is used"
    ]


def _title_warnings(file_name: str, table: Table, layout: Layout) -> list[str]:
    """Where the title or total header contradicts the sheet name (the sheet name wins)."""
    where = f"file {file_name!r}, sheet {table.sheet!r}"
    read_as = f"read as {table.code} ({_DUTY_WORDS[table.duty]} duty) by the sheet name"
    out: list[str] = []
    if layout.title is None:
        out.append(f"{where}: no title ('Table {table.code} - ...') above the header; {read_as}")
    else:
        problems = []
        code, duty = title_code(layout.title), title_duty(layout.title)
        if code is not None and code != table.code:
            problems.append(f"names table {code}")
        if duty is not None and duty != table.duty:
            problems.append(f"describes households owed a {_DUTY_WORDS[duty]} duty")
        if problems:
            first_line = label(layout.title.splitlines()[0])
            out.append(f"{where}: the title {first_line!r} {' and '.join(problems)}; {read_as}")
    if layout.total_duty != table.duty:
        out.append(f"{where}: the total column is headed {layout.total_header!r}; {read_as}")
    return out


def _row_warnings(file_name: str, table: Table, got: TableRows) -> list[str]:
    """Areas published twice with different counts, and area codes of no known level."""
    where = f"file {file_name!r}, sheet {table.sheet!r}"
    out = [
        f"{where}: {what} publish different counts for one area; the last row keeps its level, the "
        "earlier one is loaded with geography_level 'other'"
        for what in got.conflicts
    ]
    out += [
        f"{where}: {n} row(s) with area codes {prefix}... are neither England, a region nor a local "
        "authority; loaded with geography_level 'other'"
        for prefix, n in sorted(got.unknown_prefixes.items())
    ]
    return out


def _note(table: Table, layout: Layout, got: TableRows) -> str:
    levels = ", ".join(f"{n} {level}" for level, n in sorted(got.levels.items()))
    markers = ", ".join(f"{n} x {m!r}" for m, n in sorted(got.markers.items())) or "none"
    end = f"; footnotes from row {got.ended_at}" if got.ended_at else ""
    repeats = "".join(f"; published twice, the earlier row given level 'other': {r}" for r in got.repeats)
    return (
        f"sheet {table.sheet!r} read as {table.code} ({_DUTY_WORDS[table.duty]} duty): header rows "
        f"{layout.header_rows[0]}-{layout.header_rows[1]}, area code in column "
        f"{column_letter(layout.code_column)}, {layout.total_header!r} in column "
        f"{column_letter(layout.total_column)}, asylum support in column "
        f"{column_letter(layout.asylum_column)}; {len(got.rows)} rows ({levels}), "
        f"{len(got.quarantined)} quarantined; count cells published as a marker: {markers}{repeats}{end}"
    )


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one H-CLIC detailed local authority workbook (.xlsx or .ods): tables A2, A2P, A2R."""
    suffix = check_delivery(content, file_name, FILE_EXTENSIONS)
    workbook = Workbook(content, file_name)
    tables = find_tables(workbook.sheet_names, file_name)
    sheets = []
    for table in tables:
        values = workbook.rows(table.sheet)
        sheets.append((table, find_layout(values, table, file_name), values))
    period, warnings = _period(file_name, [(t, lay) for t, lay, _ in sheets])
    if (partial := missing_tables(tables)) is not None:
        warnings.append(f"file {file_name!r}: {partial}")

    result = ParseResult(
        rows=[], quarantined=[], rows_in_file=0, release=period.isoformat(), file_format=suffix[1:]
    )
    for table, layout, values in sheets:
        got = read_rows(values, table, layout, period)
        result.rows.extend(got.rows)
        result.quarantined.extend(got.quarantined)
        result.rows_in_file += got.rows_in_file
        result.notes.append(_note(table, layout, got))
        warnings.extend(_title_warnings(file_name, table, layout) + _row_warnings(file_name, table, got))
    result.warnings = warnings
    result.published_columns = _published_columns([lay for _, lay, _ in sheets])
    result.check_accounting()
    return result


def _published_columns(layouts: Sequence[Layout]) -> dict[str, str]:
    first = layouts[0]
    totals = " / ".join(dict.fromkeys(lay.total_header for lay in layouts))
    return {
        "area_code": f"area code (column {column_letter(first.code_column)})",
        "area_name": f"area name (column {column_letter(first.name_column)})",
        "households_owed_duty": totals,
        "households_asylum_support": first.asylum_header,
    }


SOURCE = SourceSpec(
    name=NAME,
    raw_table="mhclg__homelessness_duties",
    columns=COLUMNS,
    parse=parse,
    file_extensions=FILE_EXTENSIONS,
    # Daily; the release calendar decides whether it looks (from the expected day, daily, until the
    # release appears).
    cadence="0 7 * * *",
    publisher="MHCLG, Statutory homelessness statistics (H-CLIC detailed local authority tables A2, A2P, A2R)",
    licence="Open Government Licence v3.0",
    privacy=PrivacyClass.OPEN,
    row_outcomes_model="homelessness_row_outcomes",
    # Sheets A2P and A2R share worksheet row numbers: one file row is a row number in one table.
    file_row_key=("_row_number", "table_code"),
    calendar=CALENDAR,
    # The live tables page lists each quarter's detailed LA workbook; both of MHCLG's names
    # (Detailed_LA_YYYYMM, from 2025 Statutory_Homelessness_Detailed_Local_Authority_Data_YYYYMM),
    # .xlsx or .ods, with or without a _revised / _fixed suffix.
    discovery=Discovery(
        page_url="https://www.gov.uk/government/statistical-data-sets/live-tables-on-homelessness",
        file_pattern=FILE_NAME + r"[^/]*\.(xlsx|ods)$",
        description=(
            "the quarter's detailed local authority workbook, e.g. Detailed_LA_202312.ods or "
            "Statutory_Homelessness_Detailed_Local_Authority_Data_202506.ods"
        ),
    ),
)
