"""The publisher conventions every source package shares (sources/conventions.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from housing_need.errors import ParseError
from housing_need.sources import conventions as cv
from tests.support import asy_d11 as ad
from tests.support import census as cs


def test_one_gss_pattern_for_every_feed() -> None:
    asylum_codes = {r["LAD Code"] for r in ad.real_rows() if not r["LAD Code"].startswith("N/A")}
    _, rows = cs.bulk_table(cs.TS054["ctry"])
    census_codes = {r[2] for r in rows}
    assert "K04000001" in census_codes  # England and Wales: a K code
    assert {c[0] for c in asylum_codes} == {"E", "N", "S", "W"}
    assert all(cv.GSS_CODE.match(c) for c in asylum_codes | census_codes)
    for bad in ("E0600001", "X06000023", "e06000016", "E060000161", " E06000016"):
        assert not cv.GSS_CODE.match(bad)


def test_suppression_markers_are_the_union_of_both_publishers() -> None:
    assert {
        "..",
        ".",
        ":",
        "-",
        "*",
        "**",
        "x",
        "[x]",
        "c",
        "[c]",
        "z",
        "[z]",
        "u",
        "[u]",
        "low",
        "[low]",
    } == cv.SUPPRESSION_MARKERS
    for marker in ("..", "[c]", "LOW", "X"):
        got = cv.read_count(marker)
        assert isinstance(got, cv.NotACount) and got.kind == "suppressed"
        assert f"suppression marker {marker!r}" in got.reason()


def test_counts_from_real_cells() -> None:
    people = [int(r["People"]) for r in ad.real_rows()]
    biggest = max(people)
    assert biggest >= 1000
    assert cv.read_count(f"{biggest:,}") == biggest
    assert cv.read_count(str(biggest)) == biggest
    assert cv.read_count(f"{biggest}.0") == biggest
    assert cv.read_count(float(biggest)) == biggest
    assert cv.read_count(biggest) == biggest
    cases = {
        "": "blank",
        "  ": "blank",
        None: "blank",
        f"-{biggest}": "negative",
        -float(biggest): "negative",
        f"{biggest}.5": "fraction",
        biggest + 0.5: "fraction",
        "12x": "non_numeric",
        "1,23": "non_numeric",
        True: "non_numeric",
    }
    for value, kind in cases.items():
        got = cv.read_count(value)
        assert isinstance(got, cv.NotACount) and got.kind == kind, value
    negative = cv.read_count(f"-{biggest}")
    assert isinstance(negative, cv.NotACount) and negative.reason() == f"negative count -{biggest}"


@pytest.mark.parametrize(
    "value",
    [
        "31 Mar 2023",
        "31 March 2023",
        "31-Mar-2023",
        "2023-03-31",
        "2023-03-31 00:00:00",
        "31/03/2023",
        datetime(2023, 3, 31),
        date(2023, 3, 31),
        45016,
        45016.0,
    ],
)
def test_dates(value: object) -> None:
    assert cv.read_date(value) == date(2023, 3, 31)


@pytest.mark.parametrize("value", ["31 Foo 2023", "2023-02-30", "31 Mrz 2023", "", None, 12.5, True])
def test_not_dates(value: object) -> None:
    assert cv.read_date(value) is None


def test_cell_text_and_labels() -> None:
    assert cv.cell_text(None) == "" and cv.cell_text(12.0) == "12" and cv.cell_text(12.5) == "12.5"
    assert cv.cell_text(datetime(2023, 3, 31)) == "2023-03-31"
    assert cv.label("  Antarctica and Oceania,\n including  Australasia ") == (
        "Antarctica and Oceania, including Australasia"
    )
    assert cv.is_table_footer(" End of table") and cv.is_table_footer("END OF WORKSHEET")
    assert not cv.is_table_footer("Endsleigh")


def test_formula_like_text() -> None:
    for text in ("=1+1", "+cmd", "-cmd", "@SUM(A1)", "\tLeeds", "\rLeeds", "-2+3+cmd|' /C calc'!A0", "- x"):
        assert cv.formula_start(text) == text[0], text
    # Real values: negative numbers and ONS occupancy-rating labels, and labels that merely contain a dash.
    header, _ = cs.bulk_table(cs.TS052_LSOA)
    ratings = [h for h in header if h[0] in "+-"]
    assert ratings == [
        "+2 or more (under-occupied)",
        "+1 (under-occupied)",
        "-1 (overcrowded)",
        "-2 or less (overcrowded)",
    ]
    for text in [*ratings, "-1", "-2 or less", "+2 or more", "-3", "-12.5", "N/A - Section 4 (pre-2018)", ""]:
        assert cv.formula_start(text) is None, text


def test_check_delivery() -> None:
    assert cv.check_delivery(b"a", "x.CSV", (".csv",)) == ".csv"
    with pytest.raises(
        ParseError, match=r"'x\.ods'.*unsupported file extension '\.ods'; expected \.csv, \.xlsx"
    ):
        cv.check_delivery(b"a", "x.ods", (".csv", ".xlsx"))
    with pytest.raises(ParseError, match=r"file is empty \(0 bytes\)"):
        cv.check_delivery(ad.EMPTY, "x.csv", (".csv",))


@pytest.mark.parametrize("encoding", list(ad.ENCODINGS))
def test_decode_text_in_every_encoding_excel_writes(encoding: str) -> None:
    renamed, _ = ad.with_welsh_name(ad.real_rows()[:2000])
    text = ad.table_text(
        ad.PUBLISHER_HEADER,
        ([r[h] for h in ad.SAMPLE_HEADER if h not in ("Year", "Quarter")] for r in renamed),
    )
    assert "Ynys M\u00f4n" in text
    assert cv.decode_text(ad.encode_as(text, encoding), "x.csv") == text


def test_decode_text_refuses_what_it_cannot_read() -> None:
    with pytest.raises(
        ParseError, match=r"'x\.csv'.*neither UTF-8 nor Windows-1252 \(undecodable byte at offset 6\)"
    ):
        cv.decode_text(ad.UTF8_BOM + b"a,b\x81", "x.csv")  # 0x81 is unassigned in Windows-1252
    with pytest.raises(ParseError, match=r"UTF-16-LE byte-order mark but is not UTF-16-LE"):
        cv.decode_text(b"\xff\xfe" + "Date".encode("utf-16-le") + b"\x00\xdc", "x.csv")
    with pytest.raises(ParseError, match="NUL bytes.*UTF-16 without a byte-order mark"):
        list(cv.read_csv("Date,People".encode("utf-16-le"), "x.csv"))


def test_csv_records_by_line_comma_or_tab() -> None:
    header, rows = cs.bulk_table(cs.TS005)
    # A header with a line break inside a quoted field, as some Nomis downloads have it.
    header = [h.replace("Oceania, including", "Oceania,\nincluding") for h in header]
    assert sum("\n" in h for h in header) == 1
    for delimiter in (",", "\t"):
        text = ad.table_text(header, rows[:3], delimiter=delimiter)
        records = list(cv.csv_records(text, "x.csv"))
        assert [fields for _, fields in records] == [header, *rows[:3]]
        assert [line for line, _ in records] == [1, 3, 4, 5]  # the header spans lines 1 and 2
