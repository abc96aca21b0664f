"""Build census deliveries from the REAL bundled files (never hand-typed numbers).

``bulk_table()`` reads a bundled Nomis bulk CSV as (header, rows of text). The writers lay real rows
out as a Nomis bulk CSV, a Nomis bulk ZIP, a Nomis API (long) CSV or a 2011 QS workbook (.xlsx), and
the ``with_*`` / ``without_*`` / ``truncated`` helpers break a delivery in one known way:

- ``EMPTY`` (zero bytes), ``truncated`` / ``truncated_xlsx`` (a file or workbook cut short),
  ``with_header`` / ``without_column`` (changed or missing columns): refused whole;
- ``with_cell`` (one bad cell) and ``with_repeated_rows`` (an area twice): the parser quarantines
  the area row, one quarantined row per cell;
- ``with_extra_column``: a column outside the table's variable (refused as a changed header);
- ``with_formula_name``: an area name beginning with '=', '+', '-' or '@' (screening quarantines
  every cell of that area row);
- ``cp1252_after_utf8_bom`` (Windows-1252 behind a UTF-8 BOM, Anglesey named ``Ynys Môn``) and
  ``to_unicode_text`` (UTF-16 with BOM, tab-separated): read as the UTF-8 file is.

Files the project does not have are RECONSTRUCTED from the ones it does, never hand-typed, and
labelled so where they are built: Nomis's TS012 bulk CSV (:func:`ts012_nomis_bulk_csv`) and the LSOA
and MSOA members of the TS052 and TS029 zips (:func:`small_area_nomis_bulk_csv`), each the exact
inverse of demographr's conversion. :func:`census_publishers` gives the census's three pages.

In the API layout, the numeric ids and sort orders of dates, geographies and categories
(``GEOGRAPHY``, ``C2021_TENURE_9``, ``..._SORTORDER``, ``RECORD_OFFSET``) are made up by position:
the parser does not read them. Category names, area codes and names and every OBS_VALUE come from
the real bulk rows; ``Percent`` rows are computed from them as Nomis does (value / total x 100).
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from tests.support.asy_d11 import encode_as, formula_text, table_text
from tests.support.publisher import Publisher

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "data/sample/ons_census"
TS054 = {level: SAMPLE_DIR / f"census2021-ts054-{level}.csv" for level in ("ctry", "rgn", "utla", "ltla")}
TS005 = SAMPLE_DIR / "census2021-ts005-ltla.csv"
TS015 = SAMPLE_DIR / "census2021-ts015-ltla.csv"
TS052_LSOA = SAMPLE_DIR / "demographr_household_overcrowding21_lsoa21_TS052_wide.csv"
TS029_MSOA = SAMPLE_DIR / "demographr_proficiency21_msoa21_TS029.csv"
QS203EW = SAMPLE_DIR / "r21ewrttableqs203ewladv1_tcm77-290919.xls"
QS405EW = SAMPLE_DIR / "qs405ew_tenure-households-lad.csv"
TS012 = SAMPLE_DIR / "demographr_country_of_birth21_ltla21_TS012.csv"
# The full Nomis bulk tables at LTLA, in the two header grammars Nomis has published.
LTLA_TABLES = {
    "TS004": SAMPLE_DIR / "census2021-ts004-ltla.csv",  # quoted, '; measures: Value'
    "TS005": TS005,
    "TS015": TS015,
    "TS029": SAMPLE_DIR / "census2021-ts029-ltla.csv",  # unquoted, no suffix
    "TS052": SAMPLE_DIR / "census2021-ts052-ltla.csv",
    "TS054": TS054["ltla"],
}
QUIZ = SAMPLE_DIR / "census-quiz-data-2021-v9.csv"
EMPTY = b""

TS054_METADATA = (
    "Title: Tenure\nIdentifier: Tenure\nKeywords: [ltla hh_tenure_9a]\nVersion: 2\n"
    "(metadata member of a Nomis bulk zip; the parser skips it)\n"
)

# Nomis API geography types by bulk level (the parser maps them back to levels).
API_GEOGRAPHY_TYPES = {
    "ctry": "countries",
    "rgn": "regions",
    "utla": "local authorities: county / unitary (as of April 2021)",
    "ltla": "local authorities: district / unitary (as of April 2021)",
}
API_HEADER = [
    "DATE",
    "DATE_NAME",
    "DATE_CODE",
    "DATE_TYPE",
    "DATE_TYPECODE",
    "DATE_SORTORDER",
    "GEOGRAPHY",
    "GEOGRAPHY_NAME",
    "GEOGRAPHY_CODE",
    "GEOGRAPHY_TYPE",
    "GEOGRAPHY_TYPECODE",
    "GEOGRAPHY_SORTORDER",
    "{dim}",
    "{dim}_NAME",
    "{dim}_CODE",
    "{dim}_TYPE",
    "{dim}_TYPECODE",
    "{dim}_SORTORDER",
    "MEASURES",
    "MEASURES_NAME",
    "OBS_VALUE",
    "OBS_STATUS",
    "OBS_STATUS_NAME",
    "OBS_CONF",
    "OBS_CONF_NAME",
    "URN",
    "RECORD_OFFSET",
    "RECORD_COUNT",
]


def bulk_table(path: Path | str) -> tuple[list[str], list[list[str]]]:
    """A bundled Nomis bulk CSV as (header, data rows), text exactly as published."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    return table[0], table[1:]


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    """A CSV of ``header`` and ``rows`` (``encoding``: one of ``asy_d11.ENCODINGS`` or a codec name)."""
    return encode_as(table_text(header, rows, delimiter), encoding)


