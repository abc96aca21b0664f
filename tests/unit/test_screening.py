"""Generic row screening (sources/screening.py) on the real bundled files and on bad deliveries
built from their real rows."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from housing_need.sources import ParseResult, SourceSpec, get_source
from housing_need.sources.screening import screen
from tests.support import asy_d11 as ad
from tests.support import census as cs

ASYLUM = get_source("home_office_asylum_support")
CENSUS = get_source("ons_census")
LEICESTER = "E06000016"
TRIGGERS = ["=", "+", "-", "@"]


def _screened(result: ParseResult, spec: SourceSpec) -> ParseResult:
    before = (len(result.rows), len(result.quarantined), list(result.warnings))
    out = screen(result, spec)
    assert (len(result.rows), len(result.quarantined), result.warnings) == before  # input untouched
    assert out.rows_in_file == result.rows_in_file == len(out.rows) + len(out.quarantined)
    out.check_accounting()
    return out


@pytest.fixture(scope="module")
def small() -> list[dict[str, str]]:
    return ad.subset(ad.real_rows(), dates=["2022-12-31", "2023-12-31"])


def _real_files() -> list[tuple[SourceSpec, Path]]:
    out = []
    for spec in (ASYLUM, CENSUS):
        folder = ad.ROOT / "data/sample" / spec.name
        out += [(spec, p) for p in sorted(folder.iterdir()) if p.suffix in spec.file_extensions]
    return out


@pytest.mark.parametrize(("spec", "path"), _real_files(), ids=lambda v: getattr(v, "name", ""))
def test_real_files_pass_screening_untouched(spec: SourceSpec, path: Path) -> None:
    result = spec.parse(path.read_bytes(), path.name)
    screened = _screened(result, spec)
    assert screened.rows == result.rows
    assert screened.quarantined == result.quarantined
    assert screened.warnings == result.warnings == []


def test_repeated_keys_with_different_counts_are_not_exact_duplicates() -> None:
    """The real Asy_D11 file has two pairs of rows with the same key and different counts: they stay
    as published (summed downstream), and the parser's note about them is kept."""
    real = ASYLUM.parse(ad.SAMPLE_CSV.read_bytes(), ad.SAMPLE_CSV.name)
    screened = _screened(real, ASYLUM)
    assert len(screened.rows) == 19_283 and screened.quarantined == []
    assert any("4 row(s) repeat the period" in n for n in screened.notes)


# ------------------------------------------------------------------------------------------
# Exact duplicates


def test_exact_duplicate_rows_are_quarantined_after_the_first(small: list[dict[str, str]]) -> None:
    doubled = [3, 40, 3]  # row 3 delivered three times in all
    content = ad.to_sample_csv(ad.with_exact_duplicates(small, doubled))
    parsed = ASYLUM.parse(content, "twice.csv")
    assert parsed.quarantined == [] and len(parsed.rows) == len(small) + 3
    screened = _screened(parsed, ASYLUM)
    assert screened.rows == ASYLUM.parse(ad.to_sample_csv(small), "once.csv").rows
    got = [(q.row_number, q.column, q.value, q.reason) for q in screened.quarantined]
    assert got == [
        (ad.csv_line(len(small) + k), None, None, f"exact duplicate of row {ad.csv_line(i)}")
        for k, i in enumerate(doubled)
    ]
    record = screened.quarantined[0].record
    assert record["local_authority"] == small[3]["Local Authority"]
    assert record["people"] == int(small[3]["People"]) and record["period_end"] == small[3]["Date"]
    assert screened.warnings == [
        f"screening quarantined 3 file row(s) holding an exact duplicate of an earlier row "
        f"(rows {', '.join(str(ad.csv_line(len(small) + k)) for k in range(3))})"
    ]


