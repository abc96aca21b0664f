"""Write the published-data inputs of the need model as CSV seeds, values unchanged.

    python convert_need_inputs.py /path/to/shared/data/real            # (re)write the four seeds
    python convert_need_inputs.py /path/to/shared/data/real --check    # exit 1 if a committed seed differs

The seeds are committed, because a fresh clone has no shared data folder; this script documents and
reproduces the conversion. Workbooks are read with python-calamine. Columns are located by their
header text and every table's title is checked, so a layout change fails loudly instead of shifting
a column. Published values are kept; the only arithmetic is stated where it happens (thousands to
persons for the APS, England + Wales for K04000001). Suppression and "no data" markers become blank
cells. Sources and caveats: README.md in this folder.

- ref_ons_aps_population_by_birth_group.csv: ONS APS "Population of the UK by country of birth and
  nationality", Table 1.1, England and Wales rows, six editions.
- ref_ons_aps_population_by_country_uk.csv: the same editions, Table 1.3 (UK, 60 most common
  countries of birth).
- ref_voa_private_rents_lad.csv: VOA/ONS Private rental market statistics, Tables 2.1 to 2.7
  (monthly rents by bedroom category and for all categories), English local authorities, Oct 2018 to
  Sep 2019 and Oct 2022 to Sep 2023.
- ref_ons_residence_earnings_lad.csv: ONS house price to residence-based earnings ratio workbook,
  Tables 5b (median) and 6b (lower quartile) earnings, England and Wales local authorities.
- ref_ons_lamis_migration_flows_lad.csv: ONS Local Area Migration Indicators (2021 edition), sheet
  "Migration Flows": mid-year population, long-term international and internal (within-UK) inflow and
  outflow per local authority, mid-2010/11 to mid-2019/20 (England and Wales LAs only).
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from python_calamine import CalamineWorkbook

HERE = Path(__file__).resolve().parent

APS_DIR = "migration/aps_country_of_birth"
# (file, edition, period_end, the period as the workbook prints it)
APS_EDITIONS = [
    (
        "populationbycountryofbirthandnationalityjul15tojun16.xls",
        "2015-07/2016-06",
        "2016-06-30",
        "July 2015 to June 2016",
    ),
    (
        "populationbycountryofbirthandnationalityjul16tojun17.xls",
        "2016-07/2017-06",
        "2017-06-30",
        "July 2016 to June 2017",
    ),
    (
        "populationbycountryofbirthandnationalityjul17tojun18.xls",
        "2017-07/2018-06",
        "2018-06-30",
        "July 2017 to June 2018",
    ),
    (
        "populationbycountryofbirthandnationalityjul18tojun19.xls",
        "2018-07/2019-06",
        "2019-06-30",
        "July 2018 to June 2019",
    ),
    (
        "populationbycountryofbirthandnationalityjul19tojun20reweighted.xls",
        "2019-07/2020-06",
        "2020-06-30",
        "July 2019 to June 2020",
    ),
    (
        "populationbycountryofbirthandnationalityjul20tojun21.xls",
        "2020-07/2021-06",
        "2021-06-30",
        "July 2020 to June 2021",
    ),
]
BIRTH_GROUPS = ["all", "uk", "non_uk", "eu", "eu14", "eu8", "eu2", "eu_other", "non_eu"]
# Table 1.1 header labels, as printed. Editions to 2019/20 ("old"): a label row (row 4 for the top
# groups, row 5 for the EU and non-EU columns; the digits are footnote marks) over an
# "estimate" / "CI +/-" row (row 7), in thousands. Edition 2020/21 ("new"): one header row (row 4)
# "<label>\nEstimate" / "<label>\n+/- CI", in persons rounded to the nearest thousand.
OLD_LABELS = {
    "all": (4, "All"),
    "uk": (4, "United Kingdom"),
    "non_uk": (4, "Non-United Kingdom"),
    "eu": (5, "European Union4"),
    "eu14": (5, "European Union EU145"),
    "eu8": (5, "European Union EU86"),
    "eu2": (5, "European Union EU27"),
    "eu_other": (5, "European Union Other8"),
    "non_eu": (5, "All9"),  # under "Non-European Union" in row 4, checked below
}
NEW_LABELS = {
    "all": "All",
    "uk": "United Kingdom",
    "non_uk": "Non-United Kingdom",
    "eu": "European Union",
    "eu14": "European Union EU14",
    "eu8": "European Union EU8",
    "eu2": "European Union EU2",
    "eu_other": "European Union Other",
    "non_eu": "Non-European Union All",
}
# England and Wales; K04000001 (England and Wales) is their sum.
APS_AREAS = {"E92000001": "England", "W92000004": "Wales"}
EW = "K04000001"

RENTS_DIR = "housing/private_rents"
# (file, rent_period, the period as the table titles print it)
RENT_EDITIONS = [
    ("privaterentalmarketstatistics13122019.xlsx", "2018-10/2019-09", "1 October 2018 to 30 September 2019"),
    ("privaterentalmarketstatistics231220.xls", "2022-10/2023-09", "1 October 2022 to 30 September 2023"),
]
# Table number -> (category label in the table's header, bedroom_category)
RENT_TABLES = {
    "2.7": ("All categories", "all"),
    "2.1": ("Room", "room"),
    "2.2": ("Studio", "studio"),
    "2.3": ("One Bedroom", "one_bedroom"),
    "2.4": ("Two Bedrooms", "two_bedrooms"),
    "2.5": ("Three Bedrooms", "three_bedrooms"),
    "2.6": ("Four or more Bedrooms", "four_or_more_bedrooms"),
}
RENT_MEASURES = ["Count of rents", "Mean", "Lower quartile", "Median", "Upper quartile"]
# "-": count suppressed (fewer than 5 rents); "..": statistic suppressed (fewer than 5, or fewer
# than 10 for quartiles in the 2023 edition); ".": no rents recorded (count 0).
RENT_MARKERS = {"-", "..", "."}
LA_CODE = re.compile(r"E0[6-9]\d{6}")

EARNINGS_FILE = "housing/affordability/ratioofhousepricetoresidencebasedearnings.xlsx"
EARNINGS_TITLE = re.compile(
    r"Table (?P<table>\w+) - (?P<stat>Median|Lower quartile) (?P<basis>gross annual \(where available\) "
    r"residence-based earnings) by local authority district, England and Wales, (?P<first>\d{4}) to (?P<last>\d{4}) \(£\)"
)
EW_LA_CODE = re.compile(r"[EW]0\d{7}")


def _rows(book: CalamineWorkbook, sheet: str) -> list[list[object]]:
    return book.get_sheet_by_name(sheet).to_python()


def _is_number(value: object) -> bool:
    # calamine returns a whole-number cell as int in some workbooks and as float in others
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _whole(value: float) -> int:
    assert float(value).is_integer(), f"expected a whole number, got {value!r}"
    return int(value)


# --- APS Table 1.1 -------------------------------------------------------------------------------


def _old_columns(rows: list[list[object]]) -> dict[str, int]:
    """Estimate column of each birth group in an edition to 2019/20; the CI is the next column."""
    assert rows[3][-1] == "thousands", "Table 1.1 is no longer in thousands"
    assert rows[7][0].startswith("Area Code") and rows[7][1] == "Area Name"
    cols = {}
    for group, (row, label) in OLD_LABELS.items():
        hits = [c for c, v in enumerate(rows[row]) if v == label]
        assert len(hits) == 1, f"Table 1.1 header {label!r}: {len(hits)} matches"
        c = hits[0]
        assert rows[7][c] == "estimate" and str(rows[7][c + 1]).startswith("CI"), (
            f"{label!r}: no estimate/CI pair"
        )
        cols[group] = c
    non_eu_block = max(c for c, v in enumerate(rows[4]) if v == "Non-European Union")
    assert cols["non_eu"] == non_eu_block, "'All9' is not the first column of the Non-European Union block"
    return cols


def _new_columns(rows: list[list[object]]) -> dict[str, int]:
    header = rows[4]
    assert header[0] == "Area Code" and header[1] == "Name"
    cols = {}
    for group, label in NEW_LABELS.items():
        c = header.index(f"{label}\nEstimate")
        assert header[c + 1] == f"{label}\n+/- CI", f"{label!r}: no estimate/CI pair"
        cols[group] = c
    return cols


def _aps_birth_groups(real: Path) -> list[list[object]]:
    out: list[list[object]] = [
        ["edition", "period_end", "geography_code", "birth_group", "population", "ci95"]
    ]
    for file, edition, period_end, period_text in APS_EDITIONS:
        rows = _rows(CalamineWorkbook.from_path(real / APS_DIR / file), "1.1")
        new = rows[0][0].startswith("Table 1.1: Population of the United Kingdom by country of birth")
        if new:
            assert rows[0][0].endswith(period_text), rows[0][0]
            cols, scale, na_ci = _new_columns(rows), 1, "Not applicable"
        else:
            assert rows[0][0].startswith("Table 1.1: Population in the United Kingdom"), rows[0][0]
            assert rows[2][0] == period_text, rows[2][0]
            cols, scale, na_ci = _old_columns(rows), 1000, "z"
        found: dict[str, dict[str, tuple[int, int | None]]] = {}
        for row in rows:
            code = str(row[0]).strip()
            if code not in APS_AREAS:
                continue
            assert str(row[1]).strip().lower() == APS_AREAS[code].lower(), row[:2]
            assert code not in found, f"{file}: {code} twice"
            values = {}
            for group, c in cols.items():
                estimate, ci = row[c], row[c + 1]
                assert _is_number(estimate), f"{file} {code} {group}: estimate {estimate!r}"
                if group == "all":  # not a sample estimate: ONS prints no CI
                    assert ci == na_ci, f"{file} {code}: CI of All is {ci!r}"
                    ci_persons = None
                else:
                    assert _is_number(ci), f"{file} {code} {group}: CI {ci!r}"
                    ci_persons = _whole(ci * scale)
                values[group] = (_whole(estimate * scale), ci_persons)
            found[code] = values
        assert set(found) == set(APS_AREAS), f"{file}: found {sorted(found)}"
        found[EW] = {
            group: (
                sum(found[code][group][0] for code in APS_AREAS),
                None
                if group == "all"
                else round(math.sqrt(sum(found[code][group][1] ** 2 for code in APS_AREAS))),
            )
            for group in BIRTH_GROUPS
        }
        for code, values in found.items():
            pop = {group: v[0] for group, v in values.items()}
            # Published totals are rounded to the thousand, and "all" also counts people whose
            # country of birth was not stated.
            assert abs(pop["uk"] + pop["non_uk"] - pop["all"]) <= 0.005 * pop["all"], (file, code, pop)
            assert abs(pop["eu"] + pop["non_eu"] - pop["non_uk"]) <= 3000, (file, code, pop)
            parts = pop["eu14"] + pop["eu8"] + pop["eu2"] + pop["eu_other"]
            assert abs(parts - pop["eu"]) <= 5000, (file, code, pop)
            for group in BIRTH_GROUPS:
                out.append([edition, period_end, code, group, *values[group]])
    return out


# --- APS Table 1.3 -------------------------------------------------------------------------------


def _aps_countries(real: Path) -> list[list[object]]:
    out: list[list[object]] = [["edition", "period_end", "country", "population", "ci95"]]
    for file, edition, period_end, period_text in APS_EDITIONS:
        rows = _rows(CalamineWorkbook.from_path(real / APS_DIR / file), "1.3")
        assert rows[0][0].startswith("Table 1.3: Overseas-born population in the United Kingdom"), rows[0][0]
        assert rows[1][0] == period_text, rows[1][0]
        if rows[5][1] == "Sixty Most Common Countries of Birth":
            assert rows[5][:4] == [
                "Position in top sixty",
                rows[5][1],
                "Persons\nEstimate",
                "Persons\n+/- CI",
            ]
            first, c_country, c_est, scale = 6, 1, 2, 1
        else:
            assert rows[3][0] == "60 most common countries of birth"
            assert rows[5][2:4] == ["Country", "Total"] and rows[6][3] == "estimate"
            assert str(rows[6][4]).startswith("CI")
            first, c_country, c_est, scale = 7, 2, 3, 1000
        table = rows[first : first + 60]
        assert [r[0] for r in table] == [float(n) for n in range(1, 61)], f"{file}: ranks are not 1 to 60"
        after = rows[first + 60 : first + 61]
        assert not after or after[0][c_country] == "", f"{file}: more than 60 countries"
        for row in table:
            country, estimate, ci = row[c_country], row[c_est], row[c_est + 1]
            assert isinstance(country, str) and country == country.strip() and country, row
            out.append([edition, period_end, country, _whole(estimate * scale), _whole(ci * scale)])
    return out


# --- VOA private rents ---------------------------------------------------------------------------


def _rent_value(value: object) -> object:
    if value in RENT_MARKERS:
        return None
    assert _is_number(value), f"unexpected rent cell {value!r}"
    return value


def _private_rents(real: Path) -> list[list[object]]:
    header = [
        "lad_code",
        "lad_name",
        "rent_period",
        "bedroom_category",
        "count_of_rents",
        "mean_monthly_rent",
        "lower_quartile_monthly_rent",
        "median_monthly_rent",
        "upper_quartile_monthly_rent",
    ]
    body: list[list[object]] = []
    order = {category: i for i, (_, category) in enumerate(RENT_TABLES.values())}
    for file, rent_period, period_text in RENT_EDITIONS:
        book = CalamineWorkbook.from_path(real / RENTS_DIR / file)
        # Sheet names differ between editions ("Table2.7", "Table 2.7 "): find each table by its title.
        by_table = {}
        for sheet in book.sheet_names:
            rows = _rows(book, sheet)
            title = str(rows[1][2]) if len(rows) > 1 and len(rows[1]) > 2 else ""
            match = re.match(r"Table (2\.\d): Summary of ", title)
            if match:
                assert title.endswith(
                    f"monthly rents recorded between {period_text} by administrative area for England"
                )
                by_table[match.group(1)] = rows
        assert set(by_table) == set(RENT_TABLES), f"{file}: tables {sorted(by_table)}"
        codes_per_table = []
        for table, (label, category) in RENT_TABLES.items():
            rows = by_table[table]
            assert rows[4][3] == label, f"{file} {table}: category {rows[4][3]!r}"
            assert (
                rows[5][1].startswith("Area Code") and rows[5][2] == "Area" and rows[5][3:8] == RENT_MEASURES
            )
            codes = []
            for row in rows[6:]:
                code = str(row[1]).strip()
                if not LA_CODE.fullmatch(code):
                    continue
                count, mean, lq, median, uq = (_rent_value(v) for v in row[3:8])
                if count is None or count == 0:
                    assert mean is lq is median is uq is None, f"{file} {table} {code}: rents without a count"
                body.append([code, row[2], rent_period, category, count, mean, lq, median, uq])
                codes.append(code)
            assert len(codes) == len(set(codes)), f"{file} {table}: a local authority twice"
            codes_per_table.append(codes)
        assert all(c == codes_per_table[0] for c in codes_per_table), f"{file}: tables list different areas"
    body.sort(key=lambda r: (r[2], r[0], order[r[3]]))
    return [header, *body]


# --- ONS residence-based earnings ----------------------------------------------------------------


def _earnings(real: Path) -> list[list[object]]:
    book = CalamineWorkbook.from_path(real / EARNINGS_FILE)
    sheets = {}
    for sheet in book.sheet_names:
        rows = _rows(book, sheet)
        match = EARNINGS_TITLE.fullmatch(str(rows[0][0]).strip()) if rows and rows[0] else None
        if match:
            sheets[match.group("stat")] = (sheet, match, rows)
    assert set(sheets) == {"Median", "Lower quartile"}, f"earnings sheets: {sorted(sheets)}"
    (median_sheet, median_title, median_rows) = sheets["Median"]
    (lq_sheet, lq_title, lq_rows) = sheets["Lower quartile"]
    assert (median_sheet, lq_sheet) == ("5b", "6b"), (median_sheet, lq_sheet)
    basis = median_title.group("basis")
    assert lq_title.group("basis") == basis
    metadata = " ".join(str(r[0]) for r in _rows(book, "Metadata"))
    assert "Earnings relate to gross full-time individual earnings on a place of residence basis" in metadata
    earnings_basis = f"{basis}, full-time employees"

    def read(rows: list[list[object]]) -> dict[tuple[str, str], dict[int, object]]:
        head = rows[1]
        assert head[2] == "Local authority code" and head[3] == "Local authority name", head[:4]
        years = [int(y) for y in head[4:]]
        assert years == list(range(int(median_title.group("first")), int(median_title.group("last")) + 1))
        table = {}
        for row in rows[2:]:
            if not EW_LA_CODE.fullmatch(str(row[2])):
                assert all(v == "" for v in row), f"unexpected row {row[:4]}"
                continue
            values = {}
            for year, v in zip(years, row[4:], strict=True):
                assert v == ":" or _is_number(v), f"unexpected earnings cell {v!r}"
                values[year] = None if v == ":" else v
            assert (row[2], row[3]) not in table
            table[(row[2], row[3])] = values
        return table

    median, lq = read(median_rows), read(lq_rows)
    assert list(median) == list(lq), "the median and lower-quartile sheets list different areas"
    out: list[list[object]] = [
        [
            "lad_code",
            "lad_name",
            "year",
            "median_annual_earnings",
            "lower_quartile_annual_earnings",
            "earnings_basis",
        ]
    ]
    for (code, name), values in sorted(median.items()):
        for year, value in values.items():
            out.append([code, name, year, value, lq[(code, name)][year], earnings_basis])
    return out


# --- writing -------------------------------------------------------------------------------------


LAMIS = "migration/2021lamistables.xlsx"
LAMIS_MEASURES = [
    ("Population Estimate", "", "population_at_year_end"),
    ("Long-Term International Migration", "Inflow", "international_inflow"),
    ("Long-Term International Migration", "Outflow", "international_outflow"),
    ("Internal Migration (within UK)", "Inflow", "internal_inflow"),
    ("Internal Migration (within UK)", "Outflow", "internal_outflow"),
]


def _lamis_flows(real: Path) -> list[list[object]]:
    """One row per England and Wales LA x year: the year blocks across the top ("Mid-2010 to Mid-2011"),
    then the measures (population at the year's end, LTIM in/out, internal in/out)."""
    rows = _rows(CalamineWorkbook.from_path(real / LAMIS), "Migration Flows")
    years, measures, flows = rows[0], rows[1], rows[2]
    if flows[0] != "Area Code" or not str(years[2]).startswith("Mid-2010 to Mid-2011"):
        raise ValueError(f"{LAMIS}: 'Migration Flows' does not start with the expected headers")
    columns: list[tuple[int, int, str]] = []  # (column, year ending mid-, measure)
    year, measure = None, ""
    for index in range(2, len(flows)):
        if str(years[index]).strip():
            match = re.fullmatch(r"Mid-(\d{4}) to Mid-(\d{4})", str(years[index]).strip())
            if not match:
                raise ValueError(f"{LAMIS}: unexpected year heading {years[index]!r}")
            year = int(match.group(2))
        if str(measures[index]).strip():
            measure = " ".join(str(measures[index]).split())
        if year is None:
            continue
        for prefix, flow, name in LAMIS_MEASURES:
            if prefix in measure and str(flows[index]).strip() == flow:
                columns.append((index, year, name))
    out: list[list[object]] = [
        ["lad_code", "lad_name", "year_ending_mid", *[n for _, _, n in LAMIS_MEASURES]]
    ]
    for row in rows[3:]:
        code = str(row[0]).strip()
        if not re.fullmatch(r"[EW]0[6-9]\d{6}", code):
            continue
        by_year: dict[int, dict[str, object]] = {}
        for index, y, name in columns:
            value = row[index]
            by_year.setdefault(y, {})[name] = value if _is_number(value) else None
        for y in sorted(by_year):
            out.append([code, str(row[1]).strip(), y, *[by_year[y].get(n) for _, _, n in LAMIS_MEASURES]])
    expected = {y for _, y, _ in columns}
    if expected != set(range(2011, 2021)) or len({n for _, _, n in columns}) != len(LAMIS_MEASURES):
        raise ValueError(
            f"{LAMIS}: found years {sorted(expected)} and measures {sorted({n for _, _, n in columns})}"
        )
    return out


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def _csv(rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def seeds(real: Path) -> dict[str, str]:
    return {
        "ref_ons_aps_population_by_birth_group.csv": _csv(_aps_birth_groups(real)),
        "ref_ons_aps_population_by_country_uk.csv": _csv(_aps_countries(real)),
        "ref_voa_private_rents_lad.csv": _csv(_private_rents(real)),
        "ref_ons_residence_earnings_lad.csv": _csv(_earnings(real)),
        "ref_ons_lamis_migration_flows_lad.csv": _csv(_lamis_flows(real)),
    }


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--check"]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    texts = seeds(Path(args[0]))
    if "--check" in argv:
        differs = [
            n
            for n, t in texts.items()
            if not (HERE / n).exists() or (HERE / n).read_text(encoding="utf-8") != t
        ]
        for name in texts:
            print(
                f"{name}: {'differs from the conversion; rerun without --check' if name in differs else 'up to date'}"
            )
        return 1 if differs else 0
    for name, text in texts.items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {name}: {text.count(chr(10)) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