def csv_line(row_index: int) -> int:
    """The line of data row ``row_index`` (0-based) in CSVs from :func:`write_csv` (one-line header)."""
    return row_index + 2


def row_index(rows: Sequence[Sequence[str]], code: str, code_position: int = 2) -> int:
    return next(i for i, r in enumerate(rows) if r[code_position] == code)


# ---------------------------------------------------------------------------------------------
# Breaking a bulk table in one known way


def with_header(header: Sequence[str], old: str, new: str) -> list[str]:
    return [new if h == old else h for h in header]


def without_column(
    header: Sequence[str], rows: Sequence[Sequence[str]], column: str
) -> tuple[list[str], list[list[str]]]:
    pos = list(header).index(column)
    return [h for i, h in enumerate(header) if i != pos], [
        [c for i, c in enumerate(r) if i != pos] for r in rows
    ]


def with_cell(
    header: Sequence[str], rows: Sequence[Sequence[str]], index: int, column: str, value: str
) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[index][list(header).index(column)] = value
    return out


def truncated(content: bytes, keep: float = 0.6) -> bytes:
    """The first ``keep`` fraction of a file, as an interrupted download leaves it."""
    return content[: int(len(content) * keep)]


# ---------------------------------------------------------------------------------------------
# Other layouts of the same real numbers