def test_census_repeated_area_is_quarantined_once() -> None:
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    parsed = CENSUS.parse(
        cs.write_csv(header, cs.with_repeated_rows(rows, [cs.row_index(rows, LEICESTER)])),
        "census2021-ts054-ltla.csv",
    )
    assert len(parsed.quarantined) == 13 and "appears twice" in parsed.quarantined[0].reason
    screened = _screened(parsed, CENSUS)
    assert screened.quarantined == parsed.quarantined and screened.rows == parsed.rows
    assert screened.warnings == []


# ------------------------------------------------------------------------------------------
# Formula-like text


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_formula_text_quarantines_the_row(small: list[dict[str, str]], trigger: str) -> None:
    i = next(i for i, r in enumerate(small) if r["UK Region"] == "London")
    content = ad.with_formula_text(ad.to_publisher_csv(small), i, "Local Authority", trigger)
    parsed = ASYLUM.parse(content, "formula.csv")
    assert parsed.quarantined == []  # the parser keeps LA names as published
    screened = _screened(parsed, ASYLUM)
    text = ad.formula_text(trigger, small[i]["Local Authority"])
    assert [(q.row_number, q.column, q.value, q.reason) for q in screened.quarantined] == [
        (
            ad.csv_line(i),
            "Local Authority",
            text,
            f"text in column 'Local Authority' begins with '{trigger}' and would run as a spreadsheet formula",
        )
    ]
    assert len(screened.rows) == len(small) - 1
    assert screened.warnings == [
        f"screening quarantined 1 file row(s) holding text a spreadsheet would run as a formula "
        f"(rows {ad.csv_line(i)})"
    ]


def test_formula_in_an_unknown_region_is_caught_too(small: list[dict[str, str]]) -> None:
    content = ad.with_formula_text(ad.to_sample_csv(small), 7, "UK Region", "@")
    screened = _screened(ASYLUM.parse(content, "region.csv"), ASYLUM)
    assert [(q.row_number, q.column) for q in screened.quarantined] == [(ad.csv_line(7), "UK Region")]


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_census_formula_quarantines_every_cell_of_the_area_row(trigger: str) -> None:
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    index = cs.row_index(rows, LEICESTER)
    parsed = CENSUS.parse(
        cs.write_csv(header, cs.with_formula_name(header, rows, index, trigger)), "census2021-ts054-ltla.csv"
    )
    screened = _screened(parsed, CENSUS)
    assert len(screened.quarantined) == 13 and len(screened.rows) == 330 * 13
    assert {q.row_number for q in screened.quarantined} == {cs.csv_line(index)}
    assert {q.reason for q in screened.quarantined} == {
        f"text in column 'geography' begins with '{trigger}' and would run as a spreadsheet formula"
    }
    assert [q.record["source_column"] for q in screened.quarantined] == header[3:]
    assert LEICESTER not in {r["geography_code"] for r in screened.rows}


def test_census_zip_members_share_line_numbers_but_not_file_rows() -> None:
    """A zip holds one member per level, each numbered from line 1: a formula on line n of the LTLA
    member must not take line n of the country member with it."""
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    members = {
        "census2021-ts054-ctry.csv": cs.TS054["ctry"].read_bytes(),
        "census2021-ts054-ltla.csv": cs.write_csv(header, cs.with_formula_name(header, rows, 0)),
    }
    screened = _screened(CENSUS.parse(cs.to_zip(members), "census2021-ts054.zip"), CENSUS)
    assert {(q.row_number, q.record["geography_level"]) for q in screened.quarantined} == {(2, "ltla")}
    assert len(screened.quarantined) == 13
    assert len([r for r in screened.rows if r["geography_level"] == "ctry"]) == 3 * 13


def test_screening_the_lsoa_file_is_fast() -> None:
    result = CENSUS.parse(cs.TS052_LSOA.read_bytes(), cs.TS052_LSOA.name)
    assert len(result.rows) == 214_032
    started = time.perf_counter()
    screened = screen(result, CENSUS)
    elapsed = time.perf_counter() - started
    print(f"\nscreening TS052 LSOA: {len(result.rows)} cells in {elapsed:.2f}s")
    assert screened.rows == result.rows
    assert elapsed < 2.0
