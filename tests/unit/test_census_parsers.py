"""The ONS census parser on the real bundled files and on deliveries built from their real rows."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict
from typing import Any

import pytest

from housing_need.errors import ParseError
from housing_need.sources import ParseResult
from housing_need.sources.ons_census import COLUMNS, SOURCE, parse
from tests.support import census as cs

CANONICAL = [
    "census_year",
    "table_code",
    "geography_level",
    "geography_code",
    "geography_name",
    "category_path",
    "category_label",
    "category_level",
    "parent_path",
    "is_subtotal",
    "value",
    "source_column",
]
CELL_KEY = [c for c in CANONICAL if c != "source_column"]
TS054_PATHS = [
    "Total",
    "Owned",
    "Owned > Owns outright",
    "Owned > Owns with a mortgage or loan",
    "Shared ownership",
    "Shared ownership > Shared ownership",
    "Social rented",
    "Social rented > Rents from council or Local Authority",
    "Social rented > Other social rented",
    "Private rented",
    "Private rented > Private landlord or letting agency",
    "Private rented > Other private rented",
    "Lives rent free",
]
LEICESTER = "E06000016"


def _checked(result: ParseResult) -> ParseResult:
    assert result.rows_in_file == len(result.rows) + len(result.quarantined)
    result.check_accounting()
    return result


def _parse(content: bytes, name: str) -> ParseResult:
    return _checked(parse(content, name))


def _parse_file(path) -> ParseResult:
    return _parse(path.read_bytes(), path.name)


def _cells(result: ParseResult, code: str) -> dict[str, dict[str, Any]]:
    return {r["category_path"]: r for r in result.rows if r["geography_code"] == code}


def _assert_additive(result: ParseResult) -> int:
    """Recompute every subtotal from the rows' parent paths; return how many were compared."""
    by_area: dict[tuple, dict[str, int]] = defaultdict(dict)
    children: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    subtotals: dict[tuple, set[str]] = defaultdict(set)
    for r in result.rows:
        area = (r["table_code"], r["geography_level"], r["geography_code"])
        by_area[area][r["category_path"]] = r["value"]
        if r["parent_path"] is not None:
            children[area][r["parent_path"]] += r["value"]
        if r["is_subtotal"]:
            subtotals[area].add(r["category_path"])
    compared = 0
    for area, paths in subtotals.items():
        for path in paths:
            assert by_area[area][path] == children[area][path], (area, path)
            compared += 1
    return compared


@pytest.fixture(scope="module")
def ts054() -> dict[str, ParseResult]:
    return {level: _parse_file(path) for level, path in cs.TS054.items()}


@pytest.fixture(scope="module")
def qs203ew() -> ParseResult:
    return _parse_file(cs.QS203EW)


# ---------------------------------------------------------------------------------------------
# The source


def test_source_spec():
    assert SOURCE.name == "ons_census"
    assert SOURCE.raw_table == "ons_census__cells"
    assert list(SOURCE.columns) == CANONICAL
    assert SOURCE.columns["census_year"] == "INTEGER"
    assert SOURCE.columns["category_level"] == "INTEGER"
    assert SOURCE.columns["value"] == "BIGINT"
    assert SOURCE.columns["is_subtotal"] == "BOOLEAN"
    assert {SOURCE.columns[c] for c in CANONICAL} <= {"INTEGER", "VARCHAR", "BOOLEAN", "BIGINT"}
    assert tuple(SOURCE.file_extensions) == (".csv", ".xls", ".xlsx", ".zip")
    assert SOURCE.cadence == "@monthly"
    assert SOURCE.licence == "Open Government Licence v3.0"
    assert SOURCE.parse is parse
    assert COLUMNS is SOURCE.columns


# ---------------------------------------------------------------------------------------------
# Real TS054 bulk files


def test_ts054_ltla_real_figures(ts054):
    result = ts054["ltla"]
    assert result.release == "census2021-ts054"
    assert result.file_format == "nomis_bulk_csv"
    assert not result.quarantined
    areas = {r["geography_code"] for r in result.rows}
    assert len(areas) == 331
    assert result.rows_in_file == 331 * 13
    leicester = _cells(result, LEICESTER)
    assert [*leicester] == TS054_PATHS
    assert leicester["Total"]["value"] == 127_389
    assert leicester["Social rented"]["value"] == 29_495
    assert leicester["Private rented"]["value"] == 37_437
    # Social and private rented are subtotals of two categories each.
    for subtotal in ("Social rented", "Private rented"):
        cell = leicester[subtotal]
        assert cell["is_subtotal"] is True and cell["category_level"] == 1 and cell["parent_path"] == "Total"
        kids = [c for c in leicester.values() if c["parent_path"] == subtotal]
        assert len(kids) == 2 and sum(k["value"] for k in kids) == cell["value"]
    assert leicester["Private rented > Other private rented"]["category_label"] == "Other private rented"
    assert leicester["Private rented > Other private rented"]["category_level"] == 2
    total = leicester["Total"]
    assert (
        total["category_level"] == 0 and total["parent_path"] is None and total["category_label"] == "Total"
    )
    assert total["source_column"] == "Tenure of household: Total: All households"
    assert total["census_year"] == 2021 and total["table_code"] == "TS054"
    assert total["geography_level"] == "ltla" and total["geography_name"] == "Leicester"
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    assert total["_row_number"] == cs.csv_line(cs.row_index(rows, LEICESTER))
    assert list(total) == [*CANONICAL, "_row_number"]


