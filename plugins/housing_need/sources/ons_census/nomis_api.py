"""Nomis API CSV extracts: the long layout, one line per area x category x measure.

Columns ``GEOGRAPHY_CODE``, ``C2021_<VAR>_<N>_NAME``, ``MEASURES_NAME``, ``OBS_VALUE``, ... Only
``MEASURES_NAME == 'Value'`` rows are cells: ``Percent`` rows are derived from the cells, are NOT
counted in ``rows_in_file`` and their number is in ``notes``. Category names there are the bulk
header minus the variable (``Owned: Owns outright``), so the same path rules apply. If no name
carries a path (bare names only), every category is level 1 and additivity is not checked, since
subtotals cannot be told from their children. An API selection may leave out a parent category:
then paths are still read from the labels, and the additivity check is skipped for the file
(noted); an area lacking some categories is checked only on the subtotals whose children are all
there. Table code from the file name (``ts054``), else from the Nomis dataset id or category
column; level from ``GEOGRAPHY_TYPE``, else from the file name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from ...errors import ParseError
from ..conventions import GSS_CODE, label
from ..spec import ParseResult, QuarantinedRow
from .cells import Cells, cells_result, check_duplicate_headers, level_problem, release_name
from .hierarchy import Hierarchy, build_hierarchy

# Dataset ids and category dimensions of the tables this project uses.
NOMIS_DATASETS: dict[str, str] = {
    "NM_2024_1": "TS004",
    "NM_2025_1": "TS005",
    "NM_2035_1": "TS015",
    "NM_2070_1": "TS052",
    "NM_2072_1": "TS054",
}
NOMIS_DIMENSIONS: dict[str, str] = {
    "C2021_COB_12": "TS004",
    "C2021_PASS_18": "TS005",
    "C2021_ARRUK_13": "TS015",
    "C2021_OCCRAT_BEDROOMS_6": "TS052",
    "C2021_TENURE_9": "TS054",
}
_NAME_COLUMNS = frozenset(
    {"DATE_NAME", "GEOGRAPHY_NAME", "MEASURES_NAME", "OBS_STATUS_NAME", "OBS_CONF_NAME", "RECORD_NAME"}
)
_GEOGRAPHY_TYPES: tuple[tuple[str, str], ...] = (
    ("output areas", "oa"),
    ("lower layer", "lsoa"),
    ("middle layer", "msoa"),
    ("district", "ltla"),
    ("county", "utla"),
    ("region", "rgn"),
    ("countr", "ctry"),
)
_TABLE_IN_NAME = re.compile(r"(?<![a-z0-9])(ts\d{3}[a-z]?|qs\d{3}ew|ks\d{3}ew)(?![0-9])", re.I)
_LEVEL_IN_NAME = re.compile(r"(?<![a-z])(ctry|rgn|utla|ltla|msoa|lsoa|oa)(?![a-z])", re.I)
_NOMIS_ID = re.compile(r"nm_\d+_\d+", re.I)


def _api_table(file_name: str, category_column: str) -> str:
    base = PurePath(file_name).name
    if m := _TABLE_IN_NAME.search(base):
        return m[1].upper()
    if m := _NOMIS_ID.search(base):
        table = NOMIS_DATASETS.get(m[0].upper())
        if table:
            return table
    dimension = category_column.upper().removesuffix("_NAME")
    if dimension in NOMIS_DIMENSIONS:
        return NOMIS_DIMENSIONS[dimension]
    raise ParseError(
        file_name,
        f"cannot tell which census table this Nomis API extract holds (category column "
        f"{category_column!r}); name the file after the table, e.g. census2021-ts054-ltla-api.csv",
    )


def _api_level(geography_type: str, file_name: str) -> str | None:
    text = geography_type.casefold()
    for needle, level in _GEOGRAPHY_TYPES:
        if needle in text:
            return level
    m = _LEVEL_IN_NAME.search(PurePath(file_name).name)
    return m[1].lower() if m else None


@dataclass(frozen=True)
class _Columns:
    """Where an API extract keeps what the parse reads (indices into a record's fields)."""

    names: list[str]
    category: str  # the C<...>_NAME column
    table: str
    code: int
    value: int
    cat: int
    name: int | None
    type: int | None
    measure: int | None
    date: int | None


def _columns(header: list[str], file_name: str) -> _Columns:
    check_duplicate_headers(header, file_name, 1)
    upper = {h.strip().upper(): i for i, h in enumerate(header)}
    if "GEOGRAPHY_CODE" not in upper:
        raise ParseError(
            file_name, "Nomis API extract without GEOGRAPHY_CODE", row=1, column="GEOGRAPHY_CODE"
        )
    category_columns = [
        h.strip()
        for h in header
        if h.strip().upper().endswith("_NAME")
        and h.strip().upper().startswith("C")
        and h.strip().upper() not in _NAME_COLUMNS
    ]
    if len(category_columns) != 1:
        raise ParseError(
            file_name,
            f"expected exactly one category column C<...>_NAME (e.g. C2021_TENURE_9_NAME), found "
            f"{category_columns or 'none'}; cross-tabulated extracts are not supported",
            row=1,
        )
    cat_col = category_columns[0]
    return _Columns(
        names=[h.strip() for h in header],
        category=cat_col,
        table=_api_table(file_name, cat_col),
        code=upper["GEOGRAPHY_CODE"],
        value=upper["OBS_VALUE"],
        cat=upper[cat_col.upper()],
        name=upper.get("GEOGRAPHY_NAME"),
        type=upper.get("GEOGRAPHY_TYPE"),
        measure=upper.get("MEASURES_NAME"),
        date=upper.get("DATE_NAME", upper.get("DATE")),
    )


Lines = list[tuple[int, list[str]]]


def _value_rows(
    cols: _Columns, records: Iterator[tuple[int, list[str]]], file_name: str
) -> tuple[dict[tuple[str, str, str], Lines], dict[str, str], dict[str, int]]:
    """The Value rows grouped by (area, year, geography type) in file order, the category labels as
    first published (by normalised label), and the number of rows of each other measure."""
    width = len(cols.names)
    areas: dict[tuple[str, str, str], Lines] = {}
    labels: dict[str, str] = {}  # normalised label -> label as first published
    excluded: dict[str, int] = {}
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) < width:
            fields = fields + [""] * (width - len(fields))
        if cols.measure is not None:
            measure = fields[cols.measure].strip()
            if measure.casefold() != "value":
                excluded[measure] = excluded.get(measure, 0) + 1
                continue
        category = label(fields[cols.cat])
        labels.setdefault(category.casefold(), category)
        year = fields[cols.date].strip() if cols.date is not None else "2021"
        gtype = fields[cols.type].strip() if cols.type is not None else ""
        areas.setdefault((fields[cols.code].strip(), year, gtype), []).append((line, fields))
    if not areas:
        raise ParseError(
            file_name, "no 'Value' rows in this Nomis API extract", row=2, column="MEASURES_NAME"
        )
    return areas, labels, excluded


