"""Census tables as re-packaged by others: wide CSVs whose category columns are known by name.

* Files converted from the demographr R package (see data/sample/ons_census/README.md):
  ``lsoa21_code,total_households,+2 or more (under-occupied),...`` (TS052 at lsoa) and
  ``msoa21_code,Main language is English ...`` (TS029 at msoa). Fixed header maps to the Nomis
  category paths. They carry no area names (``geography_name`` is null). TS029 has no total
  column, so no total cell is emitted (no derived numbers); its top categories still have
  ``parent_path = 'Total'``. demographr's ``Proportion who cannot speak English (well)`` is
  derived and not taken.
* ONS census-quiz LA extract (``census-quiz-data-2021-v9.csv``): only its TS004 country-of-birth
  subset is taken, as table ``TS004``: ``population_total`` -> ``Total``, ``born_UK_total`` ->
  ``United Kingdom``, ``born_outside_UK_total`` -> ``Outside the United Kingdom`` and each
  ``birth_country_<X>_total`` -> ``Outside the United Kingdom > <X>``. ``*_perc``/``*_change``
  columns are derived and all other topics belong to other tables: none of them are cells here.
  Release ``census2021-ts004-quiz`` so that it never supersedes (or is superseded by) a full
  TS004 release.

Each is a :class:`Layout`; :func:`layout_for` recognises one from the header.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

from ...errors import ParseError
from ..conventions import GSS_CODE, label
from ..spec import ParseResult
from .cells import LEVEL_PREFIXES, Cells, cells_result, check_duplicate_headers, level_problem
from .hierarchy import build_hierarchy

# Header -> category path segments (None = the total); other columns are refused unless ignored.
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


def _fixed_level(level: str) -> Callable[[str], tuple[str | None, str | None]]:
    def level_of(code: str) -> tuple[str | None, str | None]:
        return level, level_problem(code, level)

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


@dataclass(frozen=True)
class Layout:
    """A re-packaged wide CSV: which columns are the area and which are cells of which table."""

    required: Collection[str]  # header names that identify the layout
    table: str
    code_column: str
    name_column: str | None
    mapping: Mapping[str, tuple[str, ...] | None]
    level_of: Callable[[str], tuple[str | None, str | None]]  # code -> (level, problem)
    additive: bool
    release: str
    file_format: str
    notes: tuple[str, ...]
    ignore: frozenset[str] = frozenset()
    ignore_others: bool = False
    accept: Callable[[str], tuple[str, ...] | None] | None = None  # other headers that are cells
    census_year: int = 2021


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        required=("lsoa21_code", "total_households"),
        table="TS052",
        code_column="lsoa21_code",
        name_column=None,
        mapping=DEMOGRAPHR_TS052,
        level_of=_fixed_level("lsoa"),
        additive=True,
        release="census2021-ts052",
        file_format="demographr_csv",
        notes=("converted from demographr (household_overcrowding21_lsoa21); no area names in the file",),
    ),
    Layout(
        required=("msoa21_code",),
        table="TS029",
        code_column="msoa21_code",
        name_column=None,
        mapping=DEMOGRAPHR_TS029,
        ignore=DEMOGRAPHR_DERIVED,
        level_of=_fixed_level("msoa"),
        additive=True,
        release="census2021-ts029",
        file_format="demographr_csv",
        notes=(
            "converted from demographr (proficiency21_msoa21); no area names in the file",
            "TS029: the file has no usual-residents total column, so no 'Total' cell is emitted "
            "(no derived numbers); top categories still have parent_path 'Total'",
        ),
    ),
    Layout(
        required=QUIZ_REQUIRED,
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
        notes=("ONS census-quiz LA extract: TS004 subset only (UK / outside UK and selected countries)",),
    ),
)


def layout_for(names: Collection[str]) -> Layout | None:
    """The layout whose identifying columns are all in the header ``names``, if any."""
    return next((layout for layout in LAYOUTS if all(c in names for c in layout.required)), None)


def parse_repackaged(
    layout: Layout, header: list[str], records: Iterator[tuple[int, list[str]]], file_name: str
) -> ParseResult:
    """A re-packaged file: ``header`` read already, ``records`` the lines after it."""
    table = layout.table
    check_duplicate_headers(header, file_name, 1)
    names = [label(h) for h in header]
    if layout.code_column not in names:
        raise ParseError(
            file_name, f"missing column {layout.code_column!r}", row=1, column=layout.code_column
        )
    ignored: list[str] = []
    entries: list[tuple[str, list[str] | None]] = []
    positions: list[int] = []
    for i, h in enumerate(names):
        if h in (layout.code_column, layout.name_column):
            continue
        if h in layout.mapping:
            segs = layout.mapping[h]
            entries.append((h, None if segs is None else list(segs)))
            positions.append(i)
        elif layout.accept is not None and (segs := layout.accept(h)) is not None:
            entries.append((h, list(segs)))
            positions.append(i)
        elif h in layout.ignore or layout.ignore_others:
            ignored.append(h)
        else:
            raise ParseError(
                file_name,
                f"changed header: unexpected column for {table} (expected {list(layout.mapping)})",
                row=1,
                column=h,
            )
    for h in layout.mapping:
        if h not in names:
            raise ParseError(file_name, f"missing column {h!r} for {table}", row=1, column=h)
    hierarchy = build_hierarchy(entries, file_name=file_name, table=table, additive=layout.additive)
    cells = Cells(file_name, table, hierarchy)
    i_code = names.index(layout.code_column)
    i_name = names.index(layout.name_column) if layout.name_column else None
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        record = dict(zip(names, fields, strict=False))
        numbers = [line] * len(positions)
        if len(fields) != len(header):
            cells.reject_malformed(
                numbers, record, f"row has {len(fields)} fields but the header has {len(header)}"
            )
            continue
        code = fields[i_code].strip()
        level, problem = layout.level_of(code) if GSS_CODE.match(code) else (None, None)
        cells.add(
            numbers,
            year=layout.census_year,
            level=level,
            level_problem=problem,
            code=code,
            name=fields[i_name].strip() if i_name is not None else None,
            values=[fields[i] for i in positions],
            record=record,
            code_column=layout.code_column,
            year_column=None,
        )
    if cells.areas == 0:
        raise ParseError(file_name, "no area rows after the header")
    notes = list(layout.notes)
    if ignored:
        notes.append(f"{len(ignored)} column(s) are not cells of {table} and were not taken: {ignored}")
    published = {"geography_code": layout.code_column}
    if layout.name_column:
        published["geography_name"] = layout.name_column
    return cells_result([cells], layout.release, layout.file_format, notes, published)