def test_ts054_country_total(ts054):
    result = ts054["ctry"]
    assert _cells(result, "K04000001")["Total"]["value"] == 24_783_199
    assert {r["geography_code"] for r in result.rows} == {"E92000001", "K04000001", "W92000004"}
    ltla_sum = sum(r["value"] for r in ts054["ltla"].rows if r["category_path"] == "Total")
    assert ltla_sum == 24_783_164  # perturbation: LTLAs do not add to the published total


def test_ts054_every_subtotal_is_the_sum_of_its_children(ts054):
    counts = {level: _assert_additive(result) for level, result in ts054.items()}
    # 5 subtotals (Total, Owned, Shared ownership, Social rented, Private rented) per area
    assert counts == {"ctry": 3 * 5, "rgn": 10 * 5, "utla": 174 * 5, "ltla": 331 * 5}
    assert {r["geography_level"] for r in ts054["rgn"].rows} == {"rgn"}
    assert "W92000004" in {r["geography_code"] for r in ts054["rgn"].rows}


# ---------------------------------------------------------------------------------------------
# Real TS005 / TS015 files (with the '; measures: Value' suffix)


def test_ts005_passports_deep_hierarchy():
    result = _parse_file(cs.TS005)
    assert not result.quarantined and result.release == "census2021-ts005"
    assert len({r["geography_code"] for r in result.rows}) == 331
    bolton = _cells(result, "E08000001")
    france = bolton["Europe > Other Europe > EU Member countries > France"]
    assert (
        france["category_level"] == 4
        and france["parent_path"] == "Europe > Other Europe > EU Member countries"
    )
    assert (
        france["source_column"]
        == "Passports held: Europe: Other Europe: EU Member countries: France; measures: Value"
    )
    # A quoted header with a comma inside.
    oceania = bolton["Antarctica and Oceania, including Australasia"]
    assert (
        oceania["source_column"]
        == "Passports held: Antarctica and Oceania, including Australasia; measures: Value"
    )
    assert bolton["Total"]["source_column"] == "Passports held: Total; measures: Value"
    header, rows = cs.bulk_table(cs.TS005)
    assert bolton["Total"]["_row_number"] == 2 + [r[2] for r in rows].index("E08000001")
    # 'Rest of Europe > Other Europe' is a different category from 'Other Europe'.
    assert bolton["Europe > Other Europe > Rest of Europe > Other Europe"]["is_subtotal"] is False
    assert bolton["Europe > Other Europe"]["is_subtotal"] is True
    # Passports held adds up: each resident is counted once.
    assert _assert_additive(result) == 331 * 8
    top = [c for c in bolton.values() if c["category_level"] == 1]
    assert sum(c["value"] for c in top) == bolton["Total"]["value"]


def test_ts015_year_of_arrival_is_flat():
    result = _parse_file(cs.TS015)
    assert not result.quarantined
    bury = _cells(result, "E08000002")
    assert len(bury) == 13
    assert {c["category_level"] for p, c in bury.items() if p != "Total"} == {1}
    assert bury["Born in the UK"]["value"] == 170_444
    assert _assert_additive(result) == 331


# ---------------------------------------------------------------------------------------------
# Nomis bulk zip and API layouts built from the real TS054 rows


def test_zip_of_the_four_real_ts054_files(ts054):
    members = {f"census2021-ts054-{level}.csv": path.read_bytes() for level, path in cs.TS054.items()}
    content = cs.to_zip(members, metadata={"metadata/ts054-2021-2.txt": cs.TS054_METADATA})
    result = _parse(content, "census2021-ts054.zip")
    assert result.release == "census2021-ts054"
    assert result.file_format == "nomis_bulk_zip"
    assert not result.quarantined
    expected = [r for level in cs.TS054 for r in ts054[level].rows]
    assert result.rows == expected
    assert result.rows_in_file == (3 + 10 + 174 + 331) * 13
    assert any("metadata/ts054-2021-2.txt" in n for n in result.notes)