def to_zip(members: Mapping[str, bytes], *, metadata: Mapping[str, str] | None = None) -> bytes:
    """A Nomis bulk zip: the CSVs plus metadata text members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, text in (metadata or {}).items():
            zf.writestr(name, text)
    return out.getvalue()


def api_category_names(header: Sequence[str]) -> list[str]:
    """Bulk headers -> Nomis API category names (the header without the variable and measure)."""
    names = []
    for h in header[3:]:
        text = " ".join(h.split())
        text = text.split("; measures:")[0]
        names.append(text.split(": ", 1)[1])
    return names


def to_api_csv(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    level: str,
    *,
    dimension: str = "C2021_TENURE_9",
    with_percent: bool = True,
    with_geography_type: bool = True,
) -> tuple[bytes, dict[tuple[str, str], int]]:
    """The real bulk rows in the Nomis API's long layout: one line per area x category x measure.

    Returns the CSV and the line of each (area code, category name) Value row."""
    names = api_category_names(header)
    # made-up category ids: 0 for the total, 1001.. for subtotals, 1.. for the rest (by position)
    subtotal_names = {n.rsplit(": ", 1)[0] for n in names if ": " in n and not n.startswith("Total")}
    ids: list[int] = []
    next_leaf, next_sub = 1, 1001
    for n in names:
        if n.startswith("Total"):
            ids.append(0)
        elif n in subtotal_names:
            ids.append(next_sub)
            next_sub += 1
        else:
            ids.append(next_leaf)
            next_leaf += 1
    api_header = [h.format(dim=dimension) for h in API_HEADER]
    body: list[list[object]] = []
    lines: dict[tuple[str, str], int] = {}
    measures = [("20100", "Value")] + ([("20301", "Percent")] if with_percent else [])
    for g, row in enumerate(rows):
        date, name, code = row[0], row[1], row[2]
        values = row[3:]
        total = int(values[0])
        for c, (cat, value) in enumerate(zip(names, values, strict=True)):
            for measure, measure_name in measures:
                obs: object = value
                if measure_name == "Percent":
                    obs = round(int(value) / total * 100, 1) if total else 0
                else:
                    lines[(code, cat)] = len(body) + 2
                body.append(
                    [
                        date,
                        date,
                        date,
                        "date",
                        0,
                        0,
                        1946157000 + g,
                        name,
                        code,
                        API_GEOGRAPHY_TYPES[level] if with_geography_type else "",
                        424,
                        g,
                        ids[c],
                        cat,
                        ids[c],
                        "",
                        "",
                        c,
                        measure,
                        measure_name,
                        obs,
                        "A",
                        "Normal Value",
                        "F",
                        "Free (free for publication)",
                        f"Nm-2072d1Ed{date}d32766Eg{code}c{ids[c]}d{measure}",
                        len(body),
                        0,
                    ]
                )
    for line in body:
        line[-1] = len(body)
    if not with_geography_type:
        pos = api_header.index("GEOGRAPHY_TYPE")
        api_header = [h for i, h in enumerate(api_header) if i != pos]
        body = [[v for i, v in enumerate(line) if i != pos] for line in body]
    return write_csv(api_header, body), lines


def with_api_cell(api_csv: bytes, line: int, column: str, value: str) -> bytes:
    table = list(csv.reader(io.StringIO(api_csv.decode("utf-8"), newline="")))
    table[line - 1][table[0].index(column)] = value
    return write_csv(table[0], table[1:])


# ---------------------------------------------------------------------------------------------
# 2011 QS workbook


def qs_sheet_values(path: Path | str = QS203EW) -> tuple[str, list[list[object]]]:
    """The real QS203EW numbers sheet: (sheet name, all cells from A1, as calamine reads them)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    name = next(n for n in wb.sheet_names if n.endswith("_Numbers"))
    return name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def to_xlsx(
    sheet: str, values: Sequence[Sequence[object]], *, other_sheets: Sequence[str] = ("Information",)
) -> bytes:
    """The sheet's cells written to an .xlsx at the same worksheet rows (row n of ``values`` = row n+1)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for other in other_sheets:
        ws = wb.create_sheet(other)
        ws.append(["2011 Census: Key Statistics and Quick Statistics for local authorities"])
    ws = wb.create_sheet(sheet)
    for row in values:
        ws.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def qs_row(values: Sequence[Sequence[object]], code: str) -> int:
    """The worksheet row (1-based) of area ``code``."""
    return next(i + 1 for i, r in enumerate(values) if r and r[0] == code)


# ---------------------------------------------------------------------------------------------
# Bad deliveries the pipeline must handle, each built from the real rows

ANGLESEY = "W06000001"
WELSH_NAME = "Ynys M\u00f4n"


def with_welsh_name(header: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[list[list[str]], int]:
    """Bulk rows with the Isle of Anglesey (W06000001, a real row of the LTLA files) under its Welsh
    name, ``Ynys Môn``; returns the rows and that row's index."""
    index = row_index(rows, ANGLESEY)
    return with_cell(header, rows, index, "geography", WELSH_NAME), index


