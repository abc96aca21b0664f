"""The Asy_D11 parser on the real bundled CSV and on deliveries built from its real rows."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections import Counter
from datetime import date
from typing import Any

import openpyxl
import pytest

from housing_need.errors import ParseError
from housing_need.sources import SOURCES, ParseResult, get_source
from housing_need.sources.home_office_asylum_support import SOURCE, parse
from housing_need.sources.home_office_asylum_support.labels import UK_REGIONS
from tests.support import asy_d11 as ad

REAL_BYTES = ad.SAMPLE_CSV.read_bytes()
REAL_NAME = ad.SAMPLE_CSV.name
CANONICAL = [
    "period_end",
    "support_type",
    "uk_region",
    "local_authority",
    "lad_code",
    "accommodation_type",
    "is_placeholder",
    "people",
]
PLACEHOLDER_TEXTS = {"Unknown", "N/A"}


def _checked(result: ParseResult) -> ParseResult:
    assert result.rows_in_file == len(result.rows) + len(result.quarantined)
    result.check_accounting()
    return result


def _without_row_numbers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "_row_number"} for r in rows]


def _is_placeholder_la(name: str) -> bool:
    return name in PLACEHOLDER_TEXTS or name.startswith("N/A")


@pytest.fixture(scope="module")
def real() -> ParseResult:
    return _checked(parse(REAL_BYTES, REAL_NAME))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return ad.real_rows()


@pytest.fixture(scope="module")
def small(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Two real quarters with every support type, accommodation type and placeholder kind."""
    return ad.subset(rows, dates=["2022-12-31", "2023-12-31"])


@pytest.fixture(scope="module")
def small_csv(small: list[dict[str, str]]) -> bytes:
    return ad.to_sample_csv(small)


# ------------------------------------------------------------------------------------------
# The real CSV


def test_real_csv_parses_every_row(real: ParseResult) -> None:
    assert len(real.rows) == 19_283
    assert real.quarantined == []
    assert real.rows_in_file == 19_283
    assert real.release == "2023-12-31"
    assert real.file_format == "csv"


def _total(result: ParseResult, period: str, **where: Any) -> int:
    def keep(row: dict[str, Any]) -> bool:
        if row["period_end"] != date.fromisoformat(period):
            return False
        for key, value in where.items():
            if key.endswith("__not"):
                if row[key.removesuffix("__not")] == value:
                    return False
            elif row[key] != value:
                return False
        return True

    return sum(r["people"] for r in result.rows if keep(r))


def test_published_total_section_95_march_2016(real: ParseResult) -> None:
    assert _total(real, "2016-03-31", support_type="section_95") == 35_683


def test_published_total_contingency_hotels_december_2023(real: ParseResult) -> None:
    assert _total(real, "2023-12-31", accommodation_type="contingency_hotel") == 45_768


def test_published_total_accommodated_december_2023(real: ParseResult) -> None:
    assert _total(real, "2023-12-31", accommodation_type__not="subsistence_only") == 106_482


def test_rows_have_canonical_columns_and_types(real: ParseResult) -> None:
    assert list(SOURCE.columns) == CANONICAL
    assert list(SOURCE.columns.values()) == [
        "DATE",
        "VARCHAR",
        "VARCHAR",
        "VARCHAR",
        "VARCHAR",
        "VARCHAR",
        "BOOLEAN",
        "BIGINT",
    ]
    for row in real.rows:
        assert list(row) == [*CANONICAL, "_row_number"]
    first = real.rows[0]
    assert type(first["period_end"]) is date
    assert type(first["people"]) is int and type(first["is_placeholder"]) is bool
    assert type(first["_row_number"]) is int


def test_labels_become_codes(real: ParseResult, rows: list[dict[str, str]]) -> None:
    assert Counter(r["support_type"] for r in real.rows) == Counter(
        {"section_95": 15_097, "section_4": 3_318, "section_98": 868}
    )
    accommodation = Counter(r["accommodation_type"] for r in real.rows)
    published = Counter(r["Accommodation Type"].lower() for r in rows)
    assert accommodation["subsistence_only"] == published["subsistence only"]  # both spellings
    assert accommodation["dispersal"] == published["dispersal accommodation"]
    assert accommodation["contingency_hotel"] == published["contingency accommodation - hotel"]
    assert accommodation["not_applicable"] == published["n/a - section 98 (pre-2023)"]
    assert set(accommodation) == {
        "dispersal",
        "subsistence_only",
        "contingency_hotel",
        "contingency_other",
        "initial",
        "other",
        "not_applicable",
    }


