"""The initial-decisions (Asy_D02) parser on the real bundled CSV and on deliveries built from its rows."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook

from housing_need.errors import ParseError
from housing_need.sources import ParseResult, get_source
from housing_need.sources.home_office import IMMIGRATION_STATISTICS_QUARTERLY
from housing_need.sources.home_office_asylum_decisions import CALENDAR, SOURCE, parse
from housing_need.sources.screening import screen
from tests.support import asy_d02
from tests.support import csv_feeds as cf

FEED = cf.Feed(cf.DECISIONS_CSV, parse)
HEADER = [
    "Date",
    "Year",
    "Quarter",
    "Nationality",
    "Region",
    "Grant",
    "Refused",
    "Administrative Outcome",
    "Initial grant rate",
]
CANONICAL = {
    "period_end": "DATE",
    "quarter_label": "VARCHAR",
    "nationality": "VARCHAR",
    "world_region": "VARCHAR",
    "grants": "BIGINT",
    "refusals": "BIGINT",
    "administrative_outcomes": "BIGINT",
    "published_grant_rate": "DOUBLE",
}
COUNT_COLUMNS = {
    "Grant": "grants",
    "Refused": "refusals",
    "Administrative Outcome": "administrative_outcomes",
}


def _count(text: str) -> int:
    return 0 if text == "NA" else int(text)


@pytest.fixture(scope="module")
def real() -> ParseResult:
    return FEED.parsed()


@pytest.fixture(scope="module")
def small() -> cf.Table:
    """Two real years: 2002 (with São Tomé and Príncipe, not ASCII) and 2023 (the last, with
    nationalities that had administrative outcomes only)."""
    return cf.keep(FEED.table, lambda r: r["Year"] in ("2002", "2023"))


# ------------------------------------------------------------------------------------------
# The real CSV


def test_real_csv_parses_every_row(real: ParseResult) -> None:
    # No warnings: every published rate is Grant / (Grant + Refused).
    cf.check_every_row_read(real, rows=10_288, release="2023-12-31", warnings=[])


@pytest.mark.parametrize("column", ["Grant", "Refused", "Administrative Outcome"])
def test_counts_per_quarter_equal_the_csv(real: ParseResult, column: str) -> None:
    expected: Counter[date] = Counter()
    for row in FEED.published:
        expected[date.fromisoformat(row["Date"])] += _count(row[column])
    got: Counter[date] = Counter()
    for r in real.rows:
        got[r["period_end"]] += r[COUNT_COLUMNS[column]] or 0
    assert got == expected
    assert len(got) == 92  # 2001 Q1 to 2023 Q4


def test_totals_for_2023(real: ParseResult) -> None:
    rows = [r for r in real.rows if r["period_end"].year == 2023]
    assert sum(r["grants"] or 0 for r in rows) == 50_144
    assert sum(r["refusals"] or 0 for r in rows) == 24_980


def test_na_is_null_not_quarantined(real: ParseResult) -> None:
    for column, canonical in [*COUNT_COLUMNS.items(), ("Initial grant rate", "published_grant_rate")]:
        na_lines = [i + 2 for i, row in enumerate(FEED.published) if row[column] == "NA"]
        assert [r["_row_number"] for r in real.rows if r[canonical] is None] == na_lines
    nulls = {c: sum(1 for r in real.rows if r[c] is None) for c in list(CANONICAL)[4:]}
    assert nulls == {
        "grants": 3_935,
        "refusals": 659,
        "administrative_outcomes": 9_935,
        "published_grant_rate": 4_548,
    }
    samoa = real.rows[3]  # 2001 Q1 American Samoa: one grant, no refusals
    assert (samoa["nationality"], samoa["grants"], samoa["refusals"], samoa["published_grant_rate"]) == (
        "American Samoa (United States)",
        1,
        None,
        None,
    )
    assert "3935 row(s) publish NA in grants; loaded as null" in real.notes


def test_rate_missing_with_decisions_is_a_note(real: ParseResult) -> None:
    [note] = [n for n in real.notes if "publish no Initial grant rate" in n]
    assert note.startswith(
        "4502 row(s) publish no Initial grant rate (NA) although Grant or Refused is not NA (the rate is "
        "NA whenever either count is); loaded as published (rows 5, 7, 9, 11, 15, ...)"
    )


def test_values_are_as_published(real: ParseResult) -> None:
    assert [r["quarter_label"] for r in real.rows] == [row["Quarter"] for row in FEED.published]
    assert [r["nationality"] for r in real.rows] == [row["Nationality"] for row in FEED.published]
    assert [r["world_region"] for r in real.rows] == [row["Region"] for row in FEED.published]
    assert [r["published_grant_rate"] for r in real.rows] == [
        None if row["Initial grant rate"] == "NA" else float(row["Initial grant rate"])
        for row in FEED.published
    ]
    assert real.rows[0]["quarter_label"] == "2001 Q1" and real.rows[-1]["quarter_label"] == "2023 Q4"
    # Spelled with accents to 2018 and without them in 2023 Q4: kept as published.
    sao_tome = Counter(
        r["nationality"]
        for r in real.rows
        if r["nationality"].lower().startswith("s") and "tom" in r["nationality"].lower()
    )
    assert sao_tome == Counter({"S\u00e3o Tom\u00e9 and Pr\u00edncipe": 4, "Sao Tome and Principe": 1})


def test_rows_have_canonical_columns_and_types(real: ParseResult) -> None:
    cf.check_canonical_columns(real, SOURCE, CANONICAL)
    assert real.rows[0] == {
        "period_end": date(2001, 3, 31),
        "quarter_label": "2001 Q1",
        "nationality": "Afghanistan",
        "world_region": "Asia Central",
        "grants": 3461,
        "refusals": 1013,
        "administrative_outcomes": None,
        "published_grant_rate": 0.7735806884219938,
        "_row_number": 2,
    }
    assert real.published_columns == {
        "period_end": "Date",
        "quarter_label": "Quarter",
        "nationality": "Nationality",
        "world_region": "Region",
        "grants": "Grant",
        "refusals": "Refused",
        "administrative_outcomes": "Administrative Outcome",
        "published_grant_rate": "Initial grant rate",
    }


def test_row_numbers_point_at_the_line_in_the_file(real: ParseResult) -> None:
    assert FEED.lines[0] == HEADER
    for row in real.rows[::7]:
        line = FEED.lines[row["_row_number"] - 1]
        assert (line[3], line[5]) == (
            row["nationality"],
            "NA" if row["grants"] is None else str(row["grants"]),
        )


def test_screening_quarantines_nothing_on_the_real_file(real: ParseResult) -> None:
    screened = screen(real, SOURCE)
    assert screened.quarantined == [] and len(screened.rows) == 10_288


def test_spec() -> None:
    cf.check_open_csv_spec(SOURCE, "home_office_asylum_decisions", (".csv", ".xlsx", ".ods"))
    assert SOURCE.raw_table == "home_office__initial_decisions"
    assert SOURCE.cadence == "0 7 * * *"
    assert SOURCE.publisher == (
        "Home Office, Immigration system statistics (initial decisions on asylum applications by "
        "nationality, derived from table Asy_D02)"
    )
    assert SOURCE.row_outcomes_model == "asylum_decisions_row_outcomes"
    # Asy_D11's calendar and page; the detailed dataset, not the awaiting-decision one beside it
    assert CALENDAR is IMMIGRATION_STATISTICS_QUARTERLY and SOURCE.calendar is CALENDAR
    assert SOURCE.discovery is not None
    assert SOURCE.discovery.page_url == get_source("home_office_asylum_support").discovery.page_url  # type: ignore[union-attr]
    period_of = SOURCE.discovery.period_of
    assert period_of("asylum-applications-datasets-dec-2023.xlsx") == date(2023, 12, 31)
    assert period_of("asylum-applications-datasets-june-2024.ods") == date(2024, 6, 30)
    assert period_of("asylum-applications-datasets-sep-2023-revised.xlsx") == date(2023, 9, 30)
    assert period_of("asylum-applications-awaiting-decision-datasets-sep-2023.xlsx") is None
    assert period_of("support-local-authority-datasets-dec-2023.xlsx") is None


def test_real_csv_parses_fast() -> None:
    cf.check_parses_fast(FEED, seconds=2.0)


# ------------------------------------------------------------------------------------------
# Structural problems raise ParseError


@pytest.mark.parametrize("column", HEADER)
def test_missing_column_is_refused_naming_it(small: cf.Table, column: str) -> None:
    cf.check_missing_column_refused(FEED, small, column)


def test_empty_file_and_other_extensions() -> None:
    cf.check_empty_file_refused(FEED, b"")
    cf.check_other_extension_refused(
        FEED, "decisions.pdf", r"unsupported file extension '\.pdf'; expected \.csv, \.xlsx, \.ods"
    )


# ------------------------------------------------------------------------------------------
# Columns, encodings, NA and the grant-rate check


def test_extra_column_is_a_warning_and_not_loaded(small: cf.Table) -> None:
    result = cf.parse_with_extra_column(FEED, small, "Total", "[note 1]", "total.csv")
    assert result.warnings == [
        "file 'total.csv', header row 1: column 'Total' (column 10) is not part of the initial decisions "
        "table (Asy_D02) and was not loaded"
    ]


def _sao_tome(small: cf.Table) -> int:
    return small.find({"Nationality": "S\u00e3o Tom\u00e9 and Pr\u00edncipe"})


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "cp1252-after-utf8-bom", "utf-16-be-bom"])
def test_encodings(small: cf.Table, encoding: str) -> None:
    result = cf.parse_encoded(FEED, small, encoding, "S\u00e3o Tom\u00e9")
    i = _sao_tome(small)
    assert result.rows[i]["nationality"] == "S\u00e3o Tom\u00e9 and Pr\u00edncipe"


def test_na_in_any_case_is_null(small: cf.Table) -> None:
    i = small.find({"Date": "2023-12-31", "Nationality": "Zimbabwe"})
    broken = cf.with_cell(cf.with_cell(small, i, "Administrative Outcome", "na"), i, "Grant", "NA")
    broken = cf.with_cell(broken, i, "Initial grant rate", "NA")
    result = FEED.parse_csv(broken, "na.csv")
    assert result.quarantined == []
    row = result.rows[i]
    assert (row["grants"], row["refusals"], row["administrative_outcomes"], row["published_grant_rate"]) == (
        None,
        int(small.rows[i][6]),
        None,
        None,
    )


def test_rate_that_differs_from_the_counts_is_one_warning(small: cf.Table) -> None:
    rated = [i for i, row in enumerate(small.rows) if row[8] != "NA"]
    broken = small
    for i in rated[:3]:
        broken = cf.with_cell(broken, i, "Initial grant rate", f"{float(small.rows[i][8]) / 2:.6f}")
    close = rated[3]
    broken = cf.with_cell(broken, close, "Initial grant rate", repr(float(small.rows[close][8]) + 1e-12))
    result = FEED.parse_csv(broken, "rates.csv")
    assert result.quarantined == []
    lines = ", ".join(str(cf.csv_line(i)) for i in rated[:3])
    assert result.warnings == [
        "file 'rates.csv', header row 1: 3 row(s) publish an Initial grant rate that differs from "
        f"Grant / (Grant + Refused) by more than 1e-09; loaded as published (rows {lines})"
    ]
    assert result.rows[rated[0]]["published_grant_rate"] == float(f"{float(small.rows[rated[0]][8]) / 2:.6f}")


def test_rate_without_grants_or_refusals_is_counted_as_differing(small: cf.Table) -> None:
    i = small.find({"Grant": "NA", "Refused": "NA"})  # 2023: administrative outcomes only
    result = FEED.parse_csv(cf.with_cell(small, i, "Initial grant rate", "0.5"), "r.csv")
    assert result.quarantined == [] and result.rows[i]["published_grant_rate"] == 0.5
    assert result.warnings == [
        "file 'r.csv', header row 1: 1 row(s) publish an Initial grant rate that differs from "
        f"Grant / (Grant + Refused) by more than 1e-09; loaded as published (rows {cf.csv_line(i)})"
    ]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        *cf.QUARTER_END_CASES,
        ("Quarter", "2023 Q3", "Quarter must agree with Date 2023-12-31 (expected '2023 Q4'), got '2023 Q3'"),
        ("Quarter", "2022 Q4", "expected '2023 Q4'), got '2022 Q4'"),
        ("Quarter", "4", "Quarter must agree with Date 2023-12-31 (expected '2023 Q4'), got '4'"),
        ("Nationality", "", "Nationality must name the nationality, got blank"),
        ("Grant", "-1", "Grant must be a whole number >= 0 or NA, got '-1'"),
        ("Grant", "", "Grant must be a whole number >= 0 or NA, got blank"),
        ("Refused", "1.5", "Refused must be a whole number >= 0 or NA, got '1.5'"),
        (
            "Administrative Outcome",
            "..",
            "Administrative Outcome is the suppression marker '..' (count "
            "withheld or not available), which this table does not use; expected a whole number >= 0, or NA "
            "for no decisions",
        ),
        (
            "Initial grant rate",
            "1.2",
            "Initial grant rate must be a number from 0 to 1, or NA when there were "
            "no grants or refusals, got '1.2'",
        ),
        ("Initial grant rate", "-0.1", "got '-0.1'"),
        ("Initial grant rate", "nan", "got 'nan'"),
        ("Initial grant rate", "", "got blank"),
        ("Initial grant rate", "97%", "got '97%'"),
    ],
)
def test_bad_cells_are_quarantined(small: cf.Table, column: str, value: str, reason: str) -> None:
    i = small.find({"Date": "2023-12-31", "Nationality": "Zimbabwe"})
    cf.check_bad_cell_quarantined(FEED, small, i, column, value, reason)


def test_rate_bounds_are_inclusive(small: cf.Table) -> None:
    i = small.find({"Date": "2023-12-31", "Nationality": "Zimbabwe"})
    for text, value in (("0", 0.0), ("1", 1.0), ("1.0", 1.0), ("4.1e-01", 0.41)):
        result = FEED.parse_csv(cf.with_cell(small, i, "Initial grant rate", text), "b.csv")
        assert result.quarantined == [] and result.rows[i]["published_grant_rate"] == value


# ------------------------------------------------------------------------------------------
# The publisher's detailed dataset (Data - Asy_D02, one row per outcome, age, sex, ...), summed.
# Generated (tests/support/asy_d02.py) from the bundled CSV's published counts: the SYNTHETIC
# breakdown must sum back to them, and the rows left out (dependants, resettlement, withdrawn) not.

WORKBOOK = "asylum-applications-datasets-dec-2023.xlsx"


def _without_row_numbers(result: ParseResult) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "_row_number"} for r in result.rows]


@pytest.fixture(scope="module")
def workbook_result() -> ParseResult:
    return cf.checked(parse(asy_d02.decisions_workbook(FEED.table), WORKBOOK))


def test_the_summed_workbook_gives_the_csv_rows(real: ParseResult, workbook_result: ParseResult) -> None:
    assert workbook_result.quarantined == [] and workbook_result.rows_in_file == real.rows_in_file == 10_288
    assert _without_row_numbers(workbook_result) == _without_row_numbers(real)
    assert workbook_result.release == real.release == "2023-12-31"
    assert workbook_result.file_format == "xlsx" and workbook_result.warnings == []
    # title row 1, header row 2: the first sum is on worksheet row 3
    assert workbook_result.rows[0]["_row_number"] == 3
    note = workbook_result.notes[0]
    assert note.startswith("sheet 'Data - Asy_D02', header on row 2: ") and "summed into 10288 rows" in note
    for left_out in ("not an asylum case", "a dependant's decision", "withdrawn"):
        assert left_out in note


def test_the_workbook_totals_are_the_published_figures(workbook_result: ParseResult) -> None:
    rows = [r for r in workbook_result.rows if r["period_end"].year == 2023]
    assert sum(r["grants"] or 0 for r in rows) == 50_144
    assert sum(r["refusals"] or 0 for r in rows) == 24_980
    got: Counter[date] = Counter()
    for r in workbook_result.rows:
        got[r["period_end"]] += r["grants"] or 0
    expected: Counter[date] = Counter()
    for row in FEED.published:
        expected[date.fromisoformat(row["Date"])] += _count(row["Grant"])
    assert got == expected and len(got) == 92


def _decided(result: ParseResult) -> int:
    return sum(
        (r["grants"] or 0) + (r["refusals"] or 0) + (r["administrative_outcomes"] or 0) for r in result.rows
    )


def test_bad_cells_in_the_workbook_are_quarantined_on_their_worksheet_row(small: cf.Table) -> None:
    content = asy_d02.decisions_workbook(small)
    good = cf.checked(parse(content, WORKBOOK))
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Data - Asy_D02"]
    col = {name: asy_d02.HEADER.index(name) + 1 for name in asy_d02.HEADER}
    counted = [
        r
        for r in range(3, ws.max_row + 1)
        if (ws.cell(r, col["Case type"]).value, ws.cell(r, col["Applicant type"]).value)
        == ("Asylum Case", "Main applicant")
        and ws.cell(r, col["Case outcome group"]).value != "Withdrawn"
    ]
    bad_count, bad_group = counted[0], counted[-1]
    lost = ws.cell(bad_count, col["Decisions"]).value + ws.cell(bad_group, col["Decisions"]).value
    ws.cell(bad_count, col["Decisions"]).value = "[x]"
    ws.cell(bad_group, col["Case outcome group"]).value = "Deferred"
    out = io.BytesIO()
    wb.save(out)
    result = cf.checked(parse(out.getvalue(), WORKBOOK))
    assert [(q.row_number, q.column, q.value) for q in result.quarantined] == [
        (bad_count, "Decisions", "[x]"),
        (bad_group, "Case outcome group", "Deferred"),
    ]
    assert "suppression marker '[x]'" in result.quarantined[0].reason
    assert result.quarantined[0].record["Nationality"] == ws.cell(bad_count, col["Nationality"]).value
    assert result.rows_in_file == good.rows_in_file + 2
    # the sums lost the quarantined rows' decisions, and nothing else
    assert _decided(good) - _decided(result) == lost


def test_a_bad_quarter_in_the_workbook_is_quarantined_at_its_sum(small: cf.Table) -> None:
    broken = cf.with_cell(small, 0, "Quarter", "2002 Q5")
    result = cf.checked(parse(asy_d02.decisions_workbook(broken, sheet="Data \u2013 Asy_D02"), WORKBOOK))
    [q] = result.quarantined
    assert (q.row_number, q.column, q.value) == (3, "Date", "2002 Q5")
    assert len(result.rows) == len(small.rows) - 1


def test_a_workbook_without_the_decisions_table_is_refused(small: cf.Table) -> None:
    header = ["Total" if h == "Decisions" else h for h in asy_d02.HEADER]
    content = asy_d02.decisions_workbook(small, sheet="Other", header=header)
    with pytest.raises(
        ParseError, match=r"no sheet named 'Data - Asy_D02' and no sheet has the Asy_D02 header"
    ):
        parse(content, WORKBOOK)