def cp1252_after_utf8_bom(header: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[bytes, int]:
    """The bulk CSV in Windows-1252 behind a UTF-8 byte-order mark, Anglesey named ``Ynys Môn``
    (0xF4 for ``ô``: not UTF-8). Breaks a reader that decodes the whole file as Windows-1252: the
    header then starts ``ï»¿date`` and ``date`` is missing. Returns the bytes and Anglesey's index."""
    renamed, index = with_welsh_name(header, rows)
    return write_csv(header, renamed, encoding="cp1252-after-utf8-bom"), index


def to_unicode_text(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, big_endian: bool = False
) -> bytes:
    """Excel's "Unicode text" export of the bulk CSV: UTF-16 with a byte-order mark, tab-separated."""
    encoding = "utf-16-be-bom" if big_endian else "utf-16-le-bom"
    return write_csv(header, rows, encoding=encoding, delimiter="\t")


def with_repeated_rows(rows: Sequence[Sequence[str]], indices: Sequence[int]) -> list[list[str]]:
    """The rows followed by an exact copy of each ``rows[i]``: an area delivered twice in one file
    (the parser quarantines the repeat, whose cells would be double counted). The k-th copy is data
    row ``len(rows) + k``."""
    return [list(r) for r in rows] + [list(rows[i]) for i in indices]


def with_formula_name(
    header: Sequence[str], rows: Sequence[Sequence[str]], index: int, trigger: str = "="
) -> list[list[str]]:
    """Bulk rows with area ``index``'s name (``geography``) turned into a spreadsheet formula around
    the real name (``asy_d11.formula_text``)."""
    return with_cell(header, rows, index, "geography", formula_text(trigger, rows[index][1]))


def with_extra_column(
    header: Sequence[str], rows: Sequence[Sequence[str]], column: str = "Notes", value: str = "[note 1]"
) -> tuple[list[str], list[list[str]]]:
    """A bulk table with one more column after the last: not a category of the table's variable, so
    the census parser refuses the file as a changed header (it cannot tell a new category from a
    note)."""
    return [*header, column], [[*r, value] for r in rows]


def truncated_xlsx(keep: float = 0.6) -> bytes:
    """The real QS203EW numbers sheet as .xlsx (:func:`to_xlsx`), cut short as an interrupted
    download leaves it."""
    sheet, values = qs_sheet_values()
    return truncated(to_xlsx(sheet, values), keep)


# ---------------------------------------------------------------------------------------------
# TS012 as a Nomis bulk CSV, RECONSTRUCTED from demographr (we do not have Nomis's own file)

TS012_NOMIS_NAME = "census2021-ts012-ltla.csv"
TS012_VARIABLE = "Country of birth"


@functools.cache
def ts012_nomis_bulk_csv() -> bytes:
    """``census2021-ts012-ltla.csv`` RECONSTRUCTED from demographr's long TS012
    (``demographr_country_of_birth21_ltla21_TS012.csv``, itself converted from Nomis's file): NOT
    Nomis's own file, which the project does not have. The exact inverse of demographr's long storage:
    one row per area (file order) with ``date, geography, geography code``, the area's total
    (``total_all_usual_residents``) and one column per category (order of first appearance), every
    count demographr's (``92340.0`` written ``92340``; ``prop`` is value / total, derived, dropped).
    Headers in the grammar of Nomis's bulk files of the same release (TS004's: quoted,
    ``Country of birth: Europe: United Kingdom; measures: Value``), the category path spelled with the
    labels the loader rebuilds from demographr's snake_case names (Nomis's own labels, with their
    parentheses and hyphens, are not in demographr). Built once per session (cached)."""
    from housing_need.sources.ons_census.demographr_long import snake_paths

    with TS012.open(newline="", encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    areas: dict[str, list[dict[str, str]]] = {}
    categories: dict[str, None] = {}
    for line in lines:
        areas.setdefault(line["ltla21_code"], []).append(line)
        categories.setdefault(line["country_of_birth"], None)
    paths = snake_paths(list(categories))

    def count(text: str) -> int:
        number = float(text)
        assert number.is_integer(), text  # demographr's counts are whole numbers stored as doubles
        return int(number)

    header = [
        "date",
        "geography",
        "geography code",
        f"{TS012_VARIABLE}: Total; measures: Value",
        *(f"{TS012_VARIABLE}: {': '.join(paths[c])}; measures: Value" for c in categories),
    ]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow(header)
    for code, area in areas.items():
        by_category = {line["country_of_birth"]: line["value"] for line in area}
        assert len(by_category) == len(area) == len(categories), code  # every category once
        assert len({line["total_all_usual_residents"] for line in area}) == 1, code
        writer.writerow(
            [
                "2021",
                area[0]["ltla21_name"],
                code,
                count(area[0]["total_all_usual_residents"]),
                *(count(by_category[c]) for c in categories),
            ]
        )
    return out.getvalue().encode("utf-8")


# TS052 at LSOA and TS029 at MSOA as Nomis bulk CSVs, RECONSTRUCTED from demographr's conversions
# (Nomis's zips hold every level; the bundle has these levels only from demographr)

SEEDS = ROOT / "dbt_project/seeds/reference"
SMALL_AREAS = {
    # table: (Nomis member name, demographr file, code column, ONS lookup seed with the areas' names)
    "TS052": (
        "census2021-ts052-lsoa.csv",
        TS052_LSOA,
        "lsoa21_code",
        "ref_geographr_lookup_lsoa21_ward24_ltla24.csv",
    ),
    "TS029": ("census2021-ts029-msoa.csv", TS029_MSOA, "msoa21_code", "ref_ons_msoa21_lad23.csv"),
}


def _area_names(seed: str, code_column: str) -> dict[str, str]:
    name_column = code_column.replace("_code", "_name")
    with (SEEDS / seed).open(newline="", encoding="utf-8-sig") as fh:
        return {r[code_column]: r[name_column] for r in csv.DictReader(fh)}


@functools.cache
def small_area_nomis_bulk_csv(table: str) -> tuple[str, bytes]:
    """(Nomis member name, CSV) of ``table`` (TS052 at LSOA, TS029 at MSOA) RECONSTRUCTED from
    demographr's conversion: NOT Nomis's own file. One row per area in demographr's order, every
    count demographr's (``6624.0`` written ``6624``); the headers are the real Nomis headers of the
    same table at LTLA (``census2021-ts052-ltla.csv``), each demographr column matched to the header
    whose last segments are the category the loader maps it to; the area names from the ONS lookups
    the warehouse seeds (demographr has none). demographr's TS029 has no total column, so neither has
    this file (Nomis's has), and its derived proportion is dropped. Built once per session (cached)."""
    from housing_need.sources.ons_census.repackaged import layout_for

    member, path, code_column, seed = SMALL_AREAS[table]
    ltla_header, _ = bulk_table(LTLA_TABLES[table])
    header, rows = bulk_table(path)
    layout = layout_for(set(header))
    assert layout is not None and layout.table == table

    def nomis_column(column: str) -> str:
        category = layout.mapping[column]
        for text in ltla_header[3:]:
            segments = text.split(": ")[1:]
            if (category is None and segments[0] == "Total") or (
                category is not None and tuple(segments[-len(category) :]) == category
            ):
                return text
        raise AssertionError(f"{table}: no Nomis header for demographr's {column!r}")

    columns = [c for c in header if c in layout.mapping]
    names = _area_names(seed, code_column)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "geography", "geography code", *(nomis_column(c) for c in columns)])
    at = [header.index(c) for c in columns]
    for row in rows:
        code = row[header.index(code_column)]
        values = [float(row[i]) for i in at]
        assert all(v.is_integer() for v in values), code
        writer.writerow(["2021", names[code], code, *(int(v) for v in values)])
    return member, out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Nomis's bulk download page: one zip per table holding a CSV per geography level


