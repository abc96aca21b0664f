"""The MHCLG homelessness parser (H-CLIC tables A2, A2P, A2R) on the 23 real sample workbooks, and on
small workbooks built from their real rows with openpyxl.

Totals are checked against an independent reader in this file (python_calamine, a plain scan for
the header text, column A for the area code), not the parser's code. Each sample file is parsed
once and read once per session (functools.cache).
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from housing_need.errors import ParseError
from housing_need.sources import ParseResult, get_source
from housing_need.sources.mhclg_homelessness import CALENDAR, COLUMNS, FILE_EXTENSIONS, SOURCE, parse
from housing_need.sources.mhclg_homelessness.tables import column_letter, file_period, table_code
from housing_need.sources.screening import screen

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "mhclg_homelessness"
ASYLUM = "Required to leave accommodation provided by Home Office as asylum support"
LA_PREFIXES = ("E06", "E07", "E08", "E09")

# File -> (sheet name as published -> canonical table code), asylum column, LA rows per table.
LAYOUTS: dict[str, tuple[dict[str, str], str, int]] = {
    "DetailedLA_201806.xlsx": ({"A2 - Apr-Jun 18": "A2"}, "AM", 326),
    "DetailedLA_201809.xlsx": ({"A2 - Jul-Sep 18": "A2"}, "AM", 326),
    "DetailedLA_201812.xlsx": ({"A2 - Oct-Dec 18": "A2"}, "AM", 326),
    "DetailedLA_201903_revised.xlsx": ({"A2 - Jan-Mar 19": "A2"}, "AM", 326),
    "DetailedLA_201906_revised.xlsx": ({"A2": "A2"}, "AM", 317),
    "DetailedLA_201909_revised.xlsx": ({"A2": "A2"}, "AM", 317),
    "DetailedLA_201912.xlsx": ({"A2": "A2"}, "AM", 317),
    "DetailedLA_202003.xlsx": ({"A2": "A2"}, "AM", 317),
    "DetailedLA_202006.ods": ({"A2": "A2", "A2p": "A2P"}, "AM", 314),
    "DetailedLA_202009_REVISED.ods": ({"A2P": "A2P", "A2R_": "A2R"}, "AM", 314),
    "DetailedLA_202012.ods": ({"A2P": "A2P", "A2R_": "A2R"}, "AM", 314),
    "DetailedLA_202103_revised.ods": ({"A2P": "A2P", "A2R_": "A2R"}, "AM", 314),
    "DetailedLA_202106.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 309),
    "DetailedLA_202109_fixed.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 309),
    "DetailedLA_202112.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 309),
    "Detailed_LA_202203.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 309),
    "Detailed_LA_202206.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 309),
    "Detailed_LA_202209.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 309),
    "Detailed_LA_202212.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 309),
    "Detailed_LA_202303.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 309),
    "Detailed_LA_202306_all_dropdowns_fix.ods": ({"A2P": "A2P", "A2R": "A2R"}, "AM", 296),
    "Detailed_LA_202309_fixed.ods": ({"A2P": "A2P", "A2R": "A2R"}, "BC", 296),
    "Detailed_LA_202312.ods": ({"A2P": "A2P", "A2R": "A2R"}, "BC", 296),
}
FILES = sorted(LAYOUTS)
WRONG_TITLES = {"DetailedLA_202009_REVISED.ods", "DetailedLA_202012.ods"}  # A2R_ titled "Table A2P"
CANONICAL = list(COLUMNS)


@functools.cache
def content(name: str) -> bytes:
    return (SAMPLE / name).read_bytes()


@functools.cache
def parsed(name: str) -> ParseResult:
    result = parse(content(name), name)
    result.check_accounting()
    return result


def _rows(name: str, sheet: str | None = None, **match: Any) -> list[dict[str, Any]]:
    return [
        r
        for r in parsed(name).rows
        if (sheet is None or r["sheet_name"] == sheet) and all(r[k] == v for k, v in match.items())
    ]


# ------------------------------------------------------------------------------------------
# The independent reader: calamine directly, a plain scan for the header text.


@dataclass(frozen=True)
class Totals:
    la_rows: int
    la_owed: int  # sum of the LA rows' published counts ('..' left out)
    la_asylum: int
    la_markers: int  # LA rows whose asylum cell is '..'
    england: tuple[Any, Any]  # (owed, asylum) as published on the E92000001 row


def _sheet_values(name: str, sheet: str) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content(name)))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _header_column(values: list[list[Any]], starts: str) -> int:
    for row in values[:10]:
        for j, cell in enumerate(row):
            if isinstance(cell, str) and cell.startswith(starts):
                return j
    raise AssertionError(f"no header starting {starts!r}")


@functools.cache
def independent(name: str) -> dict[str, Totals]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content(name)))
    out: dict[str, Totals] = {}
    for sheet in book.sheet_names:
        if not re.fullmatch(r"A2[pPR]?_?( - .*)?", sheet):
            continue
        values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        asylum, owed = _header_column(values, ASYLUM), _header_column(values, "Total owed")
        la_rows = la_owed = la_asylum = la_markers = 0
        england: tuple[Any, Any] = (None, None)
        for row in values:
            code = row[0] if isinstance(row[0], str) else ""
            if code == "E92000001":
                england = (row[owed], row[asylum])
            if not code.startswith(LA_PREFIXES):
                continue
            la_rows += 1
            la_owed += int(row[owed]) if isinstance(row[owed], float) else 0
            la_asylum += int(row[asylum]) if isinstance(row[asylum], float) else 0
            la_markers += row[asylum] == ".."
        out[sheet] = Totals(la_rows, la_owed, la_asylum, la_markers, england)
    return out


def _parser_totals(name: str, sheet: str) -> Totals:
    rows = _rows(name, sheet)
    las = [r for r in rows if r["geography_level"] == "local_authority"]
    (england,) = [r for r in rows if r["area_code"] == "E92000001"]
    return Totals(
        la_rows=len(las),
        la_owed=sum(r["households_owed_duty"] or 0 for r in las),
        la_asylum=sum(r["households_asylum_support"] or 0 for r in las),
        la_markers=sum(r["households_asylum_support_marker"] == ".." for r in las),
        england=(england["households_owed_duty"], england["households_asylum_support"]),
    )


# ------------------------------------------------------------------------------------------
# The 23 real files


def test_sample_folder_holds_the_23_quarters() -> None:
    on_disk = sorted(p.name for p in SAMPLE.iterdir() if p.suffix in FILE_EXTENSIONS)
    assert on_disk == FILES
    assert len(FILES) == 23
    assert (SAMPLE / "README.md").is_file()


@pytest.mark.parametrize("name", FILES)
def test_every_table_matches_the_independent_reader(name: str) -> None:
    sheets, asylum_column, la_count = LAYOUTS[name]
    expected = independent(name)
    assert sorted(expected) == sorted(sheets)
    for sheet, code in sheets.items():
        got = _parser_totals(name, sheet)
        assert got == expected[sheet], sheet
        assert got.la_rows == la_count
        assert {r["table_code"] for r in _rows(name, sheet)} == {code}
        note = next(n for n in parsed(name).notes if n.startswith(f"sheet {sheet!r}"))
        assert f"asylum support in column {asylum_column};" in note


@pytest.mark.parametrize("name", FILES)
def test_every_file_accounts_for_its_rows_and_names_its_quarter(name: str) -> None:
    result = parsed(name)
    assert result.quarantined == []
    assert result.rows_in_file == len(result.rows)
    period = file_period(name)
    assert period is not None and result.release == period.isoformat()
    assert {r["period_end"] for r in result.rows} == {period}
    assert result.file_format == name.rsplit(".", 1)[1]
    for row in result.rows:
        assert list(row) == [*CANONICAL, "_row_number"]
    # One parsed row per file row: (row number, table) identifies it, and screening keeps them all.
    keys = Counter((r["_row_number"], r["table_code"]) for r in result.rows)
    assert max(keys.values()) == 1
    assert screen(result, SOURCE).quarantined == []
    # Every table: England, the London / Rest of England split ('other'), 9 regions, then LAs.
    for sheet in LAYOUTS[name][0]:
        levels = Counter(r["geography_level"] for r in _rows(name, sheet))
        assert levels["country"] == 1 and levels["region"] == 9 and levels["other"] == 2


@pytest.mark.parametrize("name", FILES)
def test_warnings_only_for_the_mistitled_relief_sheets(name: str) -> None:
    warnings = parsed(name).warnings
    if name not in WRONG_TITLES:
        assert warnings == []
        return
    (warning,) = warnings
    assert "sheet 'A2R_'" in warning and name in warning
    assert "names table A2P" in warning and "read as A2R (relief duty) by the sheet name" in warning


def test_england_and_regions_are_rounded_to_ten_local_authorities_are_not() -> None:
    rounded = [r for n in FILES for r in parsed(n).rows if r["geography_level"] in ("country", "region")]
    assert all(r["households_owed_duty"] % 10 == 0 for r in rounded)
    las = [r for r in parsed(FILES[0]).rows if r["geography_level"] == "local_authority"]
    assert any((r["households_owed_duty"] or 0) % 10 for r in las)


def test_england_split_into_london_and_rest_of_england() -> None:
    (rest,) = _rows("DetailedLA_201806.xlsx", area_name="Rest of England")
    assert rest["area_code"] is None and rest["geography_level"] == "other" and rest["_row_number"] == 9
    assert (rest["households_owed_duty"], rest["households_asylum_support"]) == (48630, 480)
    # London is published twice (row 8 in the split, row 17 among the regions): the split's row is
    # 'other', so that each level counts London once and screening finds no duplicate.
    split, region = _rows("DetailedLA_201806.xlsx", area_code="E12000007")
    assert (split["_row_number"], split["geography_level"]) == (8, "other")
    assert (region["_row_number"], region["geography_level"]) == (17, "region")
    assert split["households_asylum_support"] == region["households_asylum_support"] == 140
    assert "London (E12000007) rows 8 and 17" in parsed("DetailedLA_201806.xlsx").notes[0]


# ------------------------------------------------------------------------------------------
# Published cells, read by hand from the files


def test_hand_checked_2018_q2_england() -> None:
    # DetailedLA_201806.xlsx, sheet 'A2 - Apr-Jun 18', row 7: E7 = 61,210, AM7 = 620.
    (row,) = _rows("DetailedLA_201806.xlsx", area_code="E92000001")
    assert row["table_code"] == "A2" and row["duty"] == "prevention_or_relief" and row["_row_number"] == 7
    assert row["households_owed_duty"] == 61_210 and row["households_asylum_support"] == 620
    assert row["period_end"] == date(2018, 6, 30)


def test_hand_checked_2020_q2_manchester_in_a2_and_a2p() -> None:
    # DetailedLA_202006.ods, row 179 (E08000003 Manchester): A2 E179 = 1,287, AM179 = 22;
    # A2p E179 = 409, AM179 = 14 (relief, derived in the warehouse: 878 and 8).
    a2, a2p = (_rows("DetailedLA_202006.ods", sheet, area_code="E08000003")[0] for sheet in ("A2", "A2p"))
    assert (a2["table_code"], a2["duty"], a2["_row_number"]) == ("A2", "prevention_or_relief", 179)
    assert (a2p["table_code"], a2p["duty"], a2p["sheet_name"]) == ("A2P", "prevention", "A2p")
    assert (a2["households_owed_duty"], a2["households_asylum_support"]) == (1287, 22)
    assert (a2p["households_owed_duty"], a2p["households_asylum_support"]) == (409, 14)


def test_hand_checked_2023_q3_sheffield_after_the_column_moved() -> None:
    # Detailed_LA_202309_fixed.ods, sheet A2R, row 231 (E08000019 Sheffield): E231 = 732, BC231 = 104;
    # England (row 8): E8 = 42,690, BC8 = 2,370.
    (row,) = _rows("Detailed_LA_202309_fixed.ods", "A2R", area_code="E08000019")
    assert (row["area_name"], row["_row_number"], row["duty"]) == ("Sheffield", 231, "relief")
    assert (row["households_owed_duty"], row["households_asylum_support"]) == (732, 104)
    (england,) = _rows("Detailed_LA_202309_fixed.ods", "A2R", area_code="E92000001")
    assert (england["households_owed_duty"], england["households_asylum_support"]) == (42_690, 2_370)


def test_a_published_marker_is_a_null_count_with_the_marker() -> None:
    # DetailedLA_201806.xlsx row 135: Halton (E06000006) sent no data: '..' in every column.
    (row,) = _rows("DetailedLA_201806.xlsx", area_code="E06000006")
    assert row["_row_number"] == 135 and row["geography_level"] == "local_authority"
    assert row["households_owed_duty"] is None and row["households_owed_duty_marker"] == ".."
    assert row["households_asylum_support"] is None and row["households_asylum_support_marker"] == ".."
    counted = _rows("DetailedLA_201806.xlsx", area_code="E08000003")[0]
    assert (
        counted["households_owed_duty_marker"] is None and counted["households_asylum_support_marker"] is None
    )


def test_2020_q2_yields_a2_and_a2p_and_later_files_a2p_and_a2r() -> None:
    assert Counter(r["table_code"] for r in parsed("DetailedLA_202006.ods").rows) == {"A2": 326, "A2P": 326}
    assert Counter(r["duty"] for r in parsed("Detailed_LA_202312.ods").rows) == {
        "prevention": 308,
        "relief": 308,
    }
    assert {r["sheet_name"] for r in parsed("DetailedLA_202103_revised.ods").rows} == {"A2P", "A2R_"}


def test_reissued_files_carry_their_quarter_as_release() -> None:
    assert parsed("DetailedLA_201903_revised.xlsx").release == "2019-03-31"
    assert parsed("DetailedLA_202109_fixed.ods").release == "2021-09-30"
    assert parsed("Detailed_LA_202306_all_dropdowns_fix.ods").release == "2023-06-30"


# ------------------------------------------------------------------------------------------
# The spec and helpers


def test_source_spec() -> None:
    assert get_source("mhclg_homelessness") is SOURCE
    assert SOURCE.raw_table == "mhclg__homelessness_duties"
    assert SOURCE.file_extensions == (".xlsx", ".ods")
    assert SOURCE.file_row_key == ("_row_number", "table_code")
    assert SOURCE.row_outcomes_model == "homelessness_row_outcomes"
    assert SOURCE.calendar is CALENDAR and SOURCE.discovery is not None
    assert SOURCE.cadence == "0 7 * * *"  # daily: the calendar decides whether to look
    for name, period in [
        ("Detailed_LA_202312.ods", date(2023, 12, 31)),
        ("DetailedLA_201903_revised.xlsx", date(2019, 3, 31)),
        ("Statutory_Homelessness_Detailed_Local_Authority_Data_202506.ods", date(2025, 6, 30)),
        ("Statutory_Homelessness_Detailed_Local_Authority_Data_202506.xlsx", date(2025, 6, 30)),
        ("Detailed_LA_202312.pdf", None),
    ]:
        assert SOURCE.discovery.period_of(name) == period, name
    assert COLUMNS == {
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


def test_release_calendar() -> None:
    # July-September 2023 came out in February 2024: window January 2024, late but within the 35
    # days' grace.
    assert CALENDAR.window(date(2023, 9, 30)) == (date(2024, 1, 1), date(2024, 1, 31))
    assert CALENDAR.status(date(2023, 6, 30), date(2024, 2, 29)).state == "due"
    assert CALENDAR.status(date(2023, 6, 30), date(2024, 3, 7)).state == "overdue"
    assert CALENDAR.freshness_days() == (215, 250)  # newest quarter end to the next window end


def test_sheet_names_and_file_names() -> None:
    assert [table_code(s) for s in ("A2 - Apr-Jun 18", "A2", "A2p", "A2P", "A2R", "A2R_")] == [
        "A2",
        "A2",
        "A2P",
        "A2P",
        "A2R",
        "A2R",
    ]
    assert [table_code(s) for s in ("A20", "A2a", "TA2", "A3 - Apr-Jun 18")] == [None] * 4
    assert file_period("DetailedLA_201806.xlsx") == date(2018, 6, 30)
    assert file_period("Detailed_LA_202309_fixed.ods") == date(2023, 9, 30)
    assert file_period("DetailedLA_202007.ods") is None and file_period("homelessness.ods") is None
    # MHCLG's name from 2025, both formats
    for suffix in (".ods", ".xlsx", "_revised.ods"):
        name = f"Statutory_Homelessness_Detailed_Local_Authority_Data_202506{suffix}"
        assert file_period(name) == date(2025, 6, 30)
    assert file_period("statutory_homelessness_detailed_local_authority_data_202503.xlsx") == date(
        2025, 3, 31
    )


def test_a_workbook_under_the_2025_name_parses_as_under_the_old_one() -> None:
    old = "Detailed_LA_202312.ods"
    renamed = "Statutory_Homelessness_Detailed_Local_Authority_Data_202312.ods"
    got = parse(content(old), renamed)
    assert got.release == parsed(old).release == "2023-12-31"
    assert got.rows == parsed(old).rows
    assert not any("file name" in w for w in got.warnings)
    assert [column_letter(i) for i in (0, 4, 25, 26, 38, 54)] == ["A", "E", "Z", "AA", "AM", "BC"]


# ------------------------------------------------------------------------------------------
# Broken deliveries, built from the real rows of DetailedLA_201806.xlsx with openpyxl

REAL_2018 = "DetailedLA_201806.xlsx"
REAL_2018_SHEET = "A2 - Apr-Jun 18"


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, values in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(values, start=1):
            for c, value in enumerate(row, start=1):
                if value not in ("", None):
                    sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def _real_a2() -> tuple[tuple[Any, ...], ...]:
    values = _sheet_values(REAL_2018, REAL_2018_SHEET)
    return tuple(tuple(r) for r in values[:30] + values[346:])


@pytest.fixture
def real_a2() -> list[list[Any]]:
    """The real 2018 Q2 A2 sheet cut to 45 rows (title, header, England to row 30, the footnotes),
    a fresh copy for each test to change."""
    return [list(r) for r in _real_a2()]


def test_small_real_workbook_parses(real_a2: list[list[Any]]) -> None:
    result = parse(_xlsx({REAL_2018_SHEET: real_a2}), "DetailedLA_201806.xlsx")
    assert result.rows_in_file == len(result.rows) == 22  # rows 7-30 less the blank rows 10 and 20
    assert result.quarantined == [] and result.warnings == []


def test_no_a2_sheet_is_a_parse_error_naming_the_file(real_a2: list[list[Any]]) -> None:
    with pytest.raises(ParseError, match="no sheet holds table A2, A2P or A2R") as info:
        parse(_xlsx({"A3 - Apr-Jun 18": real_a2}), "DetailedLA_201806.xlsx")
    assert info.value.file == "DetailedLA_201806.xlsx"
    assert "A3 - Apr-Jun 18" in str(info.value)


def test_missing_asylum_column_is_a_parse_error_naming_sheet_and_column(real_a2: list[list[Any]]) -> None:
    real_a2[2][38] = "Other reasons"  # AM3
    with pytest.raises(ParseError) as info:
        parse(_xlsx({REAL_2018_SHEET: real_a2}), "DetailedLA_201806.xlsx")
    assert info.value.column == ASYLUM and info.value.row == 3
    assert f"sheet {REAL_2018_SHEET!r}" in str(info.value) and "header rows 2-6" in str(info.value)


def test_missing_total_column_is_a_parse_error(real_a2: list[list[Any]]) -> None:
    real_a2[2][4] = None  # E3
    with pytest.raises(ParseError, match="Total owed a prevention or relief duty") as info:
        parse(_xlsx({REAL_2018_SHEET: real_a2}), "DetailedLA_201806.xlsx")
    assert info.value.column == "Total owed a prevention or relief duty"


def test_text_in_a_count_cell_quarantines_the_row(real_a2: list[list[Any]]) -> None:
    real_a2[24][38] = "see note"  # AM25, an LA row
    real_a2[25][4] = 12.5  # E26
    result = parse(_xlsx({REAL_2018_SHEET: real_a2}), "DetailedLA_201806.xlsx")
    assert result.rows_in_file == len(result.rows) + 2
    text, fraction = result.quarantined
    assert (text.row_number, text.column, text.value) == (25, ASYLUM, "see note")
    assert "cell AM25" in text.reason and "non-numeric value 'see note'" in text.reason
    assert text.record["area code (column A)"] == real_a2[24][0]
    assert (fraction.row_number, fraction.column) == (26, "Total owed a prevention or relief duty")
    assert "fractional value" in fraction.reason
    assert 25 not in {r["_row_number"] for r in result.rows}


def test_a_row_without_an_area_code_is_quarantined(real_a2: list[list[Any]]) -> None:
    real_a2[22][0] = "Unknown"  # A23
    result = parse(_xlsx({REAL_2018_SHEET: real_a2}), "DetailedLA_201806.xlsx")
    (q,) = result.quarantined
    assert (q.row_number, q.column, q.value) == (23, "area code (column A)", "Unknown")
    assert "GSS code" in q.reason


def test_empty_and_truncated_files_are_parse_errors() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse(b"", "DetailedLA_201806.xlsx")
    with pytest.raises(ParseError, match="cannot open workbook"):
        parse(content("DetailedLA_202006.ods")[:5000], "DetailedLA_202006.ods")
    with pytest.raises(ParseError, match="unsupported file extension"):
        parse(content(REAL_2018), "DetailedLA_201806.csv")


def test_quarter_from_title_checked_against_file_name(real_a2: list[list[Any]]) -> None:
    data = _xlsx({REAL_2018_SHEET: real_a2})
    other = parse(data, "DetailedLA_201809.xlsx")
    assert other.release == "2018-06-30"
    (warning,) = other.warnings
    assert "2018-06-30" in warning and "2018-09-30" in warning
    assert parse(data, "homelessness_tables.xlsx").release == "2018-06-30"
    real_a2[0][0] = "Table A2 - Reason for loss of last settled home"
    assert parse(_xlsx({REAL_2018_SHEET: real_a2}), "DetailedLA_201806.xlsx").release == "2018-06-30"
    with pytest.raises(ParseError, match="no quarter"):
        parse(_xlsx({REAL_2018_SHEET: real_a2}), "homelessness_tables.xlsx")


def test_title_contradicting_the_sheet_name_is_a_warning(real_a2: list[list[Any]]) -> None:
    prevention = [list(r) for r in real_a2]
    prevention[0][0] = "Table A2P - Number of households owed a prevention duty\nEngland, April to June 2018"
    prevention[2][4] = "Total owed a prevention duty1"
    result = parse(_xlsx({"A2P": prevention, "A2R_": prevention}), "DetailedLA_201806.xlsx")
    assert {r["table_code"] for r in result.rows} == {"A2P", "A2R"}
    title, total = result.warnings
    assert "sheet 'A2R_'" in title and "names table A2P" in title and "prevention duty" in title
    assert "sheet 'A2R_'" in total and "'Total owed a prevention duty'" in total


def test_half_a_release_is_a_warning(real_a2: list[list[Any]]) -> None:
    real_a2[0][0] = "Table A2P - Number of households owed a prevention duty\nEngland, April to June 2018"
    real_a2[2][4] = "Total owed a prevention duty1"
    (warning,) = parse(_xlsx({"A2P": real_a2}), "DetailedLA_201806.xlsx").warnings
    assert "table A2P found without table A2R" in warning