@pytest.mark.parametrize("level", ["ltla", "ctry"])
def test_api_layout_gives_the_same_cells_as_the_bulk_file(ts054, level):
    header, rows = cs.bulk_table(cs.TS054[level])
    content, _ = cs.to_api_csv(header, rows, level)
    result = _parse(content, f"census2021-ts054-{level}-api.csv")
    assert result.file_format == "nomis_api_csv"
    assert result.release == "census2021-ts054"
    assert not result.quarantined
    assert result.rows_in_file == len(rows) * 13  # Percent rows are not cells
    assert any("Percent: " + str(len(rows) * 13) in n for n in result.notes)

    def key(r: dict[str, Any]) -> tuple:
        return tuple(r[c] for c in CELL_KEY)

    assert sorted(map(key, result.rows)) == sorted(map(key, ts054[level].rows))
    assert {r["source_column"] for r in result.rows} == set(cs.api_category_names(header))


def test_api_table_from_dataset_id_and_level_from_file_name(ts054):
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    content, _ = cs.to_api_csv(header, rows[:20], "ltla", with_percent=False, with_geography_type=False)
    result = _parse(content, "NM_2072_1-ltla.data.csv")
    assert {r["table_code"] for r in result.rows} == {"TS054"}
    assert {r["geography_level"] for r in result.rows} == {"ltla"}
    assert len(result.rows) == 20 * 13
    with pytest.raises(ParseError, match="cannot tell which census table"):
        parse(content.replace(b"C2021_TENURE_9", b"C2021_OTHER_3"), "extract.csv")


def test_api_bad_value_quarantines_every_cell_of_that_area():
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    content, lines = cs.to_api_csv(header, rows, "ltla")
    line = lines[(LEICESTER, "Social rented")]
    broken = cs.with_api_cell(content, line, "OBS_VALUE", "..")
    result = _parse(broken, "census2021-ts054-ltla-api.csv")
    assert len(result.quarantined) == 13
    assert {q.row_number for q in result.quarantined} == {
        lines[(LEICESTER, n)] for n in cs.api_category_names(header)
    }
    q = result.quarantined[0]
    assert q.column == "Social rented" and q.value == ".."
    assert "E06000016" in q.reason and "suppression marker" in q.reason
    assert LEICESTER not in {r["geography_code"] for r in result.rows}
    assert len(result.rows) == 330 * 13


# ---------------------------------------------------------------------------------------------
# 2011 Quick Statistics workbook


def test_qs203ew_real_workbook(qs203ew):
    result = qs203ew
    assert result.release == "census2011-qs203ew"
    assert not result.quarantined
    levels = Counter(r["geography_level"] for r in result.rows if r["category_path"] == "Total")
    assert levels == {"ltla": 348, "county": 35, "rgn": 9, "ctry": 3}
    leicester = _cells(result, LEICESTER)
    assert len(leicester) == 78
    assert leicester["Total"]["value"] == 329_839
    assert leicester["Total"]["source_column"] == "All categories: Country of birth"
    assert leicester["Total"]["census_year"] == 2011 and leicester["Total"]["table_code"] == "QS203EW"
    assert leicester["Total"]["geography_name"] == "Leicester UA"
    # born outside the UK = all usual residents - United Kingdom total
    uk = leicester["Europe > United Kingdom"]
    assert uk["source_column"] == "Europe: United Kingdom: Total"
    assert leicester["Total"]["value"] - uk["value"] == 110_843
    # GB/UK 'not otherwise specified' are counted inside the UK total although their headers sit under Europe.
    gb = leicester["Europe > United Kingdom > Great Britain not otherwise specified"]
    assert gb["source_column"] == "Europe: Great Britain not otherwise specified"
    assert gb["parent_path"] == "Europe > United Kingdom"
    # Mixed case in the published headers resolves to one spelling of each path.
    assert "Europe > Other Europe > EU Countries > Member countries in March 2001 > France" in leicester
    assert leicester["Europe > Other Europe > EU Countries"]["category_level"] == 3
    # 2011 codes kept as published; the footnote row is not an area.
    assert "E07000154" in {r["geography_code"] for r in result.rows}
    assert _assert_additive(result) == 395 * 21
    assert any("Source: Office for National Statistics" in n for n in result.notes)


def test_qs_workbook_layout_as_xlsx_and_a_bad_cell():
    sheet, values = cs.qs_sheet_values()
    clean = _parse(cs.to_xlsx(sheet, values), "qs203ew.xlsx")
    assert len(clean.rows) == 395 * 78 and not clean.quarantined
    row = cs.qs_row(values, LEICESTER)
    broken_values = [list(r) for r in values]
    column = broken_values[10].index("Middle East and Asia: Southern Asia: India")
    broken_values[row - 1][column] = ":"
    result = _parse(cs.to_xlsx(sheet, broken_values), "qs203ew.xlsx")
    assert len(result.quarantined) == 78
    q = result.quarantined[0]
    assert q.row_number == row and q.column == "Middle East and Asia: Southern Asia: India" and q.value == ":"
    assert LEICESTER in q.reason
    # an unknown code prefix
    broken_values = [list(r) for r in values]
    broken_values[row - 1][0] = "E05000016"
    result = _parse(cs.to_xlsx(sheet, broken_values), "qs203ew.xlsx")
    assert len(result.quarantined) == 78 and "unknown area code prefix" in result.quarantined[0].reason