def nomis_bulk_zips() -> dict[str, bytes]:
    """``census2021-tsNNN.zip`` for every Nomis bulk table the source reads, its members the bundled
    files byte for byte under their Nomis names (``census2021-ts054-ltla.csv``), and, reconstructed
    from demographr, TS012's (:func:`ts012_nomis_bulk_csv`) and the small areas of TS052 (LSOA) and
    TS029 (MSOA) (:func:`small_area_nomis_bulk_csv`). Nomis's zip holds every level from ``oa`` to
    ``ctry``; the bundle has ``ltla`` (and ``ctry``, ``rgn``, ``utla`` for TS054) and these."""
    members: dict[str, dict[str, bytes]] = {}
    for path in sorted(SAMPLE_DIR.glob("census2021-ts*-*.csv")):
        table = path.name.split("-")[1]
        members.setdefault(f"census2021-{table}.zip", {})[path.name] = path.read_bytes()
    members["census2021-ts012.zip"] = {TS012_NOMIS_NAME: ts012_nomis_bulk_csv()}
    for table in SMALL_AREAS:
        member, content = small_area_nomis_bulk_csv(table)
        members[f"census2021-{table.lower()}.zip"][member] = content
    return {name: to_zip(files) for name, files in sorted(members.items())}


# ---------------------------------------------------------------------------------------------
# The 2011 tables where their publishers put them: Nomis's 2011 bulk page and ONS's release page