def test_regions_are_spelled_as_ons_does(real: ParseResult, rows: list[dict[str, str]]) -> None:
    regions = Counter(r["uk_region"] for r in real.rows if not r["is_placeholder"])
    assert set(regions) <= set(UK_REGIONS)
    published = Counter(r["UK Region"].lower() for r in rows)
    assert regions["Yorkshire and The Humber"] == published["yorkshire and the humber"]
    assert regions["East of England"] == published["east of england"]
    assert "Yorkshire And The Humber" not in regions and "East Of England" not in regions


def test_placeholder_rows_are_kept_without_a_code(real: ParseResult, rows: list[dict[str, str]]) -> None:
    expected = [i for i, r in enumerate(rows) if _is_placeholder_la(r["Local Authority"])]
    placeholders = [r for r in real.rows if r["is_placeholder"]]
    assert [r["_row_number"] for r in placeholders] == [ad.csv_line(i) for i in expected]
    assert all(r["lad_code"] is None for r in placeholders)
    assert sum(r["people"] for r in placeholders) == sum(int(rows[i]["People"]) for i in expected)
    # Placeholder region text is kept as published.
    assert {r["uk_region"] for r in placeholders} == {rows[i]["UK Region"] for i in expected}
    others = [r for r in real.rows if not r["is_placeholder"]]
    assert all(re.fullmatch(r"[EWSN]\d{8}", r["lad_code"]) for r in others)


def test_row_numbers_point_at_the_line_in_the_file(real: ParseResult) -> None:
    lines = list(csv.reader(io.StringIO(REAL_BYTES.decode("utf-8"))))
    for row in real.rows:
        line = lines[row["_row_number"] - 1]
        assert line[5] == row["local_authority"]
        assert int(line[8]) == row["people"]


def test_real_csv_parses_fast() -> None:
    started = time.perf_counter()
    parse(REAL_BYTES, REAL_NAME)
    assert time.perf_counter() - started < 2.0


def test_registry() -> None:
    assert get_source("home_office_asylum_support") is SOURCE
    assert {"home_office_asylum_support", "ons_census"} < set(SOURCES)
    assert SOURCES["home_office_asylum_support"] is SOURCE
    assert SOURCE.raw_table == "home_office__asylum_support"
    assert set(SOURCE.file_extensions) == {".csv", ".xlsx"}
    with pytest.raises(KeyError, match="home_office_asylum_support"):
        get_source("nope")


# ------------------------------------------------------------------------------------------
# The publisher's own formats, built from the real rows


@pytest.fixture(scope="module")
def full_xlsx(rows: list[dict[str, str]]) -> bytes:
    return ad.to_publisher_xlsx(rows)


def test_publisher_xlsx_of_all_rows_equals_the_csv(full_xlsx: bytes, real: ParseResult) -> None:
    result = _checked(parse(full_xlsx, "asylum-seekers-receipt-support-datasets-dec-2023.xlsx"))
    assert result.file_format == "xlsx"
    assert result.rows_in_file == 19_283  # End of table and footnotes are not rows
    assert result.quarantined == []
    assert result.release == "2023-12-31"
    assert _without_row_numbers(result.rows) == _without_row_numbers(real.rows)
    # Worksheet rows: title, blank, header, then data from row 4.
    assert [r["_row_number"] for r in result.rows] == [ad.xlsx_row(i) for i in range(19_283)]
    assert _total(result, "2016-03-31", support_type="section_95") == 35_683


def test_publisher_csv_equals_the_sample_csv(rows: list[dict[str, str]], real: ParseResult) -> None:
    content = ad.to_publisher_csv(rows)
    assert content.startswith(b"\xef\xbb\xbfDate (as at end of quarter),")
    assert b"31 Mar 2016" in content
    result = _checked(parse(content, "asy_d11.csv"))
    assert _without_row_numbers(result.rows) == _without_row_numbers(real.rows)
    assert [r["_row_number"] for r in result.rows] == [r["_row_number"] for r in real.rows]