def test_truncated_workbook():
    with pytest.raises(ParseError, match=r"cannot open workbook") as info:
        parse(cs.truncated(cs.QS203EW.read_bytes()), cs.QS203EW.name)
    assert cs.QS203EW.name in str(info.value)


# ---------------------------------------------------------------------------------------------
# demographr conversions and the ONS census-quiz extract


def test_ts052_lsoa_parses_quickly():
    content = cs.TS052_LSOA.read_bytes()
    started = time.perf_counter()
    result = _checked(parse(content, cs.TS052_LSOA.name))
    elapsed = time.perf_counter() - started
    print(f"\nTS052 LSOA: {result.rows_in_file} cells from 35,672 rows in {elapsed:.2f}s")
    assert elapsed < 5
    assert result.release == "census2021-ts052" and not result.quarantined
    assert len(result.rows) == 35_672 * 6
    first = _cells(result, "E01000001")
    assert [*first] == ["Total", "+2 or more", "+1", "0", "-1", "-2 or less"]
    assert first["Total"]["value"] == 840 and first["Total"]["source_column"] == "total_households"
    assert first["-1"]["source_column"] == "-1 (overcrowded)" and first["-1"]["value"] == 24
    assert {r["geography_level"] for r in result.rows} == {"lsoa"}
    assert {r["geography_name"] for r in result.rows} == {None}
    assert _assert_additive(result) == 35_672


def test_ts029_msoa_has_no_total():
    result = _parse_file(cs.TS029_MSOA)
    assert result.release == "census2021-ts029" and not result.quarantined
    assert len({r["geography_code"] for r in result.rows}) == 7264
    assert "Total" not in {r["category_path"] for r in result.rows}
    assert not any("Proportion" in r["source_column"] for r in result.rows)
    area = _cells(result, "E02000001")
    not_english = "Main language is not English (English or Welsh in Wales)"
    assert area[not_english]["is_subtotal"] and area[not_english]["parent_path"] == "Total"
    assert area[f"{not_english} > Can speak English very well"]["value"] == 1305
    assert area[not_english]["value"] == 1826
    assert _assert_additive(result) == 7264
    assert any("no 'Total' cell" in n for n in result.notes)


def test_census_quiz_ts004_subset():
    result = _parse_file(cs.QUIZ)
    assert result.release == "census2021-ts004-quiz"
    assert not result.quarantined
    leicester = _cells(result, LEICESTER)
    assert leicester["Total"]["value"] == 368_572
    assert leicester["Outside the United Kingdom"]["value"] == 151_492
    assert leicester["United Kingdom"]["value"] == 217_079
    assert leicester["Outside the United Kingdom > India"]["source_column"] == "birth_country_India_total"
    assert "Outside the United Kingdom > South Africa" in leicester
    assert "Outside the United Kingdom > United States" in leicester
    assert len(leicester) == 19
    assert {r["table_code"] for r in result.rows} == {"TS004"}
    assert not any(r["source_column"].endswith(("_perc", "_change")) for r in result.rows)
    # Not additive, so not checked: the selected countries are a subset of the non-UK-born.
    outside = leicester["Outside the United Kingdom"]
    kids = sum(c["value"] for c in leicester.values() if c["parent_path"] == "Outside the United Kingdom")
    assert kids < outside["value"]
    assert any("not additive" in n for n in result.notes)
    assert Counter(r["geography_level"] for r in result.rows if r["category_path"] == "Total") == {
        "ltla": 331,
        "ctry": 3,
    }


# ---------------------------------------------------------------------------------------------
# Broken deliveries built from the real TS054 LTLA file

LTLA_NAME = "census2021-ts054-ltla.csv"


@pytest.fixture(scope="module")
def ltla() -> tuple[list[str], list[list[str]]]:
    return cs.bulk_table(cs.TS054["ltla"])


def test_changed_header(ltla):
    header, rows = ltla
    changed = cs.with_header(header, "Tenure of household: Lives rent free", "Tenure: Lives rent free")
    with pytest.raises(ParseError) as info:
        parse(cs.write_csv(changed, rows), LTLA_NAME)
    err = info.value
    assert err.file == LTLA_NAME and err.row == 1 and err.column == "Tenure: Lives rent free"
    assert "changed header" in str(err) and "Tenure of household" in str(err)


def test_missing_parent_category(ltla):
    header, rows = ltla
    header2, rows2 = cs.without_column(header, rows, "Tenure of household: Owned")
    with pytest.raises(ParseError) as info:
        parse(cs.write_csv(header2, rows2), LTLA_NAME)
    err = info.value
    assert err.row == 1 and err.column == "Tenure of household: Owned: Owns outright"
    assert "missing category" in str(err) and "'Owned'" in str(err)


