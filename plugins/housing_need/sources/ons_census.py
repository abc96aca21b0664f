"""ONS census tables (Census 2021 topic summaries and 2011 Quick Statistics) as one long table of cells.

Every published cell becomes one canonical row: census year, table, area (level, GSS code, name),
the category's place in the table's classification (path, label, level, parent, whether it is a
subtotal) and the count. Subtotals are kept because they are published cells, and ``is_subtotal``
plus ``parent_path`` let dbt never double count them.

Formats (detected from the file name and the header):

1. Nomis bulk CSV, ``census2021-tsNNN-<level>.csv`` (also ``...-<level>-filtered.csv`` and other
   suffixes): ``date``, ``geography``, ``geography code`` and one wide column per category, e.g.
   ``Tenure of household: Owned: Owns outright`` with or without ``; measures: Value``. The first
   segment is the table's variable; ``Total: All households`` / ``Total`` is the total. Table and
   level come from the file name, which must therefore be the canonical one.
2. Nomis bulk ZIP ``census2021-tsNNN.zip``: every CSV inside (one per level) is parsed as (1);
   other members (metadata) are skipped. Cell ``_row_number`` is the line inside its member; the
   member name is in quarantine records and ``notes``.
3. Nomis API CSV (long: ``GEOGRAPHY_CODE``, ``C2021_<VAR>_<N>_NAME``, ``MEASURES_NAME``,
   ``OBS_VALUE``, ...). Only ``MEASURES_NAME == 'Value'`` rows are cells: ``Percent`` rows are
   derived from the cells, are NOT counted in ``rows_in_file`` and their number is in ``notes``.
   Category names there are the bulk header minus the variable (``Owned: Owns outright``), so the
   same path rules apply. If no name carries a path (bare names only), every category is level 1
   and additivity is not checked, since subtotals cannot be told from their children. An API
   selection may leave out a parent category: then paths are still read from the labels, and the
   additivity check is skipped for the file (noted); an area lacking some categories is checked
   only on the subtotals whose children are all there. Table code from the file name
   (``ts054``), else from the Nomis dataset id or category column; level from ``GEOGRAPHY_TYPE``,
   else from the file name.
4. ONS 2011 Quick Statistics workbook (``QS203EW`` .xls/.xlsx, sheet ``<table>_Numbers``):
   header row starting ``Area code``, then ``Persons``/``Number`` rows, data until the footnotes.
   Level from the GSS code prefix (K04/E92/W92 ctry, E12 rgn, E10/E11/E13 county, E06/E07/E08/
   E09/W06 ltla), cross-checked against the column the name is indented into. Note E11
   (metropolitan counties) and E13 (Inner/Outer London) sit at the workbook's county level and are
   given ``county``. Headers ``Europe: Total`` name the subtotal ``Europe``; ``All categories: ...``
   is the total.
5. Files converted from the demographr R package (see data/sample/ons_census/README.md):
   ``lsoa21_code,total_households,+2 or more (under-occupied),...`` (TS052 at lsoa) and
   ``msoa21_code,Main language is English ...`` (TS029 at msoa). Fixed header maps to the Nomis
   category paths. They carry no area names (``geography_name`` is null). TS029 has no total
   column, so no total cell is emitted (no derived numbers); its top categories still have
   ``parent_path = 'Total'``. demographr's ``Proportion who cannot speak English (well)`` is
   derived and not taken.
6. ONS census-quiz LA extract (``census-quiz-data-2021-v9.csv``): only its TS004 country-of-birth
   subset is taken, as table ``TS004``: ``population_total`` -> ``Total``, ``born_UK_total`` ->
   ``United Kingdom``, ``born_outside_UK_total`` -> ``Outside the United Kingdom`` and each
   ``birth_country_<X>_total`` -> ``Outside the United Kingdom > <X>``. ``*_perc``/``*_change``
   columns are derived and all other topics belong to other tables: none of them are cells here.
   Release ``census2021-ts004-quiz`` so that it never supersedes (or is superseded by) a full
   TS004 release.

Cell accounting. :meth:`ParseResult.check_accounting` compares ``rows_in_file`` with
``len(rows) + len(quarantined)``. This parser turns one area row (line) into many cells, so
``rows_in_file`` is the number of CELLS the file holds (area rows x value columns, or the API's
``Value`` rows), and an area row that is rejected puts one :class:`QuarantinedRow` PER CELL in
quarantine (all naming the offending column, value and reason; ``record['_cell']`` says which
cell), so the identity holds cell by cell. Quarantine is per area row: a non-numeric or blank
cell (including the suppression markers ``..``, ``*``, ``-``, ``c``), a negative count, an area
code not matching ``^[EWSNK][0-9]{8}$`` or not of the file's level, an area repeated in the file, or
a subtotal that is not the sum of its children rejects the whole area row.

Structural problems raise :class:`~housing_need.errors.ParseError` naming file, row and column:
empty file, unrecognised header, missing ``geography code``, duplicate headers, a column not under
the table's variable (a changed header), a category whose parent category is missing from the
file, an unreadable zip or workbook, a file name that does not say which table it holds.

Hierarchy. A category's parent is the header path one segment shorter (compared ignoring case and
runs of white space; the path is spelled as the parent's own header spells it); top-level
categories hang under ``Total``. Two exceptions found in the real data:

* Nomis TS052 headers put a classification title between the variable and every category
  (``Occupancy rating for bedrooms: Occupancy rating of bedrooms: +1``) that is not itself a
  category. When every non-total category shares a first segment that is not a column, it is
  treated as part of the variable and dropped (noted).
* QS203EW (2011): ``Europe: Great Britain not otherwise specified`` and ``Europe: United Kingdom
  not otherwise specified`` are counted inside ``Europe: United Kingdom: Total`` (the UK total is
  England + Northern Ireland + Scotland + Wales + those two), although their headers put them
  directly under Europe. They are placed under ``Europe > United Kingdom`` (see
  ``PARENT_OVERRIDES``).

Additivity (every subtotal = the sum of its children, per area row) is checked wherever it holds.
Checked against the bundled real files it holds in every area row of TS054 (all levels), TS005
passports held (each person is counted once, so the categories do add up to the residents),
TS015, TS052, TS029 and QS203EW (with the override above). It does NOT hold, and is not checked,
for the census-quiz TS004 subset: its countries are a selection of the non-UK-born, and
``population_total`` comes from another table than the UK / non-UK split (they differ by up to
+-12 from cell-key perturbation). See ``NON_ADDITIVE_TABLES``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from ..errors import ParseError
from .conventions import csv_records, decode_text
from .spec import ParseResult, PrivacyClass, QuarantinedRow, SourceSpec

NAME = "ons_census"

COLUMNS: dict[str, str] = {
    "census_year": "INTEGER",
    "table_code": "VARCHAR",
    "geography_level": "VARCHAR",
    "geography_code": "VARCHAR",
    "geography_name": "VARCHAR",
    "category_path": "VARCHAR",
    "category_label": "VARCHAR",
    "category_level": "INTEGER",
    "parent_path": "VARCHAR",
    "is_subtotal": "BOOLEAN",
    "value": "BIGINT",
    "source_column": "VARCHAR",
}

TOTAL = "Total"
PATH_SEP = " > "
GSS_CODE = re.compile(r"^[EWSNK][0-9]{8}$")
SUPPRESSION_MARKERS = frozenset({"..", "*", "-", "c", "[c]", "x", "[x]", ":", "z", "[z]"})

# GSS code prefixes (first three characters) that each geography level may hold.
LEVEL_PREFIXES: dict[str, frozenset[str]] = {
    "ctry": frozenset({"K04", "E92", "W92"}),
    "rgn": frozenset({"E12", "W92"}),  # the Nomis region files include Wales as a whole
    "utla": frozenset({"E06", "E08", "E09", "E10", "E11", "W06"}),
    "ltla": frozenset({"E06", "E07", "E08", "E09", "W06"}),
    "msoa": frozenset({"E02", "W02"}),
    "lsoa": frozenset({"E01", "W01"}),
    "oa": frozenset({"E00", "W00"}),
    "county": frozenset({"E10", "E11", "E13"}),
}
LEVELS = ("ctry", "rgn", "utla", "ltla", "msoa", "lsoa", "oa")

# 2011 workbooks: level by code prefix, and the column (1-3) the area name is indented into.
QS_LEVEL_BY_PREFIX: dict[str, tuple[str, int]] = {
    "K04": ("ctry", 1),
    "E92": ("ctry", 1),
    "W92": ("ctry", 1),
    "E12": ("rgn", 1),
    "E10": ("county", 2),
    "E11": ("county", 2),
    "E13": ("county", 2),
    "E06": ("ltla", 2),
    "E07": ("ltla", 3),
    "E08": ("ltla", 3),
    "E09": ("ltla", 3),
    "W06": ("ltla", 3),
}

# Categories counted inside a subtotal their header does not nest under: (table, child) -> parent,
# as header paths (segments, compared ignoring case).
PARENT_OVERRIDES: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {
    "QS203EW": {
        ("europe", "great britain not otherwise specified"): ("europe", "united kingdom"),
        ("europe", "united kingdom not otherwise specified"): ("europe", "united kingdom"),
    },
}

# Tables (as this parser names them) whose subtotals are not the sum of their children.
NON_ADDITIVE_TABLES: dict[str, str] = {
    "TS004-quiz": (
        "census-quiz subset: the countries are a selection of the non-UK-born and population_total "
        "comes from another table than the UK/non-UK split"
    ),
}

# Nomis API: dataset ids and category dimensions of the tables this project uses.
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
_API_NAME_COLUMNS = frozenset(
    {"DATE_NAME", "GEOGRAPHY_NAME", "MEASURES_NAME", "OBS_STATUS_NAME", "OBS_CONF_NAME", "RECORD_NAME"}
)
_API_GEOGRAPHY_TYPES: tuple[tuple[str, str], ...] = (
    ("output areas", "oa"),
    ("lower layer", "lsoa"),
    ("middle layer", "msoa"),
    ("district", "ltla"),
    ("county", "utla"),
    ("region", "rgn"),
    ("countr", "ctry"),
)

# demographr conversions: header -> category path segments (None = the total); others refused.
DEMOGRAPHR_TS052: dict[str, tuple[str, ...] | None] = {
    "total_households": None,
    "+2 or more (under-occupied)": ("+2 or more",),
    "+1 (under-occupied)": ("+1",),
    "0 (ideal)": ("0",),
    "-1 (overcrowded)": ("-1",),
    "-2 or less (overcrowded)": ("-2 or less",),
}
_NOT_ENGLISH = "Main language is not English (English or Welsh in Wales)"
DEMOGRAPHR_TS029: dict[str, tuple[str, ...] | None] = {
    "Main language is English (English or Welsh in Wales)": (
        "Main language is English (English or Welsh in Wales)",
    ),
    _NOT_ENGLISH: (_NOT_ENGLISH,),
    f"{_NOT_ENGLISH}: Can speak English very well": (_NOT_ENGLISH, "Can speak English very well"),
    f"{_NOT_ENGLISH}: Can speak English well": (_NOT_ENGLISH, "Can speak English well"),
    f"{_NOT_ENGLISH}: Cannot speak English well": (_NOT_ENGLISH, "Cannot speak English well"),
    f"{_NOT_ENGLISH}: Cannot speak English": (_NOT_ENGLISH, "Cannot speak English"),
}
DEMOGRAPHR_DERIVED = frozenset({"Proportion who cannot speak English (well)"})

QUIZ_REQUIRED = ("code", "name", "population_total", "born_UK_total", "born_outside_UK_total")
QUIZ_OUTSIDE_UK = "Outside the United Kingdom"
QUIZ_COUNTRY = re.compile(r"^birth_country_(.+)_total$")
QUIZ_COUNTRY_NAMES = {"USA": "United States"}

_BULK_NAME = re.compile(r"census(\d{4})-(ts\d{3}[a-z]?)(?:-([a-z]+))?", re.I)
_TABLE_IN_NAME = re.compile(r"(?<![a-z0-9])(ts\d{3}[a-z]?|qs\d{3}ew|ks\d{3}ew)(?![0-9])", re.I)
_QS_IN_NAME = re.compile(r"(qs\d{3}ew|ks\d{3}ew)", re.I)
_LEVEL_IN_NAME = re.compile(r"(?<![a-z])(ctry|rgn|utla|ltla|msoa|lsoa|oa)(?![a-z])", re.I)
_NOMIS_ID = re.compile(r"nm_\d+_\d+", re.I)
_MEASURE = re.compile(r";\s*measures:\s*(.*)$", re.I | re.S)
_INT = re.compile(r"^-?\d+(?:\.0+)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
HEADER_SCAN_ROWS = 30


# --------------------------------------------------------------------------------------------
# Small helpers


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _ws(text: str) -> str:
    """Runs of white space (including the newlines some Nomis headers carry) as one space."""
    return " ".join(text.split())


def _key(segments: Sequence[str]) -> tuple[str, ...]:
    return tuple(_ws(s).casefold() for s in segments)


def _count(value: Any) -> int | str:
    """A cell as a count, or the reason it is not one."""
    if isinstance(value, bool):
        return f"expected a whole number >= 0, got {value!r}"
    if isinstance(value, int):
        return value if value >= 0 else f"negative count {value}"
    if isinstance(value, float):
        if value.is_integer():
            return int(value) if value >= 0 else f"negative count {int(value)}"
        return f"expected a whole number >= 0, got {value!r}"
    text = _text(value)
    if not text:
        return "blank cell, expected a whole number >= 0"
    if text.lower() in SUPPRESSION_MARKERS:
        return f"suppression marker {text!r} (count withheld), expected a whole number >= 0"
    if _INT.match(text):
        number = int(text.split(".")[0])
        return number if number >= 0 else f"negative count {number}"
    return f"non-numeric value {text!r}, expected a whole number >= 0"


def _check_duplicates(names: Sequence[str], file_name: str, row: int) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = _ws(name).casefold()
        if not key:
            continue
        if key in seen:
            raise ParseError(
                file_name,
                f"duplicate column header {_ws(name)!r} (columns {seen[key]} and {position})",
                row=row,
                column=_ws(name),
            )
        seen[key] = position


# --------------------------------------------------------------------------------------------
# Category hierarchy


@dataclass(frozen=True)
class Category:
    column: str  # the header text as published
    path: tuple[str, ...]  # () = the table total
    is_subtotal: bool

    @property
    def path_text(self) -> str:
        return PATH_SEP.join(self.path) if self.path else TOTAL

    @property
    def label(self) -> str:
        return self.path[-1] if self.path else TOTAL

    @property
    def parent_text(self) -> str | None:
        if not self.path:
            return None
        return PATH_SEP.join(self.path[:-1]) if len(self.path) > 1 else TOTAL

    def static(self) -> dict[str, Any]:
        return {
            "category_path": self.path_text,
            "category_label": self.label,
            "category_level": len(self.path),
            "parent_path": self.parent_text,
            "is_subtotal": self.is_subtotal,
        }


@dataclass
class Hierarchy:
    categories: list[Category]  # in column order
    checks: list[tuple[int, list[int]]]  # (subtotal index, its children's indices)
    notes: list[str]


def build_hierarchy(
    entries: Sequence[tuple[str, Sequence[str] | None]],
    *,
    file_name: str,
    table: str,
    row: int | None = 1,
    missing_parent_ok: bool = False,
    additive: bool = True,
) -> Hierarchy:
    """Categories from (header, path segments or None for the total) in column order.

    A category's parent is its path minus the last segment (the total for top-level ones). A
    missing parent raises ParseError unless ``missing_parent_ok`` (API selections), in which
    case the path is kept as published and additivity is not checked.
    """
    notes: list[str] = []
    segs: list[tuple[str, ...] | None] = [None if s is None else tuple(_ws(x) for x in s) for _, s in entries]
    totals = [i for i, s in enumerate(segs) if s is None]
    if len(totals) > 1:
        raise ParseError(
            file_name,
            f"more than one total column: {[entries[i][0] for i in totals]}",
            row=row,
            column=entries[totals[1]][0],
        )
    for i, s in enumerate(segs):
        if s is not None and (not s or not all(s)):
            raise ParseError(file_name, "column has an empty category name", row=row, column=entries[i][0])

    keys = {_key(s): i for i, s in enumerate(segs) if s is not None}
    # A classification title shared by every category and not a category itself (Nomis TS052).
    others = [s for s in segs if s is not None]
    if others and all(len(s) >= 2 for s in others):
        first = {s[0].casefold() for s in others}
        if len(first) == 1 and (others[0][0].casefold(),) not in keys:
            notes.append(
                f"{table}: every category sits under {others[0][0]!r}, which is not a category itself; "
                "read as part of the variable name"
            )
            segs = [None if s is None else s[1:] for s in segs]
            keys = {_key(s): i for i, s in enumerate(segs) if s is not None}
    if len(keys) != len([s for s in segs if s is not None]):
        seen: set[tuple[str, ...]] = set()
        for i, s in enumerate(segs):
            if s is None:
                continue
            if _key(s) in seen:
                raise ParseError(
                    file_name,
                    f"category {PATH_SEP.join(s)!r} appears in more than one column",
                    row=row,
                    column=entries[i][0],
                )
            seen.add(_key(s))

    overrides = PARENT_OVERRIDES.get(table, {})
    parent_of: dict[int, int | None] = {}  # index -> parent index (None = the total / not in file)
    paths: dict[int, tuple[str, ...]] = {}
    missing: list[str] = []
    total_index = totals[0] if totals else None

    def resolve(i: int, depth: int = 0) -> tuple[str, ...]:
        if i in paths:
            return paths[i]
        s = segs[i]
        assert s is not None
        key = _key(s)
        parent_key = overrides.get(key, key[:-1])
        if not parent_key:
            parent_of[i], paths[i] = total_index, s
            return s
        parent = keys.get(parent_key)
        if parent is None or depth > len(segs):
            if not missing_parent_ok:
                wanted = PATH_SEP.join(s[: len(parent_key)])
                raise ParseError(
                    file_name,
                    f"missing category: {PATH_SEP.join(s)!r} is published but its parent category "
                    f"{wanted!r} is not in the file",
                    row=row,
                    column=entries[i][0],
                )
            missing.append(PATH_SEP.join(s[: len(parent_key)]))
            parent_of[i], paths[i] = None, s
            return s
        parent_path = resolve(parent, depth + 1)
        parent_of[i], paths[i] = parent, parent_path + (s[-1],)
        if key in overrides:
            notes.append(
                f"{table}: {entries[i][0]!r} is counted in {PATH_SEP.join(parent_path)!r} and placed "
                "under it (its header nests it elsewhere)"
            )
        return paths[i]

    for i, s in enumerate(segs):
        if s is not None:
            resolve(i)

    children: dict[int, list[int]] = {}
    for i, p in parent_of.items():
        if p is not None:
            children.setdefault(p, []).append(i)
    categories = [
        Category(column=entries[i][0], path=() if s is None else paths[i], is_subtotal=i in children)
        for i, s in enumerate(segs)
    ]
    checks: list[tuple[int, list[int]]] = []
    if missing:
        notes.append(
            f"{table}: parent categories not in this extract: {sorted(set(missing))}; subtotal "
            "additivity not checked"
        )
    elif not additive:
        notes.append(
            f"{table}: not additive ({NON_ADDITIVE_TABLES.get(table, 'see module docs')}); not checked"
        )
    else:
        checks = [(p, sorted(c)) for p, c in sorted(children.items())]
    return Hierarchy(categories=categories, checks=checks, notes=notes)


# --------------------------------------------------------------------------------------------
# Area rows -> cells


class _Cells:
    """Collects cells for one table in one file (or zip member) with per-area-row quarantine."""

    def __init__(
        self,
        file_name: str,
        table: str,
        hierarchy: Hierarchy,
        *,
        member: str | None = None,
    ) -> None:
        self.file_name = file_name
        self.table = table
        self.hierarchy = hierarchy
        self.member = member
        self.static = [c.static() for c in hierarchy.categories]
        self.columns = [c.column for c in hierarchy.categories]
        self.rows: list[dict[str, Any]] = []
        self.quarantined: list[QuarantinedRow] = []
        self.rows_in_file = 0
        self.areas = 0
        self.rejected_areas = 0
        self.seen: dict[tuple[int, str, str], int] = {}

    def _reject(
        self,
        row_numbers: Sequence[int],
        record: Mapping[str, Any],
        column: str | None,
        value: Any,
        reason: str,
    ) -> None:
        self.rejected_areas += 1
        text = _text(value)
        base = dict(record)
        if self.member:
            base["_member"] = self.member
        for number, category in zip(row_numbers, self.hierarchy.categories, strict=True):
            self.quarantined.append(
                QuarantinedRow(
                    row_number=number,
                    column=column,
                    value=text if text else None,
                    reason=reason,
                    record={**base, "_cell": category.column},
                )
            )

    def add(
        self,
        row_numbers: Sequence[int],
        *,
        year: Any,
        level: str | None,
        level_problem: str | None,
        code: str,
        name: str | None,
        values: Sequence[Any],
        record: Mapping[str, Any],
        code_column: str,
        year_column: str | None,
    ) -> None:
        """One area row: ``values`` and ``row_numbers`` in category order (one per cell)."""
        cats = self.hierarchy.categories
        self.rows_in_file += len(cats)
        self.areas += 1
        where = f"{self.member}: " if self.member else ""

        census_year: int | None
        if isinstance(year, int):
            census_year = year
        else:
            m = _YEAR.match(_text(year))
            census_year = int(m[1]) if m else None
        if census_year is None:
            self._reject(
                row_numbers,
                record,
                year_column,
                year,
                f"{where}census year must be a year, got {_text(year)!r}",
            )
            return
        if not GSS_CODE.match(code):
            self._reject(
                row_numbers,
                record,
                code_column,
                code,
                f"{where}malformed area code {code!r}: expected a GSS code like E06000016 (^[EWSNK][0-9]{{8}}$)",
            )
            return
        if level_problem is not None or level is None:
            self._reject(row_numbers, record, code_column, code, f"{where}{level_problem}")
            return
        seen_key = (census_year, level, code)
        if seen_key in self.seen:
            self._reject(
                row_numbers,
                record,
                code_column,
                code,
                f"{where}area {code} appears twice in this file (first on row {self.seen[seen_key]}); "
                "a repeated area would be double counted",
            )
            return
        self.seen[seen_key] = row_numbers[0] if row_numbers else 0

        counts: list[int] = []
        problems: list[tuple[str, Any, str]] = []
        for category, raw in zip(cats, values, strict=True):
            got = _count(raw)
            if isinstance(got, str):
                problems.append((category.column, raw, got))
                counts.append(0)
            else:
                counts.append(got)
        if problems:
            column, raw, reason = problems[0]
            more = (
                f" (and {len(problems) - 1} more bad cell(s) in this area row)" if len(problems) > 1 else ""
            )
            self._reject(row_numbers, record, column, raw, f"{where}area {code}: {reason}{more}")
            return
        for subtotal, kids in self.hierarchy.checks:
            expected = sum(counts[k] for k in kids)
            if counts[subtotal] != expected:
                sub = cats[subtotal]
                self._reject(
                    row_numbers,
                    record,
                    sub.column,
                    counts[subtotal],
                    f"{where}area {code}: subtotal {sub.path_text!r} is {counts[subtotal]} but its "
                    f"{len(kids)} child categories sum to {expected}",
                )
                return

        head = {
            "census_year": census_year,
            "table_code": self.table.split("-")[0],
            "geography_level": level,
            "geography_code": code,
            "geography_name": name or None,
        }
        for number, static, column, value in zip(row_numbers, self.static, self.columns, counts, strict=True):
            self.rows.append(
                {**head, **static, "value": value, "source_column": column, "_row_number": number}
            )

    def summary(self) -> str:
        where = f"{self.member}: " if self.member else ""
        return (
            f"{where}{self.table}: {self.areas} area rows x {len(self.hierarchy.categories)} categories = "
            f"{self.rows_in_file} cells; {self.rejected_areas} area row(s) quarantined"
        )


def _level_problem(code: str, level: str) -> str | None:
    allowed = LEVEL_PREFIXES[level]
    if code[:3] in allowed:
        return None
    return f"area code {code!r} is not a {level} code (expected a code starting {', '.join(sorted(allowed))})"


# --------------------------------------------------------------------------------------------
# 1-2. Nomis bulk CSV and ZIP


def _bulk_name(file_name: str, display: str | None = None) -> tuple[int, str, str]:
    base = PurePath(file_name).name
    m = _BULK_NAME.search(base)
    level = (m[3] or "").lower() if m else ""
    if m is None or level not in LEVELS:
        raise ParseError(
            display or file_name,
            "cannot tell the table and geography level from the file name; deliver Nomis bulk files "
            "under their canonical name census2021-tsNNN-<level>.csv "
            f"(level one of {', '.join(LEVELS)}), e.g. census2021-ts054-ltla.csv",
        )
    return int(m[1]), m[2].upper(), level


def _bulk_header(
    header: list[str], file_name: str
) -> tuple[dict[str, int], list[tuple[str, list[str] | None]], str]:
    _check_duplicates(header, file_name, 1)
    lower = {_ws(h).casefold(): i for i, h in enumerate(header)}
    fixed: dict[str, int] = {}
    for name in ("date", "geography", "geography code"):
        if name not in lower:
            raise ParseError(
                file_name,
                f"missing column {name!r}: a Nomis bulk CSV starts date, geography, geography code; "
                f"columns found: {[_ws(h) for h in header[:5]]}...",
                row=1,
                column=name,
            )
        fixed[name] = lower[name]
    value_positions = [i for i in range(len(header)) if i not in fixed.values()]
    if not value_positions:
        raise ParseError(file_name, "no category columns after date, geography, geography code", row=1)
    entries: list[tuple[str, list[str] | None]] = []
    variable: str | None = None
    for i in value_positions:
        raw = header[i]
        text = _ws(raw)
        m = _MEASURE.search(text)
        if m is not None:
            if m[1].strip().casefold() != "value":
                raise ParseError(
                    file_name,
                    f"column measures {m[1].strip()!r}; only '; measures: Value' columns are cells",
                    row=1,
                    column=text,
                )
            text = text[: m.start()].strip()
        segments = [s.strip() for s in text.split(": ")]
        if variable is None:
            variable = segments[0]
        if segments[0].casefold() != variable.casefold() or len(segments) < 2:
            raise ParseError(
                file_name,
                f"changed header: column is not a category of the table's variable {variable!r} "
                f"(expected '{variable}: <category>')",
                row=1,
                column=text,
            )
        cat = segments[1:]
        entries.append((raw, None if cat[0].casefold() == "total" else cat))
    assert variable is not None
    return fixed, entries, variable


def _bulk_cells(content: bytes, file_name: str, *, member: str | None = None) -> _Cells:
    # Errors name the delivered file and, inside a zip, the member.
    display = f"{file_name} (zip member {member})" if member else file_name
    if not content.strip():
        raise ParseError(display, f"file is empty ({len(content)} bytes)")
    _, table, level = _bulk_name(member or file_name, display)
    records = csv_records(decode_text(content, display), display)
    first = next(records, None)
    if first is None:
        raise ParseError(display, "file is empty")
    header = first[1]
    fixed, entries, variable = _bulk_header(header, display)
    hierarchy = build_hierarchy(entries, file_name=display, table=table)
    value_positions = [i for i in range(len(header)) if i not in fixed.values()]
    cells = _Cells(file_name, table, hierarchy, member=member)
    cells.hierarchy.notes.insert(0, f"{table} {level}: variable {variable!r}, {len(entries)} categories")
    names = [_ws(h) for h in header]
    n_header = len(header)
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        record: dict[str, Any] = dict(zip(names, fields, strict=False))
        if len(fields) > n_header:
            record["_extra"] = fields[n_header:]
        code = fields[fixed["geography code"]].strip() if fixed["geography code"] < len(fields) else ""
        values: list[Any] = [fields[i] if i < len(fields) else "" for i in value_positions]
        numbers = [line] * len(value_positions)
        if len(fields) != n_header:
            cells.rows_in_file += len(value_positions)
            cells.areas += 1
            cells._reject(
                numbers,
                record,
                None,
                None,
                f"{member + ': ' if member else ''}row has {len(fields)} fields but the header has {n_header}",
            )
            continue
        cells.add(
            numbers,
            year=fields[fixed["date"]],
            level=level,
            level_problem=_level_problem(code, level) if GSS_CODE.match(code) else None,
            code=code,
            name=fields[fixed["geography"]].strip(),
            values=values,
            record=record,
            code_column=names[fixed["geography code"]],
            year_column=names[fixed["date"]],
        )
    if cells.areas == 0:
        raise ParseError(display, "no area rows after the header")
    return cells


def _result(parts: Sequence[_Cells], release: str, file_format: str, notes: list[str]) -> ParseResult:
    rows: list[dict[str, Any]] = []
    quarantined: list[QuarantinedRow] = []
    for part in parts:
        rows.extend(part.rows)
        quarantined.extend(part.quarantined)
        notes.append(part.summary())
        for note in part.hierarchy.notes:
            if note not in notes:
                notes.append(note)
    notes.append(
        "rows_in_file counts cells (area rows x categories); a rejected area row quarantines one row per cell"
    )
    result = ParseResult(
        rows=rows,
        quarantined=quarantined,
        rows_in_file=sum(p.rows_in_file for p in parts),
        release=release,
        file_format=file_format,
        notes=notes,
    )
    result.check_accounting()
    return result


def _release(year: int, table: str) -> str:
    return f"census{year}-{table.lower()}"


def _parse_bulk_csv(content: bytes, file_name: str) -> ParseResult:
    cells = _bulk_cells(content, file_name)
    year, table, _ = _bulk_name(file_name)
    return _result([cells], _release(year, table), "nomis_bulk_csv", [])


def _parse_zip(content: bytes, file_name: str) -> ParseResult:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ParseError(file_name, f"cannot open zip archive (truncated or not a zip?): {exc}") from None
    csvs = [m for m in members if not m.is_dir() and m.filename.lower().endswith(".csv")]
    skipped = [m.filename for m in members if not m.is_dir() and m not in csvs]
    if not csvs:
        raise ParseError(file_name, f"zip holds no .csv files; members: {[m.filename for m in members]}")
    parts: list[_Cells] = []
    tables: set[tuple[int, str]] = set()
    for member in csvs:
        try:
            data = archive.read(member)
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            raise ParseError(
                file_name, f"cannot read zip member {member.filename!r} (truncated archive?): {exc}"
            ) from None
        year, table, _ = _bulk_name(member.filename, f"{file_name} (zip member {member.filename})")
        tables.add((year, table))
        parts.append(_bulk_cells(data, file_name, member=member.filename))
    if len(tables) > 1:
        raise ParseError(
            file_name, f"zip mixes tables {sorted(t for _, t in tables)}; deliver one table per zip"
        )
    year, table = tables.pop()
    notes = [f"zip: parsed {len(csvs)} CSV member(s); skipped {len(skipped)} other member(s): {skipped}"]
    return _result(parts, _release(year, table), "nomis_bulk_zip", notes)


# --------------------------------------------------------------------------------------------
# 3. Nomis API CSV (long)


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
    for needle, level in _API_GEOGRAPHY_TYPES:
        if needle in text:
            return level
    m = _LEVEL_IN_NAME.search(PurePath(file_name).name)
    return m[1].lower() if m else None


def _parse_api(header: list[str], records: Iterator[tuple[int, list[str]]], file_name: str) -> ParseResult:
    _check_duplicates(header, file_name, 1)
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
        and h.strip().upper() not in _API_NAME_COLUMNS
    ]
    if len(category_columns) != 1:
        raise ParseError(
            file_name,
            f"expected exactly one category column C<...>_NAME (e.g. C2021_TENURE_9_NAME), found "
            f"{category_columns or 'none'}; cross-tabulated extracts are not supported",
            row=1,
        )
    cat_col = category_columns[0]
    table = _api_table(file_name, cat_col)
    i_code, i_value, i_cat = upper["GEOGRAPHY_CODE"], upper["OBS_VALUE"], upper[cat_col.upper()]
    i_name = upper.get("GEOGRAPHY_NAME")
    i_type = upper.get("GEOGRAPHY_TYPE")
    i_measure = upper.get("MEASURES_NAME")
    i_date = upper.get("DATE_NAME", upper.get("DATE"))
    names = [h.strip() for h in header]

    # Group Value rows by area, keeping file order.
    areas: dict[tuple[str, str, str], list[tuple[int, list[str]]]] = {}
    labels: dict[str, str] = {}  # normalised label -> label as first published
    excluded: dict[str, int] = {}
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) < len(header):
            fields = fields + [""] * (len(header) - len(fields))
        if i_measure is not None:
            measure = fields[i_measure].strip()
            if measure.casefold() != "value":
                excluded[measure] = excluded.get(measure, 0) + 1
                continue
        label = _ws(fields[i_cat])
        labels.setdefault(label.casefold(), label)
        year = fields[i_date].strip() if i_date is not None else "2021"
        gtype = fields[i_type].strip() if i_type is not None else ""
        areas.setdefault((fields[i_code].strip(), year, gtype), []).append((line, fields))
    if not areas:
        raise ParseError(
            file_name, "no 'Value' rows in this Nomis API extract", row=2, column="MEASURES_NAME"
        )

    entries: list[tuple[str, list[str] | None]] = []
    for label in labels.values():
        segments = [s.strip() for s in label.split(": ")]
        entries.append((label, None if segments[0].casefold() == "total" else segments))
    hierarchy = build_hierarchy(entries, file_name=file_name, table=table, row=None, missing_parent_ok=True)
    if hierarchy.checks and all(len(c.path) <= 1 for c in hierarchy.categories):
        # Bare names ('Owns outright', 'Owned'): subtotals cannot be told from their children.
        hierarchy.checks = []
        hierarchy.notes.append(
            f"{table}: category names carry no parent path, so every category is read as level 1 and "
            "subtotal additivity is not checked"
        )
    index = {c.column.casefold(): i for i, c in enumerate(hierarchy.categories)}

    parts: dict[tuple[int, ...], _Cells] = {}  # one collector per category set (areas may lack categories)
    collector = _Cells(file_name, table, hierarchy)
    for (code, year, gtype), lines in areas.items():
        by_cat: dict[int, tuple[int, list[str]]] = {}
        duplicate: tuple[int, list[str]] | None = None
        for line, fields in lines:
            i = index[_ws(fields[i_cat]).casefold()]
            if i in by_cat:
                duplicate = (line, fields)
            by_cat.setdefault(i, (line, fields))
        present = sorted(by_cat)
        sub = collector
        if len(present) != len(hierarchy.categories):
            # This area lacks some categories: check only subtotals whose children are all here.
            key = tuple(present)
            if key not in parts:
                cats = [hierarchy.categories[i] for i in present]
                pos = {i: n for n, i in enumerate(present)}
                checks = [
                    (pos[s], [pos[k] for k in kids])
                    for s, kids in hierarchy.checks
                    if s in pos and all(k in pos for k in kids)
                ]
                parts[key] = _Cells(file_name, table, Hierarchy(cats, checks, []))
            sub = parts[key]
        first_fields = lines[0][1]
        record = dict(zip(names, first_fields, strict=False))
        numbers = [by_cat[i][0] for i in present]
        if duplicate is not None:
            sub.rows_in_file += len(lines)
            sub.areas += 1
            sub.rejected_areas += 1
            for line, fields in lines:
                sub.quarantined.append(
                    QuarantinedRow(
                        row_number=line,
                        column=cat_col,
                        value=_ws(duplicate[1][i_cat]),
                        reason=f"area {code}: category {_ws(duplicate[1][i_cat])!r} appears twice "
                        f"(rows {by_cat[index[_ws(duplicate[1][i_cat]).casefold()]][0]} and {duplicate[0]})",
                        record={**dict(zip(names, fields, strict=False)), "_cell": _ws(fields[i_cat])},
                    )
                )
            continue
        level = _api_level(gtype, file_name)
        sub.add(
            numbers,
            year=year,
            level=level,
            level_problem=(
                "cannot tell the geography level (no GEOGRAPHY_TYPE and no level in the file name)"
                if level is None
                else _level_problem(code, level)
                if GSS_CODE.match(code)
                else None
            ),
            code=code,
            name=first_fields[i_name].strip() if i_name is not None else None,
            values=[by_cat[i][1][i_value] for i in present],
            record=record,
            code_column=names[i_code],
            year_column=names[i_date] if i_date is not None else None,
        )
    notes = []
    if excluded:
        notes.append(
            "measures other than 'Value' are derived, not cells, and are not counted in rows_in_file: "
            + ", ".join(f"{m or '(blank)'}: {n} row(s)" for m, n in sorted(excluded.items()))
        )
    else:
        notes.append("no MEASURES_NAME other than 'Value'")
    all_parts = [collector, *parts.values()]
    if parts:
        notes.append(f"{sum(p.areas for p in parts.values())} area(s) lack some categories of this extract")
    years = Counter(r["census_year"] for r in (*collector.rows, *(x for p in parts.values() for x in p.rows)))
    release_year = years.most_common(1)[0][0] if years else (2011 if table.endswith("EW") else 2021)
    result = _result([p for p in all_parts if p.areas], _release(release_year, table), "nomis_api_csv", notes)
    result.rows.sort(key=lambda r: r["_row_number"])
    return result


# --------------------------------------------------------------------------------------------
# 5-6. demographr conversions and the ONS census-quiz extract


def _parse_mapped(
    header: list[str],
    records: Iterator[tuple[int, list[str]]],
    file_name: str,
    *,
    table: str,
    code_column: str,
    name_column: str | None,
    mapping: Mapping[str, tuple[str, ...] | None],
    ignore: frozenset[str] = frozenset(),
    ignore_others: bool = False,
    accept: Callable[[str], tuple[str, ...] | None] | None = None,
    level_of: Callable[[str], tuple[str | None, str | None]],
    additive: bool,
    release: str,
    file_format: str,
    notes: list[str],
) -> ParseResult:
    """Wide CSVs whose category columns are known by name (``mapping``)."""
    _check_duplicates(header, file_name, 1)
    names = [_ws(h) for h in header]
    if code_column not in names:
        raise ParseError(file_name, f"missing column {code_column!r}", row=1, column=code_column)
    ignored: list[str] = []
    entries: list[tuple[str, list[str] | None]] = []
    positions: list[int] = []
    for i, h in enumerate(names):
        if h in (code_column, name_column):
            continue
        if h in mapping:
            segs = mapping[h]
            entries.append((h, None if segs is None else list(segs)))
            positions.append(i)
        elif accept is not None and (segs := accept(h)) is not None:
            entries.append((h, list(segs)))
            positions.append(i)
        elif h in ignore or ignore_others:
            ignored.append(h)
        else:
            raise ParseError(
                file_name,
                f"changed header: unexpected column for {table} (expected {list(mapping)})",
                row=1,
                column=h,
            )
    for h in mapping:
        if h not in names:
            raise ParseError(file_name, f"missing column {h!r} for {table}", row=1, column=h)
    hierarchy = build_hierarchy(entries, file_name=file_name, table=table, additive=additive)
    cells = _Cells(file_name, table, hierarchy)
    i_code = names.index(code_column)
    i_name = names.index(name_column) if name_column else None
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        record = dict(zip(names, fields, strict=False))
        if len(fields) != len(header):
            cells.rows_in_file += len(positions)
            cells.areas += 1
            cells._reject(
                [line] * len(positions),
                record,
                None,
                None,
                f"row has {len(fields)} fields but the header has {len(header)}",
            )
            continue
        code = fields[i_code].strip()
        level, problem = level_of(code) if GSS_CODE.match(code) else (None, None)
        cells.add(
            [line] * len(positions),
            year=2021,
            level=level,
            level_problem=problem,
            code=code,
            name=fields[i_name].strip() if i_name is not None else None,
            values=[fields[i] for i in positions],
            record=record,
            code_column=code_column,
            year_column=None,
        )
    if cells.areas == 0:
        raise ParseError(file_name, "no area rows after the header")
    if ignored:
        notes.append(f"{len(ignored)} column(s) are not cells of {table} and were not taken: {ignored}")
    return _result([cells], release, file_format, notes)


def _fixed_level(level: str) -> Callable[[str], tuple[str | None, str | None]]:
    def level_of(code: str) -> tuple[str | None, str | None]:
        return level, _level_problem(code, level)

    return level_of


def _quiz_level(code: str) -> tuple[str | None, str | None]:
    for level in ("ctry", "ltla"):
        if code[:3] in LEVEL_PREFIXES[level]:
            return level, None
    return None, f"area code {code!r} is neither a country nor a local authority code"


def _quiz_country(header: str) -> tuple[str, ...] | None:
    m = QUIZ_COUNTRY.match(header)
    if m is None:
        return None
    token = m[1]
    name = QUIZ_COUNTRY_NAMES.get(token) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", token)
    return (QUIZ_OUTSIDE_UK, name)


# --------------------------------------------------------------------------------------------
# 4. 2011 Quick Statistics workbook


def _parse_qs_workbook(content: bytes, file_name: str) -> ParseResult:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_object(io.BytesIO(content))
        sheets = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise ParseError(
            file_name, f"cannot open workbook (truncated or not .xls/.xlsx?): {type(exc).__name__}: {exc}"
        ) from None
    numbers = [s for s in sheets if s.strip().lower().endswith("_numbers")]
    if len(numbers) != 1:
        raise ParseError(file_name, f"expected one '<table>_Numbers' sheet; sheets: {sheets}")
    sheet = numbers[0]
    try:
        values = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:
        raise ParseError(
            file_name, f"cannot read sheet {sheet!r} (corrupt workbook?): {type(exc).__name__}: {exc}"
        ) from None
    table = sheet.strip()[: -len("_numbers")].upper()
    if not _QS_IN_NAME.fullmatch(table):
        raise ParseError(file_name, f"sheet {sheet!r} does not name a 2011 QS/KS table")

    header_at = next(
        (
            i
            for i, row in enumerate(values[:HEADER_SCAN_ROWS])
            if row and _ws(_text(row[0])).casefold() == "area code"
        ),
        None,
    )
    if header_at is None:
        raise ParseError(
            file_name, f"sheet {sheet!r}: no 'Area code' header row in the first {HEADER_SCAN_ROWS} rows"
        )
    header = [_ws(_text(c)) for c in values[header_at]]
    header_row = header_at + 1
    _check_duplicates(header, file_name, header_row)
    value_positions = [i for i, h in enumerate(header) if i >= 2 and h]
    if not value_positions or header[1].casefold() != "area name":
        raise ParseError(
            file_name,
            "header not recognised: expected 'Area code', 'Area name', then categories",
            row=header_row,
        )
    name_positions = list(range(1, value_positions[0]))
    entries: list[tuple[str, list[str] | None]] = []
    for i in value_positions:
        h = header[i]
        if h.casefold().startswith("all categories") or h.casefold() == "all usual residents":
            entries.append((h, None))
            continue
        segments = [s.strip() for s in h.split(": ")]
        if len(segments) > 1 and segments[-1].casefold() == "total":
            segments = segments[:-1]
        entries.append((h, segments))
    hierarchy = build_hierarchy(entries, file_name=file_name, table=table, row=header_row)
    cells = _Cells(file_name, table, hierarchy)

    units: list[str] = []
    index = header_at + 1
    while index < len(values) and not (values[index] and _text(values[index][0])):
        units.extend(_text(values[index][i]) for i in value_positions[:1] if i < len(values[index]))
        index += 1
    if any(u.casefold() in ("percentage", "percent", "rank") for u in units):
        raise ParseError(file_name, f"sheet {sheet!r} holds {units} not counts", row=header_row + 1)

    footnote_at: int | None = None
    for i in range(index, len(values)):
        row = list(values[i]) + [""] * (len(header) - len(values[i]))
        row_number = i + 1
        first = _text(row[0])
        cell_values = [row[p] for p in value_positions]
        has_values = any(_text(v) for v in cell_values)
        if not first and not has_values:
            continue
        if not has_values and not GSS_CODE.match(first):
            footnote_at = row_number
            break
        record = {h or f"column {n + 1}": _text(row[n]) for n, h in enumerate(header)}
        names = [(p, _text(row[p])) for p in name_positions if _text(row[p])]
        name = names[0][1] if names else None
        level: str | None = None
        problem: str | None = None
        if GSS_CODE.match(first):
            known = QS_LEVEL_BY_PREFIX.get(first[:3])
            if known is None:
                problem = f"unknown area code prefix {first[:3]!r} in {first!r}"
            else:
                level, indent = known
                if names and names[0][0] != indent:
                    problem = (
                        f"area {first} ({level}) has its name in column {names[0][0] + 1}, "
                        f"expected column {indent + 1}"
                    )
        cells.add(
            [row_number] * len(value_positions),
            year=2011,
            level=level,
            level_problem=problem,
            code=first,
            name=name,
            values=cell_values,
            record=record,
            code_column=header[0],
            year_column=None,
        )
    if cells.areas == 0:
        raise ParseError(file_name, f"sheet {sheet!r}: no area rows below the header", row=header_row)
    notes = [f"sheet {sheet!r}: header on row {header_row}, {len(value_positions)} categories"]
    if footnote_at:
        notes.append(
            f"data block ends at row {footnote_at} (footnotes: {_text(values[footnote_at - 1][0])!r})"
        )
    return _result([cells], f"census2011-{table.lower()}", "ons_2011_qs_workbook", notes)


# --------------------------------------------------------------------------------------------
# Dispatch


def _parse_csv(content: bytes, file_name: str) -> ParseResult:
    if content.startswith(b"PK\x03\x04"):
        raise ParseError(file_name, "file is a zip archive but is named .csv")
    records = csv_records(decode_text(content, file_name), file_name)
    first = next(records, None)
    if first is None or not any(f.strip() for f in first[1]):
        raise ParseError(file_name, "file is empty (no header row)", row=1)
    header = first[1]
    names = {_ws(h) for h in header}
    upper = {h.strip().upper() for h in header}
    lower = {n.casefold() for n in names}
    if "OBS_VALUE" in upper:
        return _parse_api(header, records, file_name)
    if lower & {"date", "geography", "geography code"}:
        return _parse_bulk_csv(content, file_name)
    if "lsoa21_code" in names and "total_households" in names:
        return _parse_mapped(
            header,
            records,
            file_name,
            table="TS052",
            code_column="lsoa21_code",
            name_column=None,
            mapping=DEMOGRAPHR_TS052,
            level_of=_fixed_level("lsoa"),
            additive=True,
            release="census2021-ts052",
            file_format="demographr_csv",
            notes=["converted from demographr (household_overcrowding21_lsoa21); no area names in the file"],
        )
    if "msoa21_code" in names:
        return _parse_mapped(
            header,
            records,
            file_name,
            table="TS029",
            code_column="msoa21_code",
            name_column=None,
            mapping=DEMOGRAPHR_TS029,
            ignore=DEMOGRAPHR_DERIVED,
            level_of=_fixed_level("msoa"),
            additive=True,
            release="census2021-ts029",
            file_format="demographr_csv",
            notes=[
                "converted from demographr (proficiency21_msoa21); no area names in the file",
                "TS029: the file has no usual-residents total column, so no 'Total' cell is emitted "
                "(no derived numbers); top categories still have parent_path 'Total'",
            ],
        )
    if all(c in names for c in QUIZ_REQUIRED):
        return _parse_mapped(
            header,
            records,
            file_name,
            table="TS004-quiz",
            code_column="code",
            name_column="name",
            mapping={
                "population_total": None,
                "born_UK_total": ("United Kingdom",),
                "born_outside_UK_total": (QUIZ_OUTSIDE_UK,),
            },
            accept=_quiz_country,
            ignore_others=True,
            level_of=_quiz_level,
            additive=False,
            release="census2021-ts004-quiz",
            file_format="ons_census_quiz_csv",
            notes=["ONS census-quiz LA extract: TS004 subset only (UK / outside UK and selected countries)"],
        )
    raise ParseError(
        file_name,
        "header not recognised: expected a Nomis bulk CSV (date, geography, geography code, ...), a "
        "Nomis API CSV (GEOGRAPHY_CODE, C2021_..._NAME, OBS_VALUE), a demographr TS052/TS029 file or the "
        f"ONS census-quiz extract; first columns: {[_ws(h) for h in header[:5]]}",
        row=1,
    )


def parse(content: bytes, file_name: str) -> ParseResult:
    """Parse one census delivery (.csv, .zip, .xls, .xlsx) into cells plus quarantined cells."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in SOURCE_EXTENSIONS:
        raise ParseError(
            file_name,
            f"unsupported file extension {suffix or '(none)'!r}; expected {', '.join(SOURCE_EXTENSIONS)}",
        )
    if not content.strip():
        raise ParseError(file_name, f"file is empty ({len(content)} bytes)")
    if suffix == ".zip":
        return _parse_zip(content, file_name)
    if suffix in (".xls", ".xlsx"):
        return _parse_qs_workbook(content, file_name)
    return _parse_csv(content, file_name)


SOURCE_EXTENSIONS = (".csv", ".xls", ".xlsx", ".zip")

SOURCE = SourceSpec(
    name=NAME,
    raw_table="ons_census__cells",
    columns=COLUMNS,
    parse=parse,
    file_extensions=SOURCE_EXTENSIONS,
    # Census outputs are decennial; ONS issues corrections per table rarely and without a
    # timetable, so a monthly check for a changed file is enough.
    cadence="@monthly",
    publisher="Office for National Statistics, Census 2021 and 2011 (via Nomis)",
    licence="Open Government Licence v3.0",
    privacy=PrivacyClass.OPEN,
    row_outcomes_model="census_cell_outcomes",
    # One file row becomes many cells, and a zip holds one member per level (each numbered from 1).
    file_row_key=("_row_number", "geography_level"),
)