def test_xlsx_and_csv_of_the_same_rows_agree(small: list[dict[str, str]]) -> None:
    from_xlsx = _checked(parse(ad.to_publisher_xlsx(small), "d.xlsx"))
    from_csv = _checked(parse(ad.to_publisher_csv(small), "d.csv"))
    assert len(from_xlsx.rows) == len(small)
    assert _without_row_numbers(from_xlsx.rows) == _without_row_numbers(from_csv.rows)


def test_old_header_support_sub_type(small: list[dict[str, str]]) -> None:
    new = parse(ad.to_publisher_xlsx(small), "new.xlsx")
    old = _checked(parse(ad.to_publisher_xlsx(small, old_header=True), "old.xlsx"))
    assert old.rows == new.rows
    assert {r["accommodation_type"] for r in old.rows} >= {
        "dispersal",
        "contingency_hotel",
        "subsistence_only",
    }


def test_real_excel_dates(small: list[dict[str, str]]) -> None:
    text_dates = parse(ad.to_publisher_xlsx(small), "a.xlsx")
    excel_dates = _checked(parse(ad.to_publisher_xlsx(small, date_as_text=False), "b.xlsx"))
    assert excel_dates.rows == text_dates.rows
    assert {r["period_end"] for r in excel_dates.rows} == {date(2022, 12, 31), date(2023, 12, 31)}


@pytest.mark.parametrize("sheet", ["data - asy_d11", "DATA - ASY_D11", "Table_1"])
def test_data_sheet_found_by_name_or_header(small: list[dict[str, str]], sheet: str) -> None:
    result = _checked(parse(ad.to_publisher_xlsx(small[:40], sheet=sheet), "a.xlsx"))
    assert len(result.rows) == 40


def test_workbook_without_the_table_is_rejected() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Cover_sheet"
    wb.active["A1"] = "Immigration system statistics"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ParseError) as info:
        parse(out.getvalue(), "cover_only.xlsx")
    assert "cover_only.xlsx" in str(info.value)
    assert "Data - Asy_D11" in str(info.value) and "Cover_sheet" in str(info.value)


def test_end_of_table_and_footnotes_are_not_rows(small: list[dict[str, str]]) -> None:
    content = ad.to_publisher_xlsx(small[:25])
    sheet = openpyxl.load_workbook(io.BytesIO(content))[ad.SHEET]
    assert sheet.cell(row=ad.xlsx_row(25), column=1).value == "End of table"  # the layout is as intended
    result = _checked(parse(content, "a.xlsx"))
    assert result.rows_in_file == 25
    assert len(result.rows) == 25 and result.quarantined == []


def test_end_of_table_in_csv(small: list[dict[str, str]]) -> None:
    footer = "\r\nEnd of table\r\n\r\n" + "\r\n".join(f'"{n}"' for n in ad.FOOTNOTES) + "\r\n"
    content = ad.to_publisher_csv(small[:25]).rstrip(b"\r\n") + footer.encode()
    result = _checked(parse(content, "a.csv"))
    assert result.rows_in_file == 25 and result.quarantined == []


def test_title_rows_above_the_header_in_csv(small: list[dict[str, str]]) -> None:
    content = (ad.TITLE + "\r\n\r\n").encode() + ad.to_sample_csv(small[:10])
    result = _checked(parse(content, "titled.csv"))
    assert len(result.rows) == 10
    assert result.rows[0]["_row_number"] == 4  # title, blank, header
    assert result.rows[0]["local_authority"] == small[0]["Local Authority"]


def test_header_only_is_zero_rows(small: list[dict[str, str]]) -> None:
    for content, name in [(ad.to_sample_csv([]), "h.csv"), (ad.to_publisher_xlsx([]), "h.xlsx")]:
        result = _checked(parse(content, name))
        assert result.rows == [] and result.rows_in_file == 0 and result.release == "empty"


# ------------------------------------------------------------------------------------------
# Label drift and encodings