def test_missing_geography_code_and_duplicate_header(ltla):
    header, rows = ltla
    header2, rows2 = cs.without_column(header, rows, "geography code")
    with pytest.raises(ParseError, match="missing column 'geography code'") as info:
        parse(cs.write_csv(header2, rows2), LTLA_NAME)
    assert info.value.column == "geography code"
    dup = cs.with_header(
        header, "Tenure of household: Lives rent free", "Tenure of household: Lives rent free"
    )
    dup = [*dup[:-1], "Tenure of household: Owned"]
    with pytest.raises(ParseError, match="duplicate column header") as info:
        parse(cs.write_csv(dup, rows), LTLA_NAME)
    assert info.value.column == "Tenure of household: Owned"


@pytest.mark.parametrize(
    ("code_or_value", "column", "expect"),
    [
        ("..", "Tenure of household: Owned: Owns outright", "suppression marker '..'"),
        ("c", "Tenure of household: Owned: Owns outright", "suppression marker 'c'"),
        ("12x", "Tenure of household: Social rented", "non-numeric value '12x'"),
        ("", "Tenure of household: Lives rent free", "blank cell"),
        ("-5", "Tenure of household: Lives rent free", "negative count -5"),
        ("E0600016", "geography code", "malformed area code 'E0600016'"),
        ("E01000001", "geography code", "not a ltla code"),
    ],
)
def test_bad_cell_quarantines_the_whole_area_row(ltla, code_or_value, column, expect):
    header, rows = ltla
    index = cs.row_index(rows, LEICESTER)
    broken = cs.with_cell(header, rows, index, column, code_or_value)
    result = _parse(cs.write_csv(header, broken), LTLA_NAME)
    assert len(result.quarantined) == 13
    assert len(result.rows) == 330 * 13 and result.rows_in_file == 331 * 13
    for q in result.quarantined:
        assert q.row_number == cs.csv_line(index)
        assert q.column == column
        assert q.value == (code_or_value or None)
        assert expect in q.reason
    assert [q.record["_cell"] for q in result.quarantined] == header[3:]
    assert LEICESTER not in {r["geography_code"] for r in result.rows}


def test_subtotal_mismatch_is_quarantined(ltla):
    header, rows = ltla
    index = cs.row_index(rows, LEICESTER)
    column = "Tenure of household: Owned: Owns outright"
    bumped = str(int(rows[index][header.index(column)]) + 1)
    result = _parse(cs.write_csv(header, cs.with_cell(header, rows, index, column, bumped)), LTLA_NAME)
    assert len(result.quarantined) == 13
    q = result.quarantined[0]
    assert q.column == "Tenure of household: Owned" and q.row_number == cs.csv_line(index)
    assert "subtotal 'Owned'" in q.reason and "sum to" in q.reason


def test_repeated_area_row_is_quarantined(ltla):
    header, rows = ltla
    result = _parse(cs.write_csv(header, [*rows, rows[cs.row_index(rows, LEICESTER)]]), LTLA_NAME)
    assert len(result.quarantined) == 13 and "appears twice" in result.quarantined[0].reason
    assert result.quarantined[0].row_number == cs.csv_line(len(rows))


def test_empty_and_header_only_files(ltla):
    header, _ = ltla
    with pytest.raises(ParseError, match="file is empty") as info:
        parse(cs.EMPTY, LTLA_NAME)
    assert info.value.file == LTLA_NAME
    with pytest.raises(ParseError, match="no area rows"):
        parse(cs.write_csv(header, []), LTLA_NAME)


def test_windows_1252_behind_a_utf8_bom_and_utf16(ltla, ts054):
    header, rows = ltla
    content, anglesey = cs.cp1252_after_utf8_bom(header, rows)
    assert content.startswith(b"\xef\xbb\xbfdate,") and b"Ynys M\xf4n" in content
    renamed, _ = cs.with_welsh_name(header, rows)
    expected = _parse(cs.write_csv(header, renamed), LTLA_NAME).rows
    for delivered in (
        content,
        cs.to_unicode_text(header, renamed),
        cs.to_unicode_text(header, renamed, big_endian=True),
    ):
        result = _parse(delivered, LTLA_NAME)
        assert result.rows == expected and not result.quarantined
        cells = _cells(result, cs.ANGLESEY)
        assert {c["geography_name"] for c in cells.values()} == {"Ynys M\u00f4n"}
        assert cells["Total"]["_row_number"] == cs.csv_line(anglesey)
    # everything but the name is as in the real file
    real = {k: v for k, v in _cells(ts054["ltla"], cs.ANGLESEY)["Total"].items() if k != "geography_name"}
    assert {k: v for k, v in _cells(result, cs.ANGLESEY)["Total"].items() if k != "geography_name"} == real


def test_file_name_must_name_the_table(ltla):
    header, rows = ltla
    with pytest.raises(ParseError, match=r"census2021-tsNNN-<level>\.csv"):
        parse(cs.write_csv(header, rows), "tenure.csv")