def _api_hierarchy(labels: Iterable[str], file_name: str, table: str) -> Hierarchy:
    entries: list[tuple[str, list[str] | None]] = []
    for category in labels:
        segments = [s.strip() for s in category.split(": ")]
        entries.append((category, None if segments[0].casefold() == "total" else segments))
    hierarchy = build_hierarchy(entries, file_name=file_name, table=table, row=None, missing_parent_ok=True)
    if hierarchy.checks and all(len(c.path) <= 1 for c in hierarchy.categories):
        # Bare names ('Owns outright', 'Owned'): subtotals cannot be told from their children.
        hierarchy.checks = []
        hierarchy.notes.append(
            f"{table}: category names carry no parent path, so every category is read as level 1 and "
            "subtotal additivity is not checked"
        )
    return hierarchy


class _Collectors:
    """One cell collector per set of categories present (an API selection may leave some out for an
    area: it is then checked only on the subtotals whose children are all there)."""

    def __init__(self, file_name: str, table: str, hierarchy: Hierarchy) -> None:
        self.file_name, self.table, self.hierarchy = file_name, table, hierarchy
        self.whole = Cells(file_name, table, hierarchy)
        self.index = {c.column.casefold(): i for i, c in enumerate(hierarchy.categories)}
        self.parts: dict[tuple[int, ...], Cells] = {}

    def for_categories(self, present: list[int]) -> Cells:
        if len(present) == len(self.hierarchy.categories):
            return self.whole
        key = tuple(present)
        if key not in self.parts:
            cats = [self.hierarchy.categories[i] for i in present]
            pos = {i: n for n, i in enumerate(present)}
            checks = [
                (pos[s], [pos[k] for k in kids])
                for s, kids in self.hierarchy.checks
                if s in pos and all(k in pos for k in kids)
            ]
            self.parts[key] = Cells(self.file_name, self.table, Hierarchy(cats, checks, []))
        return self.parts[key]