def test_label_drift_normalises(small: list[dict[str, str]]) -> None:
    drift = {
        "Accommodation Type": {
            "Dispersal Accommodation": "Dispersed Accommodation",
            "Subsistence Only": "SUBSISTENCE ONLY",
            "Contingency Accommodation - Hotel": "Contingency Accommodation \u2013 Hotel",
            "Initial Accommodation": "initial accommodation",
        },
        "Support Type": {"Section 95": "section 95", "Section 4": "Section  4"},
        "UK Region": {
            "East of England": "East Of England",
            "Yorkshire and The Humber": "Yorkshire & the Humber",
            "London": "  LONDON ",
            "North East": "north east",
        },
    }
    drifted = [
        {k: drift.get(k, {}).get(v, v) for k, v in row.items()}
        | {"Local Authority": f" {row['Local Authority']} "}
        for row in small
    ]
    changed = sum(1 for a, b in zip(small, drifted, strict=True) for k in drift if a[k] != b[k])
    assert changed > 1000  # the drift really touches the data
    clean = parse(ad.to_publisher_xlsx(small), "clean.xlsx")
    result = _checked(parse(ad.to_publisher_xlsx(drifted), "drift.xlsx"))
    assert result.rows == clean.rows


def test_bom_is_ignored(small: list[dict[str, str]]) -> None:
    plain = parse(ad.to_sample_csv(small, encoding="utf-8"), "plain.csv")
    with_bom = ad.to_sample_csv(small, encoding="utf-8-sig")
    assert with_bom.startswith(b"\xef\xbb\xbfDate,")
    result = _checked(parse(with_bom, "bom.csv"))
    assert result.rows == plain.rows and len(result.rows) == len(small)


def test_windows_1252_text(small: list[dict[str, str]]) -> None:
    welsh = next(i for i, r in enumerate(small) if r["UK Region"] == "Wales")
    name = small[welsh]["Local Authority"] + " / Ynys M\u00f4n"
    content = ad.with_cell(ad.to_sample_csv(small), welsh, "Local Authority", name, encoding="cp1252")
    assert "Ynys M\u00f4n".encode("cp1252") in content
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really Windows-1252 bytes
    result = _checked(parse(content, "cp1252.csv"))
    assert len(result.rows) == len(small)
    row = next(r for r in result.rows if r["_row_number"] == ad.csv_line(welsh))
    assert row["local_authority"] == name


def test_windows_1252_behind_a_utf8_bom(small: list[dict[str, str]]) -> None:
    """Excel writes a UTF-8 BOM even before Windows-1252 text: strip it first, then decode."""
    content, welsh = ad.cp1252_after_utf8_bom(small)
    assert content.startswith(ad.UTF8_BOM + b"Date (as at end of quarter),")
    assert b"Ynys M\xf4n" in content
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8-sig")  # really Windows-1252 after the BOM
    result = _checked(parse(content, "cp1252_bom.csv"))
    renamed, _ = ad.with_welsh_name(small)
    assert result.rows == parse(ad.to_publisher_csv(renamed), "utf8.csv").rows
    assert result.quarantined == [] and len(result.rows) == len(small)
    row = next(r for r in result.rows if r["_row_number"] == ad.csv_line(welsh))
    assert (row["local_authority"], row["lad_code"]) == ("Ynys M\u00f4n", "W06000001")
    assert row["people"] == int(small[welsh]["People"]) and row["uk_region"] == "Wales"


@pytest.mark.parametrize("big_endian", [False, True])
def test_excel_unicode_text_utf16(small: list[dict[str, str]], big_endian: bool) -> None:
    renamed, welsh = ad.with_welsh_name(small)
    content = ad.to_unicode_text(renamed, big_endian=big_endian)
    assert content[:2] == (b"\xfe\xff" if big_endian else b"\xff\xfe")
    result = _checked(parse(content, "unicode_text.csv"))
    assert result.rows == parse(ad.to_publisher_csv(renamed), "utf8.csv").rows
    row = next(r for r in result.rows if r["_row_number"] == ad.csv_line(welsh))
    assert row["local_authority"] == "Ynys M\u00f4n"


def test_thousands_separators(small: list[dict[str, str]]) -> None:
    big = next(i for i, r in enumerate(small) if int(r["People"]) >= 1000)
    people = int(small[big]["People"])
    content = ad.with_cell(ad.to_publisher_csv(small), big, "People", f"{people:,}")
    assert f'"{people:,}"'.encode() in content
    result = _checked(parse(content, "sep.csv"))
    row = next(r for r in result.rows if r["_row_number"] == ad.csv_line(big))
    assert row["people"] == people and result.quarantined == []