def test_unrecognised_header_and_extension():
    with pytest.raises(ParseError, match="header not recognised") as info:
        parse(b"a,b,c\n1,2,3\n", "census2021-ts054-ltla.csv")
    assert info.value.row == 1
    with pytest.raises(ParseError, match="unsupported file extension"):
        parse(b"x", "census2021-ts054-ltla.json")


def test_zip_member_problems_name_the_zip_and_the_member(ltla):
    header, rows = ltla
    index = cs.row_index(rows, LEICESTER)
    bad = cs.write_csv(header, cs.with_cell(header, rows, index, "Tenure of household: Owned", "*"))
    members = {"census2021-ts054-ctry.csv": cs.TS054["ctry"].read_bytes(), "census2021-ts054-ltla.csv": bad}
    result = _parse(cs.to_zip(members), "census2021-ts054.zip")
    assert len(result.quarantined) == 13 and len(result.rows) == (3 + 330) * 13
    q = result.quarantined[0]
    assert q.row_number == cs.csv_line(index) and q.record["_member"] == "census2021-ts054-ltla.csv"
    assert q.reason.startswith("census2021-ts054-ltla.csv: area E06000016: suppression marker '*'")
    changed = cs.write_csv(cs.with_header(header, "Tenure of household: Owned", "Tenure: Owned"), rows)
    members["census2021-ts054-ltla.csv"] = changed
    with pytest.raises(ParseError, match="changed header") as info:
        parse(cs.to_zip(members), "census2021-ts054.zip")
    assert info.value.file == "census2021-ts054.zip (zip member census2021-ts054-ltla.csv)"
    members = {"tenure-ltla.csv": cs.TS054["ltla"].read_bytes()}
    with pytest.raises(ParseError, match="canonical name") as info:
        parse(cs.to_zip(members), "census2021-ts054.zip")
    assert "census2021-ts054.zip" in info.value.file


def test_truncated_zip():
    members = {f"census2021-ts054-{level}.csv": path.read_bytes() for level, path in cs.TS054.items()}
    content = cs.truncated(cs.to_zip(members), keep=0.5)
    with pytest.raises(ParseError, match="zip") as info:
        parse(content, "census2021-ts054.zip")
    assert info.value.file == "census2021-ts054.zip"


def test_nomis_ts052_headers_give_the_same_paths_as_the_demographr_file():
    """Nomis TS052 headers put a classification title ('Occupancy rating of bedrooms') above every
    category; a bulk file laid out that way from the real LSOA rows gives the demographr file's cells."""
    header, rows = cs.bulk_table(cs.TS052_LSOA)
    rows = rows[:500]
    variable = "Occupancy rating for bedrooms"
    nomis = ["date", "geography", "geography code", f"{variable}: Total: All households"] + [
        f"{variable}: Occupancy rating of bedrooms: {h.split(' (')[0]}" for h in header[2:]
    ]
    bulk = _parse(
        cs.write_csv(nomis, [["2021", r[0], r[0], *r[1:]] for r in rows]), "census2021-ts052-lsoa.csv"
    )
    converted = _parse(cs.write_csv(header, rows), cs.TS052_LSOA.name)
    assert not bulk.quarantined and any("Occupancy rating of bedrooms" in n for n in bulk.notes)

    def key(r: dict[str, Any]) -> tuple:
        return tuple(r[c] for c in CELL_KEY if c != "geography_name")

    assert [key(r) for r in bulk.rows] == [key(r) for r in converted.rows]


def test_api_with_bare_category_names_is_flat_and_unchecked():
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    # 'Shared ownership: Shared ownership' would repeat its parent's bare name: leave it out.
    header, rows = cs.without_column(header, rows, "Tenure of household: Shared ownership: Shared ownership")
    variable = "Tenure of household"
    bare = [*header[:4], *(f"{variable}: {h.rsplit(': ', 1)[-1]}" for h in header[4:])]
    content, _ = cs.to_api_csv(bare, rows[:10], "ltla", with_percent=False)
    result = _parse(content, "census2021-ts054-ltla-api.csv")
    assert not result.quarantined and len(result.rows) == 10 * 12
    assert {r["category_level"] for r in result.rows if r["category_path"] != "Total"} == {1}
    assert "Owns outright" in {r["category_path"] for r in result.rows}
    assert any("subtotal additivity is not checked" in n for n in result.notes)


def test_bad_delivery_builders_are_refused(ltla):
    header, rows = ltla
    extra_header, extra_rows = cs.with_extra_column(header, rows)
    with pytest.raises(ParseError, match="changed header") as info:
        parse(cs.write_csv(extra_header, extra_rows), LTLA_NAME)
    assert info.value.column == "Notes" and info.value.row == 1
    with pytest.raises(ParseError, match="cannot open workbook") as info:
        parse(cs.truncated_xlsx(), "qs203ew.xlsx")
    assert info.value.file == "qs203ew.xlsx"


