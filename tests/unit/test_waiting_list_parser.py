"""The LAHS Section C waiting-list parser on the real bundled extract and on files built from its rows."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from housing_need.sources import ParseResult
from housing_need.sources.mhclg_waiting_lists import CALENDAR, SOURCE, parse
from housing_need.sources.screening import screen
from tests.support import csv_feeds as cf

FEED = cf.Feed(cf.WAITING_LIST_CSV, parse)
HEADER = [
    "lad24cd",
    "reporting_year",
    "households_on_register",
    "jointly_managed_register",
    "reasonable_preference",
    "source",
]
CANONICAL = {
    "lad_code": "VARCHAR",
    "reporting_year": "INTEGER",
    "households_on_register": "BIGINT",
    "jointly_managed_register": "BOOLEAN",
    "reasonable_preference": "BIGINT",
    "source_note": "VARCHAR",
}
# England, households on local authority housing registers at 1 April (PROVENANCE of the extract:
# 2024 equals MHCLG Live Table 600; 2025 is 92 short of LT600's 1,340,527, three values differ).
ENGLAND_2024 = 1_330_602
ENGLAND_2025 = 1_340_435
GAP_WARNING = (
    "file 'lahs_waiting_list_2015_2025.csv', header row 1: 2 row(s) have no households_on_register "
    "(a published gap; loaded as null, so totals over them are short): rows 502 (E07000106 2024), "
    "2942 (E06000020 2024)"
)


@pytest.fixture(scope="module")
def real() -> ParseResult:
    return FEED.parsed()


@pytest.fixture(scope="module")
def small() -> cf.Table:
    """Three real years: 2019 (predecessor districts, the one repeated line), 2024 (both gaps) and 2025."""
    return cf.keep(FEED.table, lambda r: r["reporting_year"] in ("2019", "2024", "2025"))


def _households(rows: list[dict[str, Any]], year: int) -> int:
    return sum(r["households_on_register"] or 0 for r in rows if r["reporting_year"] == year)


# ------------------------------------------------------------------------------------------
# The real extract


def test_real_csv_parses_every_row(real: ParseResult) -> None:
    # The release is the end of the newest reporting year.
    cf.check_every_row_read(real, rows=3_471, release="2025-03-31", warnings=[GAP_WARNING])


def test_households_per_year_equal_the_csv(real: ParseResult) -> None:
    expected: Counter[int] = Counter()
    for row in FEED.published:
        expected[int(row["reporting_year"])] += int(row["households_on_register"] or 0)
    got: Counter[int] = Counter()
    for r in real.rows:
        got[r["reporting_year"]] += r["households_on_register"] or 0
    assert got == expected
    assert sorted(got) == list(range(2015, 2026))


def test_england_totals_match_the_published_figures(real: ParseResult) -> None:
    assert _households(real.rows, 2024) == ENGLAND_2024
    assert _households(real.rows, 2025) == ENGLAND_2025
    bromley = next(r for r in real.rows if (r["lad_code"], r["reporting_year"]) == ("E09000006", 2025))
    assert bromley["households_on_register"] == 3_201  # LT600: 3,430 (a known defect of the extract)


def test_empty_counts_are_null_and_kept(real: ParseResult) -> None:
    lines = [i + 2 for i, row in enumerate(FEED.published) if row["households_on_register"] == ""]
    gaps = [r for r in real.rows if r["households_on_register"] is None]
    assert [r["_row_number"] for r in gaps] == lines == [502, 2942]
    assert [(r["lad_code"], r["reporting_year"]) for r in gaps] == [("E07000106", 2024), ("E06000020", 2024)]
    assert all(r["reasonable_preference"] is None for r in real.rows)  # empty on every row
    assert "reasonable_preference is empty on 3471 of 3471 row(s); loaded as null" in real.notes


def test_flags(real: ParseResult) -> None:
    expected = Counter(
        {"TRUE": True, "FALSE": False, "": None}[row["jointly_managed_register"]] for row in FEED.published
    )
    got = Counter(r["jointly_managed_register"] for r in real.rows)
    assert got == expected == Counter({False: 2_584, True: 573, None: 314})
    assert all(r["jointly_managed_register"] is None for r in real.rows if r["reporting_year"] == 2025)


def test_predecessor_rows_are_kept_not_merged(real: ParseResult) -> None:
    keys = Counter((r["lad_code"], r["reporting_year"]) for r in real.rows)
    shared = {k: n for k, n in keys.items() if n > 1}
    assert (len(shared), sum(shared.values()) - len(shared)) == (76, 215)
    assert len({r["lad_code"] for r in real.rows}) == 296
    assert (
        "291 row(s) share their lad24cd and reporting year with another row (76 code/year pair(s), 215 "
        "row(s) more than pairs): predecessor districts published under their successor's code; kept "
        "(the warehouse sums them)" in real.notes
    )
    # West Northamptonshire (E06000062): its three predecessor districts to 2021, one row from 2022.
    wnt = Counter(r["reporting_year"] for r in real.rows if r["lad_code"] == "E06000062")
    assert (wnt[2021], wnt[2022]) == (3, 1)


def test_the_one_repeated_line_and_what_screening_does_with_it(real: ParseResult) -> None:
    """Exactly one pair of lines is identical byte for byte: East Suffolk (E07000244) 2019, 4,321, under
    both predecessor districts' slots (Suffolk Coastal, Waveney). Screening quarantines the second as an
    exact duplicate, so the warehouse's 2019 total is 4,321 below the file's."""
    lines = FEED.content.decode("utf-8").splitlines()
    repeats = Counter(lines[1:])
    assert [(line, n) for line, n in repeats.items() if n > 1] == [
        ('E07000244,2019,4321,FALSE,,"MHCLG LAHS Section C, year ending 31 March 2019"', 2)
    ]
    first, second = (i + 1 for i, line in enumerate(lines) if line.startswith("E07000244,2019,"))
    assert (first, second) == (2828, 3179)
    screened = screen(real, SOURCE)
    assert [(q.row_number, q.column, q.reason) for q in screened.quarantined] == [
        (3179, None, "exact duplicate of row 2828")
    ]
    assert _households(real.rows, 2019) == 1_160_261
    assert _households(screened.rows, 2019) == 1_160_261 - 4_321 == 1_155_940
    assert (
        _households(screened.rows, 2024) == ENGLAND_2024 and _households(screened.rows, 2025) == ENGLAND_2025
    )


def test_rows_have_canonical_columns_and_types(real: ParseResult) -> None:
    cf.check_canonical_columns(real, SOURCE, CANONICAL)
    assert real.rows[0] == {
        "lad_code": "E07000223",
        "reporting_year": 2015,
        "households_on_register": 1261,
        "jointly_managed_register": True,
        "reasonable_preference": None,
        "source_note": "MHCLG LAHS Section C, year ending 31 March 2015",
        "_row_number": 2,
    }
    assert real.published_columns == {
        "lad_code": "lad24cd",
        "reporting_year": "reporting_year",
        "households_on_register": "households_on_register",
        "jointly_managed_register": "jointly_managed_register",
        "reasonable_preference": "reasonable_preference",
        "source_note": "source",
    }


def test_row_numbers_point_at_the_line_in_the_file(real: ParseResult) -> None:
    assert FEED.lines[0] == HEADER
    for row in real.rows:
        line = FEED.lines[row["_row_number"] - 1]
        assert (line[0], int(line[1]), line[5]) == (
            row["lad_code"],
            row["reporting_year"],
            row["source_note"],
        )


def test_spec_and_calendar() -> None:
    cf.check_open_csv_spec(SOURCE, "mhclg_waiting_lists")
    assert SOURCE.raw_table == "mhclg__waiting_lists"
    assert SOURCE.cadence == "0 7 * * *"  # daily: the calendar decides whether to look
    assert SOURCE.calendar is CALENDAR and SOURCE.discovery is not None
    assert SOURCE.discovery.period_of("lahs_waiting_list_2015_2025.csv") == date(2025, 3, 31)
    assert SOURCE.publisher == (
        "MHCLG, Local authority housing statistics, Section C (households on the housing register), "
        "third-party extract"
    )
    assert SOURCE.row_outcomes_model == "waiting_list_row_outcomes"
    # Annual: the year ending 31 March, published from November to the following January.
    assert CALENDAR.period_end_months == (3,)
    assert CALENDAR.next_period_after(date(2025, 3, 31)) == date(2026, 3, 31)
    assert CALENDAR.window(date(2025, 3, 31)) == (date(2025, 11, 1), date(2025, 11, 30))
    assert CALENDAR.status(date(2024, 3, 31), date(2025, 10, 31)).state == "expected"
    assert CALENDAR.status(date(2024, 3, 31), date(2026, 1, 31)).state == "due"
    assert CALENDAR.status(date(2024, 3, 31), date(2026, 2, 1)).state == "overdue"
    assert CALENDAR.freshness_days() == (610, 672)


def test_real_csv_parses_fast() -> None:
    cf.check_parses_fast(FEED, seconds=1.0)


# ------------------------------------------------------------------------------------------
# Structural problems raise ParseError


@pytest.mark.parametrize("column", HEADER)
def test_missing_column_is_refused_naming_it(small: cf.Table, column: str) -> None:
    cf.check_missing_column_refused(FEED, small, column)


def test_empty_file_and_other_extensions() -> None:
    cf.check_empty_file_refused(FEED, b"\n")
    cf.check_other_extension_refused(FEED, "waiting.xlsx")


# ------------------------------------------------------------------------------------------
# Columns, encodings and gaps


def test_extra_column_is_a_warning_and_not_loaded(small: cf.Table) -> None:
    result = cf.parse_with_extra_column(FEED, small, "lad24nm", "x", "names.csv")
    assert result.warnings[0] == (
        "file 'names.csv', header row 1: column 'lad24nm' (column 7) is not part of the LAHS Section C "
        "extract and was not loaded"
    )
    assert len(result.warnings) == 2 and "have no households_on_register" in result.warnings[1]


def test_a_new_gap_is_counted_in_the_one_warning(small: cf.Table) -> None:
    i = small.find({"reporting_year": "2025"})
    result = FEED.parse_csv(cf.with_cell(small, i, "households_on_register", ""), "gap.csv")
    assert result.quarantined == [] and result.rows[i]["households_on_register"] is None
    [warning] = result.warnings
    assert warning.startswith("file 'gap.csv', header row 1: 3 row(s) have no households_on_register")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "cp1252-after-utf8-bom", "utf-16-le-bom"])
def test_encodings(small: cf.Table, encoding: str) -> None:
    i = small.find({"reporting_year": "2025"})
    note = "MHCLG LAHS Section C, year ending 31 March 2025 \u2013 revised \u00a3"
    result = cf.parse_encoded(FEED, cf.with_cell(small, i, "source", note), encoding, "\u2013 revised \u00a3")
    assert result.rows[i]["source_note"] == note


@pytest.mark.parametrize(("text", "value"), [("true", True), ("False", False), (" TRUE ", True)])
def test_flags_in_any_case(small: cf.Table, text: str, value: bool) -> None:
    i = small.find({"jointly_managed_register": "FALSE"})
    result = FEED.parse_csv(cf.with_cell(small, i, "jointly_managed_register", text), "f.csv")
    assert result.rows[i]["jointly_managed_register"] is value


def test_counts_with_separators_and_a_reasonable_preference(small: cf.Table) -> None:
    i = small.find({"reporting_year": "2024", "lad24cd": "E09000006"})
    changed = cf.with_cell(
        cf.with_cell(small, i, "households_on_register", "3,201"), i, "reasonable_preference", "1,002"
    )
    row = FEED.parse_csv(changed, "sep.csv").rows[i]
    assert (row["households_on_register"], row["reasonable_preference"]) == (3_201, 1_002)


# ------------------------------------------------------------------------------------------
# Per-row problems are quarantined


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (
            "lad24cd",
            "E0900006",
            "lad24cd must be a GSS code (E, K, N, S or W and 8 digits, e.g. 'E06000016'), got 'E0900006'",
        ),
        (
            "lad24cd",
            "",
            "lad24cd must be a GSS code (E, K, N, S or W and 8 digits, e.g. 'E06000016'), got blank",
        ),
        ("lad24cd", "Bromley", "got 'Bromley'"),
        (
            "reporting_year",
            "2024/25",
            "reporting_year must be a year such as '2024' (the year ending 31 March), got '2024/25'",
        ),
        ("reporting_year", "24", "got '24'"),
        ("reporting_year", "", "got blank"),
        ("reporting_year", "1066", "got '1066'"),
        ("jointly_managed_register", "Y", "jointly_managed_register must be TRUE, FALSE or empty, got 'Y'"),
        ("jointly_managed_register", "1", "got '1'"),
        (
            "households_on_register",
            "-5",
            "households_on_register must be a whole number >= 0 or empty, got '-5'",
        ),
        ("households_on_register", "12.5", "got '12.5'"),
        (
            "households_on_register",
            "[x]",
            "households_on_register is the suppression marker '[x]' (count "
            "withheld or not available); expected a whole number >= 0, or an empty cell where none was published",
        ),
        (
            "reasonable_preference",
            "many",
            "reasonable_preference must be a whole number >= 0 or empty, got 'many'",
        ),
    ],
)
def test_bad_cells_are_quarantined(small: cf.Table, column: str, value: str, reason: str) -> None:
    i = small.find({"reporting_year": "2024", "lad24cd": "E09000006"})
    cf.check_bad_cell_quarantined(FEED, small, i, column, value, reason)


def test_unquoted_comma_in_the_note_is_quarantined(small: cf.Table) -> None:
    content = cf.to_csv(small).replace(
        b'"MHCLG LAHS Section C, year ending 31 March 2024"',
        b"MHCLG LAHS Section C, year ending 31 March 2024",
        1,
    )
    result = cf.checked(parse(content, "unquoted.csv"))
    [q] = result.quarantined
    assert q.column is None and q.reason.startswith("row has 7 fields where the header has 6")
    assert result.rows_in_file == len(small.rows)