def test_blank_lad_code_on_a_real_authority_is_kept_unresolved(
    small_csv: bytes, small: list[dict[str, str]]
) -> None:
    i = next(i for i, r in enumerate(small) if not _is_placeholder_la(r["Local Authority"]))
    result = _checked(parse(ad.with_cell(small_csv, i, "LAD Code", ""), "blank_code.csv"))
    row = next(r for r in result.rows if r["_row_number"] == ad.csv_line(i))
    assert row["lad_code"] is None and row["is_placeholder"] is False
    assert row["local_authority"] == small[i]["Local Authority"]


def test_placeholder_with_blank_code(small_csv: bytes, small: list[dict[str, str]]) -> None:
    i = next(i for i, r in enumerate(small) if r["Local Authority"] == "Unknown")
    result = _checked(parse(ad.with_cell(small_csv, i, "LAD Code", ""), "blank_placeholder.csv"))
    row = next(r for r in result.rows if r["_row_number"] == ad.csv_line(i))
    assert row["is_placeholder"] is True and row["lad_code"] is None


def test_a_column_asy_d11_does_not_have_is_loaded_around_with_a_warning(
    small_csv: bytes, small: list[dict[str, str]]
) -> None:
    content = ad.with_extra_column(small_csv, "Notes")
    assert content.split(b"\r\n", 1)[0].endswith(b",People,Notes")
    result = _checked(parse(content, "with_notes.csv"))
    assert result.rows == parse(small_csv, "plain.csv").rows and result.quarantined == []
    assert result.warnings == [
        "file 'with_notes.csv', header row 1: column 'Notes' (column 10) is not part of Asy_D11 "
        "and was not loaded"
    ]
    assert all("Notes" not in n for n in result.notes)


def test_unknown_column_in_a_workbook_names_the_sheet(small: list[dict[str, str]]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(ad.to_publisher_xlsx(small[:30])))
    book[ad.SHEET].cell(row=3, column=len(ad.PUBLISHER_HEADER) + 1, value="Revised?")
    out = io.BytesIO()
    book.save(out)
    result = _checked(parse(out.getvalue(), "notes.xlsx"))
    assert len(result.rows) == 30
    assert result.warnings == [
        "file 'notes.xlsx', sheet 'Data - Asy_D11', header row 3: column 'Revised?' (column 8) is not "
        "part of Asy_D11 and was not loaded"
    ]


def test_a_repeated_column_is_a_warning_and_the_first_is_read(small_csv: bytes) -> None:
    result = _checked(parse(ad.with_extra_column(small_csv, "LA name", "?"), "twice.csv"))
    assert result.rows == parse(small_csv, "plain.csv").rows
    assert result.warnings == [
        "file 'twice.csv', header row 1: column 'LA name' (column 10) repeats column 'Local Authority' "
        "(column 6) and was not loaded"
    ]


def test_known_columns_are_not_warnings(real: ParseResult, small: list[dict[str, str]]) -> None:
    assert real.warnings == []  # Year and Quarter only cross-check Date
    assert parse(ad.to_publisher_xlsx(small[:50], old_header=True), "old.xlsx").warnings == []


# ------------------------------------------------------------------------------------------
# Per-row problems are quarantined


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("People", "-3", "People must be a whole number >= 0, got '-3'"),
        ("People", "twelve", "People must be a whole number >= 0, got 'twelve'"),
        ("People", "12.5", "People must be a whole number >= 0, got '12.5'"),
        ("People", "", "People must be a whole number >= 0, got blank"),
        ("People", "*", "suppression marker '*'"),
        ("People", "..", "suppression marker '..'"),
        ("People", "z", "suppression marker 'z'"),
        (
            "Date",
            "31 Foo 2023",
            "Date must be a date such as '31 Mar 2023' or '2023-03-31', got '31 Foo 2023'",
        ),
        ("Date", "2023-02-30", "got '2023-02-30'"),
        ("Support Type", "Section 17", "Support Type must be one of 'Section 95', 'Section 4', 'Section 98'"),
        ("Accommodation Type", "Barracks", "Accommodation Type must be one of Dispersal Accommodation"),
        ("LAD Code", "E0600002", "LAD Code must be a GSS code"),
        ("LAD Code", "X06000023", "got 'X06000023'"),
        ("Year", "2031", "Year must agree with Date"),
        ("Quarter", "9", "Quarter must agree with Date"),
    ],
)
def test_bad_cells_are_quarantined(
    small_csv: bytes, small: list[dict[str, str]], column: str, value: str, reason: str
) -> None:
    i = next(i for i, r in enumerate(small) if not _is_placeholder_la(r["Local Authority"]) and i > 100)
    result = _checked(parse(ad.with_cell(small_csv, i, column, value), "bad.csv"))
    assert len(result.quarantined) == 1
    q = result.quarantined[0]
    assert q.row_number == ad.csv_line(i)
    assert q.column == column
    assert q.value == (value or None)
    assert reason in q.reason
    assert q.record["Local Authority"] == small[i]["Local Authority"]
    assert q.record[column] == value
    json.dumps(q.record)  # stored as JSON by the loader
    assert len(result.rows) == len(small) - 1
    assert ad.csv_line(i) not in {r["_row_number"] for r in result.rows}