# ---------------------------------------------------------------------------------------------
# The full LTLA tables, QS405EW (2011) and TS012 (detailed country of birth, long), against the
# files read with the csv module


@pytest.mark.parametrize("table", sorted(cs.LTLA_TABLES))
def test_every_cell_of_a_full_ltla_table_is_the_files_value(table):
    """Every area of England and Wales, every column (total, subtotals and leaves at every level):
    the cell equals the number in the file, read with the csv module, and nothing is quarantined."""
    path = cs.LTLA_TABLES[table]
    header, rows = cs.bulk_table(path)
    result = _parse_file(path)
    assert not result.quarantined
    assert len(rows) == 331 and result.rows_in_file == 331 * (len(header) - 3)
    cells = {(r["geography_code"], r["source_column"]): r["value"] for r in result.rows}
    expected = {
        (row[2], column): int(value)
        for row in rows
        for column, value in zip(header[3:], row[3:], strict=True)
    }
    assert cells == expected


LEICESTER = "E06000016"


@pytest.mark.parametrize(
    ("table", "path", "expected"),
    [
        ("TS004", "Europe > United Kingdom", 217_078),
        ("TS005", "Europe > United Kingdom", 238_152),
        ("TS015", "Arrived 2020 to 2021", 11_197),
        ("TS052", "-2 or less", 4_076),
    ],
)
def test_leicester_figures(table, path, expected):
    assert _cells(_parse_file(cs.LTLA_TABLES[table]), LEICESTER)[path]["value"] == expected


def _regrammar(path, *, quoted: bool) -> bytes:
    """The same Nomis bulk file in the other header grammar: quoted with '; measures: Value', or
    unquoted without it (values unchanged)."""
    header, rows = cs.bulk_table(path)
    if quoted:
        header = header[:3] + [f"{h}; measures: Value" for h in header[3:]]
    else:
        header = header[:3] + [h.removesuffix("; measures: Value") for h in header[3:]]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize(
    ("table", "quoted"), [("TS004", False), ("TS015", False), ("TS029", True), ("TS052", True)]
)
def test_either_nomis_header_grammar_loads_the_same(table, quoted):
    path = cs.LTLA_TABLES[table]
    original, other = _parse_file(path), _parse(_regrammar(path, quoted=quoted), path.name)
    keep = ("geography_code", "category_path", "parent_path", "is_subtotal", "value", "_row_number")
    assert [{k: r[k] for k in keep} for r in other.rows] == [{k: r[k] for k in keep} for r in original.rows]
    assert other.release == original.release and not other.quarantined


def test_qs405ew_tenure_2011_grammar():
    """2011 bulk grammar: 'All categories: Tenure' is the total, 'Owned: Total' the subtotal
    'Owned'; every subtotal adds up in all 348 areas (2011 codes), values as in the file."""
    header, rows = cs.bulk_table(cs.QS405EW)
    result = _parse_file(cs.QS405EW)
    assert result.release == "census2011-qs405ew" and not result.quarantined
    assert len(rows) == 348 and _assert_additive(result) == 348 * 4
    leicester = _cells(result, LEICESTER)
    assert leicester["Social rented"]["value"] == 31_270
    assert leicester["Social rented"]["source_column"] == "Tenure: Social rented: Total; measures: Value"
    assert leicester["Total"]["source_column"] == "Tenure: All categories: Tenure; measures: Value"
    assert leicester["Owned > Owned outright"]["parent_path"] == "Owned"
    cells = {(r["geography_code"], r["source_column"]): r["value"] for r in result.rows}
    assert cells == {(row[2], c): int(v) for row in rows for c, v in zip(header[4:], row[4:], strict=True)}
    assert "E07000154" in {r["geography_code"] for r in result.rows}  # Northampton, 2011 code


def test_qs405ew_rural_and_urban_parts_are_quarantined_not_added():
    header, rows = cs.bulk_table(cs.QS405EW)
    part = [*rows[0][:3], "Urban (total)", *rows[0][4:]]
    result = _parse(cs.write_csv(header, [*rows, part]), cs.QS405EW.name)
    assert len(result.rows) == 348 * 14 and len(result.quarantined) == 14
    assert {q.column for q in result.quarantined} == {"Rural Urban"}
    assert "not its total" in result.quarantined[0].reason