def _quarantine_area(
    sub: Cells, cols: _Columns, code: str, lines: Lines, first: int, again: tuple[int, list[str]]
) -> None:
    """An area with a category twice: every row of the area quarantined, the area not loaded."""
    sub.rows_in_file += len(lines)
    sub.areas += 1
    sub.rejected_areas += 1
    repeated = label(again[1][cols.cat])
    for line, fields in lines:
        sub.quarantined.append(
            QuarantinedRow(
                row_number=line,
                column=cols.category,
                value=repeated,
                reason=f"area {code}: category {repeated!r} appears twice (rows {first} and {again[0]})",
                record={**dict(zip(cols.names, fields, strict=False)), "_cell": label(fields[cols.cat])},
            )
        )


def _add_area(
    collectors: _Collectors, cols: _Columns, area: tuple[str, str, str], lines: Lines, file_name: str
) -> None:
    code, year, gtype = area
    index = collectors.index
    by_cat: dict[int, tuple[int, list[str]]] = {}
    duplicate: tuple[int, list[str]] | None = None
    for line, fields in lines:
        i = index[label(fields[cols.cat]).casefold()]
        if i in by_cat:
            duplicate = (line, fields)
        by_cat.setdefault(i, (line, fields))
    present = sorted(by_cat)
    sub = collectors.for_categories(present)
    if duplicate is not None:
        first = by_cat[index[label(duplicate[1][cols.cat]).casefold()]][0]
        _quarantine_area(sub, cols, code, lines, first, duplicate)
        return
    first_fields = lines[0][1]
    level = _api_level(gtype, file_name)
    sub.add(
        [by_cat[i][0] for i in present],
        year=year,
        level=level,
        level_problem=(
            "cannot tell the geography level (no GEOGRAPHY_TYPE and no level in the file name)"
            if level is None
            else level_problem(code, level)
            if GSS_CODE.match(code)
            else None
        ),
        code=code,
        name=first_fields[cols.name].strip() if cols.name is not None else None,
        values=[by_cat[i][1][cols.value] for i in present],
        record=dict(zip(cols.names, first_fields, strict=False)),
        code_column=cols.names[cols.code],
        year_column=cols.names[cols.date] if cols.date is not None else None,
    )


def _result(cols: _Columns, collectors: _Collectors, excluded: dict[str, int]) -> ParseResult:
    notes = []
    if excluded:
        notes.append(
            "measures other than 'Value' are derived, not cells, and are not counted in rows_in_file: "
            + ", ".join(f"{m or '(blank)'}: {n} row(s)" for m, n in sorted(excluded.items()))
        )
    else:
        notes.append("no MEASURES_NAME other than 'Value'")
    parts = collectors.parts
    all_parts = [collectors.whole, *parts.values()]
    if parts:
        notes.append(f"{sum(p.areas for p in parts.values())} area(s) lack some categories of this extract")
    years = Counter(r["census_year"] for p in all_parts for r in p.rows)
    release_year = years.most_common(1)[0][0] if years else (2011 if cols.table.endswith("EW") else 2021)
    published = {"geography_code": cols.names[cols.code]}
    published |= dict.fromkeys(
        ("category_path", "category_label", "parent_path", "source_column"), cols.category
    )
    if cols.name is not None:
        published["geography_name"] = cols.names[cols.name]
    if cols.date is not None:
        published["census_year"] = cols.names[cols.date]
    result = cells_result(
        [p for p in all_parts if p.areas],
        release_name(release_year, cols.table),
        "nomis_api_csv",
        notes,
        published,
    )
    result.rows.sort(key=lambda r: r["_row_number"])
    return result


def parse_api(header: list[str], records: Iterator[tuple[int, list[str]]], file_name: str) -> ParseResult:
    """An API extract: ``header`` read already, ``records`` the lines after it."""
    cols = _columns(header, file_name)
    areas, labels, excluded = _value_rows(cols, records, file_name)
    collectors = _Collectors(file_name, cols.table, _api_hierarchy(labels.values(), file_name, cols.table))
    for area, lines in areas.items():
        _add_area(collectors, cols, area, lines, file_name)
    return _result(cols, collectors, excluded)