def test_year_and_quarter_reason_names_expected_values(small_csv: bytes, small: list[dict[str, str]]) -> None:
    year = int(small[5]["Year"])
    result = parse(ad.with_cell(small_csv, 5, "Year", str(year - 1)), "year.csv")
    assert result.quarantined[0].reason == (
        f"Year must agree with Date {small[5]['Date']} (expected {year}), got '{year - 1}'"
    )


def test_quarantine_in_xlsx_uses_worksheet_rows_and_published_column(small: list[dict[str, str]]) -> None:
    broken = [dict(r) for r in small]
    broken[7]["Accommodation Type"] = "Barracks"
    broken[9]["People"] = "-" + broken[9]["People"]
    result = _checked(parse(ad.to_publisher_xlsx(broken, old_header=True), "old.xlsx"))
    got = {(q.row_number, q.column, q.value) for q in result.quarantined}
    assert got == {
        (ad.xlsx_row(7), "Support sub-type", "Barracks"),
        (ad.xlsx_row(9), "People", broken[9]["People"]),
    }


# ------------------------------------------------------------------------------------------
# Structural problems raise ParseError


def test_empty_file() -> None:
    for name in ("empty.csv", "empty.xlsx"):
        with pytest.raises(ParseError) as info:
            parse(ad.EMPTY, name)
        assert name in str(info.value) and "empty" in str(info.value)


@pytest.mark.parametrize(
    "column",
    ["Date", "Support Type", "UK Region", "Local Authority", "LAD Code", "Accommodation Type", "People"],
)
def test_missing_column(small_csv: bytes, column: str) -> None:
    content = ad.with_missing_column(small_csv, column)
    with pytest.raises(ParseError) as info:
        parse(content, "missing.csv")
    message = str(info.value)
    assert "'missing.csv'" in message
    assert f"missing required column '{column}'" in message
    other = "People" if column != "People" else "Support Type"
    assert f"'{other}'" in message.split("columns found", 1)[1]
    assert info.value.column == column and info.value.row == 1


def test_no_header_in_first_30_rows(small: list[dict[str, str]]) -> None:
    junk = "".join(f"note {n}\r\n" for n in range(30)).encode()
    with pytest.raises(ParseError) as info:
        parse(junk + ad.to_sample_csv(small[:5]), "late_header.csv")
    message = str(info.value)
    assert "late_header.csv" in message and "no header row found in the first 30 rows" in message
    # 29 junk lines: the header is on line 30 and is found.
    junk = "".join(f"note {n}\r\n" for n in range(29)).encode()
    assert len(parse(junk + ad.to_sample_csv(small[:5]), "ok.csv").rows) == 5


def test_truncated_workbook(small: list[dict[str, str]]) -> None:
    with pytest.raises(ParseError) as info:
        parse(ad.truncated(ad.to_publisher_xlsx(small)), "asy_d11_dec_2023.xlsx")
    assert "'asy_d11_dec_2023.xlsx'" in str(info.value) and "workbook" in str(info.value)


def test_csv_named_xlsx_and_xlsx_named_csv(small: list[dict[str, str]], small_csv: bytes) -> None:
    with pytest.raises(ParseError, match="'wrong.xlsx'"):
        parse(small_csv, "wrong.xlsx")
    with pytest.raises(ParseError, match="'wrong.csv'.*zip"):
        parse(ad.to_publisher_xlsx(small[:3]), "wrong.csv")