def _ts012_file() -> list[dict[str, str]]:
    with cs.TS012.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_ts012_long_file_every_level_equals_the_file():
    lines = _ts012_file()
    result = _parse_file(cs.TS012)
    assert result.release == "census2021-ts012" and not result.quarantined
    assert result.rows_in_file == len(lines) + 331  # one cell per line, plus each area's total
    # parents by prefix: every aggregate is the sum of its children in every area
    assert _assert_additive(result) == 331 * 24  # the total and 23 aggregates
    cells = {(r["geography_code"], r["source_column"]): r["value"] for r in result.rows}
    expected = {(x["ltla21_code"], x["country_of_birth"]): int(float(x["value"])) for x in lines}
    expected |= {
        (x["ltla21_code"], "total_all_usual_residents"): int(float(x["total_all_usual_residents"]))
        for x in lines
    }
    assert cells == expected
    leicester = _cells(result, LEICESTER)
    india = leicester["Middle East and Asia > Southern Asia > India"]
    assert india["value"] == 59_842 and india["parent_path"] == "Middle East and Asia > Southern Asia"
    assert india["source_column"] == "middle_east_and_asia_southern_asia_india"
    assert len([c for c in leicester.values() if not c["is_subtotal"]]) == 59


def test_ts012_reconstructed_nomis_bulk_file_loads_exactly_as_demographr_s():
    """TS012 as Nomis publishes it (a bulk zip of census2021-ts012-<level>.csv) is read through the
    Nomis bulk path, categories from its headers. The zip the tests serve holds a CSV reconstructed
    from demographr's (tests/support/census.py): loading it must give exactly the cells of the
    demographr file, every area, category, place in the hierarchy and count."""
    demographr = _parse_file(cs.TS012)
    zipped = _parse(cs.nomis_bulk_zips()["census2021-ts012.zip"], "census2021-ts012.zip")
    assert (
        zipped.file_format == "nomis_bulk_zip" and zipped.release == demographr.release == "census2021-ts012"
    )
    assert not zipped.quarantined and zipped.rows_in_file == demographr.rows_in_file == 331 * 83

    def cells(result: ParseResult) -> Counter:
        return Counter(tuple(r[k] for k in CELL_KEY) for r in result.rows)

    assert cells(zipped) == cells(demographr)
    assert _assert_additive(zipped) == 331 * 24  # the total and 23 aggregates, from the headers
    totals = {r["geography_code"]: r["value"] for r in zipped.rows if r["category_path"] == "Total"}
    assert totals == {x["ltla21_code"]: int(float(x["total_all_usual_residents"])) for x in _ts012_file()}
    # the header grammar of Nomis's bulk files of the same release (TS004's)
    header = cs.ts012_nomis_bulk_csv().split(b"\n", 1)[0].decode()
    ts004_header = cs.LTLA_TABLES["TS004"].read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",")[:4] == ts004_header.split(",")[:4]
    assert '"Country of birth: Middle East and Asia: Southern Asia: India; measures: Value"' in header


@pytest.mark.parametrize(("table", "demographr"), [("TS052", cs.TS052_LSOA), ("TS029", cs.TS029_MSOA)])
def test_small_area_members_reconstructed_for_the_nomis_zips_load_as_demographr_s(table, demographr):
    """The small-area members the tests' Nomis zips carry (TS052 LSOA, TS029 MSOA), reconstructed from
    demographr's conversions, give demographr's cells exactly; only the area names, which demographr
    lacks, come from the ONS lookups."""
    member, content = cs.small_area_nomis_bulk_csv(table)
    nomis, converted = _parse(content, member), _parse_file(demographr)
    assert nomis.release == converted.release and not nomis.quarantined
    key = [k for k in CELL_KEY if k != "geography_name"]

    def cells(result: ParseResult) -> Counter:
        return Counter(tuple(r[k] for k in key) for r in result.rows)

    assert cells(nomis) == cells(converted)
    assert {r["geography_name"] for r in converted.rows} == {None}
    assert all(r["geography_name"] for r in nomis.rows)


def test_ts012_area_missing_a_category_is_quarantined_whole():
    lines = _ts012_file()
    dropped = next(
        i
        for i, x in enumerate(lines)
        if x["ltla21_code"] == LEICESTER and x["country_of_birth"].endswith("_india")
    )
    kept = lines[:dropped] + lines[dropped + 1 :]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(lines[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    result = _parse(out.getvalue().encode(), cs.TS012.name)
    assert {r["geography_code"] for r in result.rows} == {x["ltla21_code"] for x in lines} - {LEICESTER}
    assert len(result.quarantined) == 83 and "categories missing" in result.quarantined[0].reason
    assert "middle_east_and_asia_southern_asia_india" in result.quarantined[0].reason


def test_snake_labels():
    from housing_need.sources.ons_census.demographr_long import snake_label, snake_paths

    assert snake_label("south_and_eastern_africa") == "South and Eastern Africa"
    assert snake_label("countries_that_joined_the_eu_between_april_2001_and_march_2011") == (
        "Countries that joined the EU between April 2001 and March 2011"
    )
    paths = snake_paths(
        [
            "europe",
            "europe_other_europe",
            "europe_other_europe_rest_of_europe_other_europe",
            "europe_other_europe_rest_of_europe",
        ]
    )
    assert paths["europe_other_europe_rest_of_europe_other_europe"] == (
        "Europe",
        "Other Europe",
        "Rest of Europe",
        "Other Europe",
    )