NOMIS_2021_PAGE = {
    "page_path": "/sources/census_2021_bulk",
    "title": "2021 Census Bulk Data Download",
    "file_dir": "/output/census/2021",
}
NOMIS_2011_PAGE = {
    "page_path": "/census/2011/bulk/r2_2",
    "title": "2011 Census: Bulk Data Download",
    "file_dir": "/output/census/2011",
}
_ONS_2011 = "/ons/rel/census/2011-census/key-statistics-and-quick-statistics-for-local-authorities-in-england-and-wales"
ONS_2011_PAGE = {
    "page_path": f"{_ONS_2011}/index.html",
    "title": "2011 Census: Key Statistics and Quick Statistics for local authorities in England and Wales",
    "file_dir": _ONS_2011,
}


def census_publishers() -> dict[str, Publisher]:
    """The census's pages by discovery name, each listing every file the source reads from it: ``""``
    Nomis's 2021 bulk page (:func:`nomis_bulk_zips`), ``nomis2011`` Nomis's 2011 bulk page (QS405EW),
    ``ons2011`` ONS's 2011 release page (the QS203EW workbook); the 2011 files are the bundled ones,
    byte for byte. Serve each (``publisher.serve``) and point the source at them with :func:`page_env`."""
    return {
        "": Publisher(**NOMIS_2021_PAGE, files=nomis_bulk_zips()),
        "nomis2011": Publisher(**NOMIS_2011_PAGE, files={QS405EW.name: QS405EW.read_bytes()}),
        "ons2011": Publisher(**ONS_2011_PAGE, files={QS203EW.name: QS203EW.read_bytes()}),
    }


def page_env(pages: Mapping[str, Publisher]) -> dict[str, str]:
    """``HOUSING_NEED_ONS_CENSUS[_<PAGE>]_PAGE_URL`` of each served page (HTML pages, as Nomis's and
    ONS's are)."""
    return {
        f"HOUSING_NEED_ONS_CENSUS{'_' + name.upper() if name else ''}_PAGE_URL": page.page_url
        for name, page in pages.items()
    }
