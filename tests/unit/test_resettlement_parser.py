"""The Res_D01 resettlement parser on the real bundled CSV and on deliveries built from its real rows."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

import pytest

from housing_need.errors import ParseError
from housing_need.sources import ParseResult, get_source
from housing_need.sources.home_office import IMMIGRATION_STATISTICS_QUARTERLY
from housing_need.sources.home_office_resettlement import CALENDAR, SOURCE, parse
from housing_need.sources.screening import screen
from tests.support import csv_feeds as cf

FEED = cf.Feed(cf.RESETTLEMENT_CSV, parse)
REAL_BYTES = FEED.content
HEADER = [
    "Date",
    "Year",
    "Quarter",
    "UK Region",
    "LAD Code",
    "Local Authority",
    "Resettlement Scheme",
    "Persons",
]
CANONICAL = {
    "period_end": "DATE",
    "uk_region": "VARCHAR",
    "lad_code": "VARCHAR",
    "local_authority": "VARCHAR",
    "scheme": "VARCHAR",
    "persons": "BIGINT",
}


def _without_row_numbers(result: ParseResult) -> list[dict[str, object]]:
    return [{k: v for k, v in r.items() if k != "_row_number"} for r in result.rows]


@pytest.fixture(scope="module")
def real() -> ParseResult:
    return FEED.parsed()


@pytest.fixture(scope="module")
def small() -> cf.Table:
    """Two real years: 2016 (VPRS and VCRS) and 2023 (UKRS, the Afghan schemes, 'Unknown' rows)."""
    return cf.keep(FEED.table, lambda r: r["Year"] in ("2016", "2023"))


# ------------------------------------------------------------------------------------------
# The real CSV


def test_real_csv_parses_every_row(real: ParseResult) -> None:
    cf.check_every_row_read(real, rows=2_702, release="2023-12-31", warnings=[])


def test_persons_per_scheme_equal_the_csv(real: ParseResult) -> None:
    expected: Counter[str] = Counter()
    for row in FEED.published:
        expected[row["Resettlement Scheme"].strip()] += int(row["Persons"])
    got: Counter[str] = Counter()
    for r in real.rows:
        got[r["scheme"]] += r["persons"]
    assert got == expected
    assert len(got) == 12


def test_persons_per_quarter_equal_the_csv(real: ParseResult) -> None:
    expected: Counter[date] = Counter()
    for row in FEED.published:
        expected[date.fromisoformat(row["Date"])] += int(row["Persons"])
    got: Counter[date] = Counter()
    for r in real.rows:
        got[r["period_end"]] += r["persons"]
    assert got == expected
    assert len(got) == 38  # 2014 Q1 to 2023 Q4 less 2020 Q2 and Q3


def test_published_totals(real: ParseResult) -> None:
    by_scheme: Counter[str] = Counter()
    for r in real.rows:
        by_scheme[r["scheme"]] += r["persons"]
    # The Home Office's total for the VPRS when it closed (2014 to early 2021), and the VCRS's.
    assert by_scheme["Vulnerable Persons Resettlement Scheme"] == 20_319
    assert by_scheme["Vulnerable Children Resettlement Scheme"] == 1_838
    assert sum(by_scheme.values()) == 50_042
    september_2021 = sum(r["persons"] for r in real.rows if r["period_end"] == date(2021, 9, 30))
    assert september_2021 == 15_292  # the Kabul evacuation quarter


def test_unknown_area_rows_are_kept_without_a_code(real: ParseResult) -> None:
    lines = [i + 2 for i, row in enumerate(FEED.published) if row["LAD Code"] == "Unknown"]
    unknown = [r for r in real.rows if r["lad_code"] is None]
    assert [r["_row_number"] for r in unknown] == lines
    assert len(unknown) == 36 and sum(r["persons"] for r in unknown) == 24_819
    assert {(r["uk_region"], r["local_authority"]) for r in unknown} == {("Unknown", "Unknown")}
    assert min(r["period_end"] for r in unknown) == date(2021, 6, 30)
    assert (
        "36 row(s) (24,819 persons) have LAD Code 'Unknown' (arrivals not placed in a local authority); "
        "loaded with no LAD code" in real.notes
    )
    others = [r for r in real.rows if r["lad_code"] is not None]
    assert all(r["lad_code"][0] in "ESWN" and len(r["lad_code"]) == 9 for r in others)


def test_notes_name_the_missing_quarters_and_renamed_areas(real: ParseResult) -> None:
    assert (
        "no rows for 2 quarter(s) between the first and the last: 2020-06-30, 2020-09-30 "
        "(no arrivals: the table leaves such quarters out)" in real.notes
    )
    assert "LAD Code E07000112 is published under 2 names: Folkestone and Hythe, Shepway" in real.notes


def test_rows_have_canonical_columns_and_types(real: ParseResult) -> None:
    cf.check_canonical_columns(real, SOURCE, CANONICAL)
    first = real.rows[0]
    assert type(first["period_end"]) is date and type(first["persons"]) is int
    assert first == {
        "period_end": date(2014, 3, 31),
        "uk_region": "Yorkshire and The Humber",
        "lad_code": "E08000032",
        "local_authority": "Bradford",
        "scheme": "Vulnerable Persons Resettlement Scheme",
        "persons": 13,
        "_row_number": 2,
    }
    assert real.published_columns == {
        "period_end": "Date",
        "uk_region": "UK Region",
        "lad_code": "LAD Code",
        "local_authority": "Local Authority",
        "scheme": "Resettlement Scheme",
        "persons": "Persons",
    }


def test_row_numbers_point_at_the_line_in_the_file(real: ParseResult) -> None:
    assert FEED.lines[0] == HEADER
    for row in real.rows:
        line = FEED.lines[row["_row_number"] - 1]
        assert (line[5], int(line[7])) == (row["local_authority"], row["persons"])
    hull = next(r for r in real.rows if r["local_authority"] == "Kingston upon Hull, City of")
    assert hull["lad_code"] == "E06000010"  # a quoted name with a comma is one field


def test_screening_quarantines_nothing_on_the_real_file(real: ParseResult) -> None:
    screened = screen(real, SOURCE)
    assert screened.quarantined == [] and len(screened.rows) == 2_702


def test_spec() -> None:
    cf.check_open_csv_spec(SOURCE, "home_office_resettlement", (".csv", ".xlsx", ".ods"))
    assert SOURCE.raw_table == "home_office__resettlement_arrivals"
    assert SOURCE.cadence == "0 7 * * *"
    assert SOURCE.publisher == (
        "Home Office, Immigration system statistics (resettlement by local authority, table Res_D01)"
    )
    assert SOURCE.row_outcomes_model == "resettlement_row_outcomes"
    # One Home Office calendar, shared with Asy_D11, and the same page
    assert CALENDAR is IMMIGRATION_STATISTICS_QUARTERLY and SOURCE.calendar is CALENDAR
    assert SOURCE.discovery is not None
    assert SOURCE.discovery.page_url == get_source("home_office_asylum_support").discovery.page_url  # type: ignore[union-attr]
    assert SOURCE.discovery.period_of("resettlement-local-authority-datasets-dec-2023.xlsx") == date(
        2023, 12, 31
    )
    assert SOURCE.discovery.period_of("resettlement-local-authority-datasets-june-2024.ods") == date(
        2024, 6, 30
    )
    assert SOURCE.discovery.period_of("support-local-authority-datasets-dec-2023.xlsx") is None
    assert get_source("home_office_asylum_support").calendar is IMMIGRATION_STATISTICS_QUARTERLY
    assert (
        CALENDAR.period_end_months,
        CALENDAR.lag_months,
        CALENDAR.window_from_day,
        CALENDAR.grace_days,
    ) == (
        (3, 6, 9, 12),
        2,
        22,
        7,
    )


def test_real_csv_parses_fast() -> None:
    cf.check_parses_fast(FEED, seconds=1.0)


# ------------------------------------------------------------------------------------------
# Structural problems raise ParseError


@pytest.mark.parametrize("column", HEADER)
def test_missing_column_is_refused_naming_it(small: cf.Table, column: str) -> None:
    cf.check_missing_column_refused(FEED, small, column)


def test_several_missing_columns_are_all_named(small: cf.Table) -> None:
    content = cf.to_csv(cf.without_column(cf.without_column(small, "Persons"), "LAD Code"))
    with pytest.raises(ParseError, match=r"missing required columns 'LAD Code', 'Persons'"):
        parse(content, "two.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\r\n\r\n", "file is empty"),
        (b" , ,\r\n", "no header line"),
        (b"PK\x03\x04rest of a workbook", "zip archive"),
    ],
)
def test_unreadable_files(content: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(content, "bad.csv")


def test_other_extensions_are_refused() -> None:
    cf.check_other_extension_refused(
        FEED, "resettlement.pdf", r"unsupported file extension '\.pdf'; expected \.csv, \.xlsx, \.ods"
    )


# ------------------------------------------------------------------------------------------
# The publisher's workbook (Data - Res_D01), built from the real rows


@pytest.fixture(scope="module")
def workbook_result(real: ParseResult) -> ParseResult:
    content = cf.resettlement_workbook(FEED.table)
    return parse(content, "resettlement-local-authority-datasets-dec-2023.xlsx")


def test_the_workbook_gives_the_csv_rows(real: ParseResult, workbook_result: ParseResult) -> None:
    assert workbook_result.quarantined == [] and workbook_result.rows_in_file == real.rows_in_file
    assert _without_row_numbers(workbook_result) == _without_row_numbers(real)
    assert workbook_result.release == real.release == "2023-12-31"
    assert workbook_result.file_format == "xlsx"
    # title row 1, header row 2: the first data row is worksheet row 3, and the footnotes are no rows
    assert workbook_result.rows[0]["_row_number"] == 3
    assert "sheet 'Data - Res_D01'" in workbook_result.notes[0]


def test_a_bad_quarter_in_the_workbook_is_quarantined_where_it_is(small: cf.Table) -> None:
    broken = cf.with_cell(small, 0, "Quarter", "Q5")
    content = cf.resettlement_workbook(broken, sheet="Data \u2013 Res_D01")
    result = parse(content, "resettlement-local-authority-datasets-dec-2023.xlsx")
    assert [(q.row_number, q.column) for q in result.quarantined] == [(3, "Date")]
    assert len(result.rows) == len(small.rows) - 1


def test_a_workbook_without_the_table_is_refused(small: cf.Table) -> None:
    content = cf.resettlement_workbook(cf.without_column(small, "Persons"), sheet="Other")
    with pytest.raises(
        ParseError, match=r"no sheet named 'Data - Res_D01' and no sheet has the Res_D01 header"
    ):
        parse(content, "resettlement-local-authority-datasets-dec-2023.xlsx")


def test_header_only_is_zero_rows(small: cf.Table) -> None:
    result = FEED.parse_csv(cf.Table(small.header, []), "header.csv")
    assert result.rows == [] and result.rows_in_file == 0 and result.release == "empty"


# ------------------------------------------------------------------------------------------
# Columns, encodings and layout


def test_extra_column_is_a_warning_and_not_loaded(small: cf.Table) -> None:
    result = cf.parse_with_extra_column(FEED, small, "Notes", "[note 1]", "notes.csv")
    assert result.warnings == [
        "file 'notes.csv', header row 1: column 'Notes' (column 9) is not part of the resettlement table "
        "(Res_D01) and was not loaded"
    ]


def test_repeated_column_is_a_warning_and_the_first_is_read(small: cf.Table) -> None:
    result = cf.parse_with_extra_column(FEED, small, "persons", "999", "twice.csv")
    assert result.warnings == [
        "file 'twice.csv', header row 1: column 'persons' (column 9) repeats column 'Persons' (column 8) "
        "and was not loaded"
    ]


def test_columns_in_another_order_and_case(small: cf.Table) -> None:
    order = [7, 6, 5, 4, 3, 2, 1, 0]
    shuffled = cf.Table(
        [small.header[i].upper() for i in order], [[row[i] for i in order] for row in small.rows]
    )
    result = FEED.parse_csv(shuffled, "shuffled.csv")
    assert _without_row_numbers(result) == _without_row_numbers(parse(cf.to_csv(small), "plain.csv"))


def test_bom_is_ignored(small: cf.Table) -> None:
    content = cf.to_csv(small, "utf-8-sig")
    assert content.startswith(b"\xef\xbb\xbfDate,")
    result = cf.checked(parse(content, "bom.csv"))
    assert result.rows == parse(cf.to_csv(small), "plain.csv").rows
    assert result.published_columns["period_end"] == "Date"


def _welsh(small: cf.Table) -> tuple[cf.Table, int]:
    """A real Welsh row renamed Ynys Môn (not ASCII; the sample has no such name)."""
    i = small.find({"UK Region": "Wales"})
    return cf.with_cell(small, i, "Local Authority", "Ynys M\u00f4n"), i


@pytest.mark.parametrize("encoding", ["cp1252", "cp1252-after-utf8-bom", "utf-8", "utf-16-le-bom"])
def test_encodings(small: cf.Table, encoding: str) -> None:
    renamed, i = _welsh(small)
    result = cf.parse_encoded(FEED, renamed, encoding, "Ynys M\u00f4n")
    row = next(r for r in result.rows if r["_row_number"] == cf.csv_line(i))
    assert row["local_authority"] == "Ynys M\u00f4n" and row["persons"] == int(small.rows[i][7])


def test_blank_lines_are_not_rows(small: cf.Table) -> None:
    content = cf.to_csv(small).replace(b"\r\n", b"\r\n\r\n", 3)
    result = cf.checked(parse(content, "blank_lines.csv"))
    assert result.rows_in_file == len(small.rows) and result.quarantined == []
    assert [r["_row_number"] for r in result.rows[:3]] == [3, 5, 7]  # the line a person sees


def test_trimmed_values(small: cf.Table) -> None:
    i = small.find({"Resettlement Scheme": "UK Resettlement Scheme"})
    padded = cf.with_cell(
        cf.with_cell(small, i, "Resettlement Scheme", "  UK Resettlement Scheme "), i, "Persons", " 7 "
    )
    row = next(r for r in parse(cf.to_csv(padded), "p.csv").rows if r["_row_number"] == cf.csv_line(i))
    assert row["scheme"] == "UK Resettlement Scheme" and row["persons"] == 7


# ------------------------------------------------------------------------------------------
# Per-row problems are quarantined


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        *cf.QUARTER_END_CASES,
        ("Quarter", "3", "Quarter must agree with Date 2023-12-31 (expected 4), got '3'"),
        ("Quarter", "", "Quarter must agree with Date 2023-12-31 (expected 4), got ''"),
        (
            "LAD Code",
            "E0800003",
            "LAD Code must be a GSS code (E, K, N, S or W and 8 digits, e.g. 'E06000016'), "
            "or 'Unknown' for arrivals not placed in a local authority, got 'E0800003'",
        ),
        ("LAD Code", "", "LAD Code must be a GSS code"),
        ("LAD Code", "N/A", "got 'N/A'"),
        ("Resettlement Scheme", "", "Resettlement Scheme must name the scheme, got blank"),
        (
            "Persons",
            "0",
            "Persons must be a whole number >= 1 (the table leaves out quarters with no arrivals), got '0'",
        ),
        ("Persons", "-3", "Persons must be a whole number >= 1, got '-3'"),
        ("Persons", "12.5", "Persons must be a whole number >= 1, got '12.5'"),
        ("Persons", "twelve", "Persons must be a whole number >= 1, got 'twelve'"),
        ("Persons", "", "Persons must be a whole number >= 1, got blank"),
        (
            "Persons",
            "x",
            "Persons is the suppression marker 'x' (count withheld or not available), which this "
            "table does not use; expected a whole number >= 1",
        ),
        ("Persons", "[c]", "suppression marker '[c]'"),
    ],
)
def test_bad_cells_are_quarantined(small: cf.Table, column: str, value: str, reason: str) -> None:
    i = small.find({"Date": "2023-12-31", "UK Region": "Yorkshire and The Humber"})
    cf.check_bad_cell_quarantined(FEED, small, i, column, value, reason)


def test_quarter_mismatch_names_row_column_and_expected_quarter(small: cf.Table) -> None:
    i = small.find({"Date": "2016-06-30"})
    result = FEED.parse_csv(cf.with_cell(small, i, "Quarter", "1"), "quarter.csv")
    [q] = result.quarantined
    assert (q.row_number, q.column, q.value) == (cf.csv_line(i), "Quarter", "1")
    assert q.reason == "Quarter must agree with Date 2016-06-30 (expected 2), got '1'"


def test_other_date_layouts_are_read(small: cf.Table) -> None:
    i = small.find({"Date": "2016-03-31"})
    for text in ("31 Mar 2016", "31/03/2016", "31 March 2016"):
        result = FEED.parse_csv(cf.with_cell(small, i, "Date", text), "d.csv")
        assert result.quarantined == []
        assert result.rows[i]["period_end"] == date(2016, 3, 31)


def test_unknown_code_in_any_case_is_kept_without_a_code(small: cf.Table) -> None:
    i = small.find({"LAD Code": "Unknown"})
    result = FEED.parse_csv(cf.with_cell(small, i, "LAD Code", "UNKNOWN"), "u.csv")
    assert result.quarantined == [] and result.rows[i]["lad_code"] is None


def test_lower_case_code_is_read_upper_case(small: cf.Table) -> None:
    i = small.find({"LAD Code": "E08000032"})
    result = FEED.parse_csv(cf.with_cell(small, i, "LAD Code", "e08000032"), "lc.csv")
    assert result.rows[i]["lad_code"] == "E08000032"


def test_unquoted_comma_is_quarantined_not_misread() -> None:
    hull = b'"Kingston upon Hull, City of"'
    assert REAL_BYTES.count(hull) > 0
    line = REAL_BYTES[: REAL_BYTES.index(hull)].count(b"\n") + 1
    content = REAL_BYTES.replace(hull, b"Kingston upon Hull, City of", 1)
    result = cf.checked(parse(content, "unquoted.csv"))
    [q] = result.quarantined
    assert (q.row_number, q.column) == (line, None)
    assert q.reason == (
        "row has 9 fields where the header has 8 (a name with an unquoted comma, or a line cut short?)"
    )
    published = next(csv.reader(io.StringIO(REAL_BYTES.decode().splitlines()[line - 1])))
    assert published[5] == "Kingston upon Hull, City of"
    # Read as 9 fields, the name spills into the scheme and the scheme into Persons.
    assert (q.record["Local Authority"], q.record["Resettlement Scheme"]) == ("Kingston upon Hull", "City of")
    assert (q.record["Persons"], q.record["column 9"]) == (published[6], published[7])
    assert len(result.rows) == 2_701


def test_short_row_is_quarantined(small: cf.Table) -> None:
    content = cf.to_csv(small) + b"2023-12-31,2023,4,London\r\n"
    result = cf.checked(parse(content, "short.csv"))
    [q] = result.quarantined
    assert q.row_number == cf.csv_line(len(small.rows))
    assert q.reason.startswith("row has 4 fields where the header has 8")
    assert q.record["UK Region"] == "London" and q.record["Persons"] == ""


def test_every_bad_row_is_accounted_for(small: cf.Table) -> None:
    broken = cf.with_cell(cf.with_cell(small, 3, "Persons", "0"), 10, "Date", "2016-02-29")
    broken = cf.with_cell(broken, 20, "LAD Code", "E0800003X")
    result = FEED.parse_csv(broken, "three.csv")
    assert [(q.row_number, q.column) for q in result.quarantined] == [
        (cf.csv_line(3), "Persons"),
        (cf.csv_line(10), "Date"),
        (cf.csv_line(20), "LAD Code"),
    ]
    assert len(result.rows) == len(small.rows) - 3