def test_unsupported_extension(small_csv: bytes) -> None:
    with pytest.raises(ParseError) as info:
        parse(small_csv, "asy_d11.ods")
    assert "'asy_d11.ods'" in str(info.value) and "'.ods'" in str(info.value)


def test_release_is_latest_period(small: list[dict[str, str]]) -> None:
    older = ad.subset(small, dates=["2022-12-31"])
    assert parse(ad.to_sample_csv(older), "o.csv").release == "2022-12-31"
    assert parse(ad.to_sample_csv(small), "s.csv").release == "2023-12-31"


# ------------------------------------------------------------------------------------------
# Releases built for the pipeline's tests (revisions, overlaps, older releases)


def _by_key(result: ParseResult) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(v for k, v in r.items() if k != "_row_number") for r in result.rows)


def test_revised_release_is_later_and_changes_one_earlier_count(
    real: ParseResult, rows: list[dict[str, str]]
) -> None:
    built = ad.revised_release(rows)
    assert built.release == "2024-03-31" and built.change is not None
    result = _checked(parse(ad.to_sample_csv(built.rows), "asy_d11_2024q1.csv"))
    assert result.release == built.release > real.release and result.quarantined == []
    last = [r for r in real.rows if r["period_end"] == date(2023, 12, 31)]
    assert len(result.rows) == len(real.rows) + len(last)
    changed = next(r for r in result.rows if r["_row_number"] == ad.csv_line(built.change.index))
    assert changed["period_end"] == date(2023, 12, 31)
    assert changed["people"] == built.change.published + 1 == int(rows[built.change.index]["People"]) + 1
    # Everything else is the bundled release, plus the last quarter again as 2024-03-31.
    old = {k: v for k, v in changed.items() if k != "_row_number"} | {"people": built.change.published}
    expected = _by_key(real) + Counter(
        tuple(v for k, v in (r | {"period_end": date(2024, 3, 31)}).items() if k != "_row_number")
        for r in last
    )
    expected[tuple(old.values())] -= 1
    expected[tuple(v for k, v in changed.items() if k != "_row_number")] += 1
    assert _by_key(result) == +expected


def test_older_release_has_only_older_quarters(real: ParseResult, rows: list[dict[str, str]]) -> None:
    built = ad.older_release(rows)
    result = _checked(parse(ad.to_sample_csv(built.rows), "asy_d11_2023q3.csv"))
    assert result.release == built.release == "2023-09-30" < real.release
    assert max(r["period_end"] for r in result.rows) < date.fromisoformat(real.release)
    assert built.change is not None and built.rows[built.change.index]["Date"] == "2023-09-30"
    assert int(built.change.row["People"]) == built.change.published + 1
    assert len(result.rows) == sum(1 for r in rows if r["Date"] <= "2023-09-30")


def test_overlapping_releases_share_quarters_and_the_later_revises_one(rows: list[dict[str, str]]) -> None:
    earlier, later = ad.overlapping_releases(rows)
    first = _checked(parse(ad.to_sample_csv(earlier.rows), "earlier.csv"))
    second = _checked(parse(ad.to_sample_csv(later.rows), "later.csv"))
    assert (first.release, second.release) == (earlier.release, later.release) == ("2022-12-31", "2023-12-31")
    shared = {r["period_end"] for r in first.rows} & {r["period_end"] for r in second.rows}
    assert sorted(d.isoformat() for d in shared) == ["2022-03-31", "2022-06-30", "2022-09-30", "2022-12-31"]
    assert later.change is not None and later.change.row["Date"] == "2022-12-31"
    before = next(r for r in earlier.rows if {**r, "People": ""} == {**later.change.row, "People": ""})
    assert int(before["People"]) == later.change.published == int(later.change.row["People"]) - 1


def test_zero_byte_and_truncated_builders(rows: list[dict[str, str]]) -> None:
    with pytest.raises(ParseError, match="file is empty"):
        parse(ad.EMPTY, "zero.csv")
    with pytest.raises(ParseError, match="cannot open workbook"):
        parse(ad.truncated_xlsx(rows[:500]), "cut.xlsx")
