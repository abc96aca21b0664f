"""Census tables that demographr stores long: one line per area and category.

``ltla21_name,ltla21_code,total_all_usual_residents,country_of_birth,value,prop`` (TS012 Country of
birth, detailed, at LTLA; converted from demographr's ``country_of_birth21_ltla21``, see
data/sample/ons_census/README.md). Every line repeats the area's total; ``prop`` is value / total,
derived, and not loaded.

Category names are snake_case paths (``middle_east_and_asia_southern_asia_india``) with aggregates
and leaves mixed. A category's parent is the longest other category of the file whose name is a
prefix of its own followed by ``_`` (the six top-level groups hang under the total), and its label
is what that prefix leaves, with ``_`` read as a space and place names capitalised
(``Southern Asia``, ``India``): the Nomis labels themselves are not in the file, so parentheses and
hyphens of the published labels are not rebuilt. Checked on the real file: every aggregate equals
the sum of its children in every area, and the 59 leaves are the 59 countries and residual groups
of TS012.

Cells come out as the wide layouts' do: one total cell per area (on the area's first line) and one
cell per line. An area whose lines disagree on the total, lack a category of the file, or repeat one,
is quarantined whole (one quarantined row per cell), like a bad wide row; a line that does not
have the header's number of fields is refused as a changed layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...errors import ParseError
from ..conventions import GSS_CODE, label
from ..spec import ParseResult
from .cells import Cells, cells_result, check_duplicate_headers, level_problem
from .hierarchy import build_hierarchy

# Words capitalised in labels (place names and acronyms); every other word stays lower case,
# except the first of a label.
_CAPITALISED = frozenset(
    [
        "europe",
        "united",
        "kingdom",
        "england",
        "northern",
        "ireland",
        "scotland",
        "wales",
        "great",
        "britain",
        "march",
        "april",
        "france",
        "germany",
        "italy",
        "portugal",
        "madeira",
        "azores",
        "spain",
        "canary",
        "islands",
        "lithuania",
        "poland",
        "romania",
        "croatia",
        "turkey",
        "africa",
        "western",
        "eastern",
        "central",
        "southern",
        "north",
        "south",
        "ghana",
        "nigeria",
        "kenya",
        "somalia",
        "zimbabwe",
        "middle",
        "east",
        "asia",
        "iran",
        "iraq",
        "china",
        "hong",
        "kong",
        "afghanistan",
        "india",
        "pakistan",
        "bangladesh",
        "sri",
        "lanka",
        "philippines",
        "malaysia",
        "singapore",
        "americas",
        "caribbean",
        "america",
        "american",
        "states",
        "canada",
        "jamaica",
        "antarctica",
        "oceania",
        "australasia",
        "australia",
        "new",
        "zealand",
    ]
)
_UPPER = {"eu": "EU"}


def snake_label(name: str) -> str:
    """``south_and_eastern_africa`` -> ``South and Eastern Africa``."""
    words = name.split("_")
    out = []
    for i, word in enumerate(words):
        if word in _UPPER:
            out.append(_UPPER[word])
        elif i == 0 or word in _CAPITALISED:
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
    return " ".join(out)


def snake_paths(names: list[str]) -> dict[str, tuple[str, ...]]:
    """Each snake_case category name's path of labels, parents found by prefix."""
    paths: dict[str, tuple[str, ...]] = {}

    def parent_of(name: str) -> str | None:
        best = None
        for other in names:
            if other != name and name.startswith(other + "_") and (best is None or len(other) > len(best)):
                best = other
        return best

    def path(name: str) -> tuple[str, ...]:
        if name not in paths:
            parent = parent_of(name)
            if parent is None:
                paths[name] = (snake_label(name),)
            else:
                paths[name] = path(parent) + (snake_label(name[len(parent) + 1 :]),)
        return paths[name]

    for name in names:
        path(name)
    return paths


@dataclass(frozen=True)
class LongLayout:
    required: tuple[str, ...]
    table: str
    level: str
    code_column: str
    name_column: str
    total_column: str
    category_column: str
    value_column: str
    derived: frozenset[str]
    release: str
    file_format: str
    notes: tuple[str, ...]
    census_year: int = 2021


LONG_LAYOUTS: tuple[LongLayout, ...] = (
    LongLayout(
        required=("ltla21_code", "total_all_usual_residents", "country_of_birth", "value"),
        table="TS012",
        level="ltla",
        code_column="ltla21_code",
        name_column="ltla21_name",
        total_column="total_all_usual_residents",
        category_column="country_of_birth",
        value_column="value",
        derived=frozenset({"prop"}),
        release="census2021-ts012",
        file_format="demographr_long_csv",
        notes=(
            "converted from demographr (country_of_birth21_ltla21), long: one line per area and "
            "category; category labels rebuilt from its snake_case names",
        ),
    ),
)


def long_layout_for(names: set[str]) -> LongLayout | None:
    return next((lay for lay in LONG_LAYOUTS if all(c in names for c in lay.required)), None)


def parse_long(
    layout: LongLayout, header: list[str], records: Iterator[tuple[int, list[str]]], file_name: str
) -> ParseResult:
    """Cells of a long file: its lines grouped by area, each area checked whole then added."""
    names, at = _column_positions(layout, header, file_name)
    areas, order = _lines_by_area(layout, header, at, records, file_name)
    paths = snake_paths(order)
    hierarchy = build_hierarchy(
        [(layout.total_column, None)] + [(c, list(paths[c])) for c in order],
        file_name=file_name,
        table=layout.table,
    )
    cells = Cells(file_name, layout.table, hierarchy)
    width = len(order) + 1
    for code, lines in areas.items():
        first_line, first = lines[0]
        record: dict[str, Any] = {
            "_lines": f"{first_line}-{lines[-1][0]}",
            layout.code_column: code,
            layout.name_column: first[at[layout.name_column]],
        }
        by_category, problem = _area_values(layout, at, code, lines, order)
        if problem is not None:
            numbers = [line for line, _ in lines][:width] + [first_line] * max(0, width - len(lines))
            cells.refuse_row(numbers, record, problem[0], problem[1], problem[2])
            continue
        cells.add(
            [first_line] + [by_category[c][0] for c in order],
            year=layout.census_year,
            level=layout.level,
            level_problem=level_problem(code, layout.level) if GSS_CODE.match(code) else None,
            code=code,
            name=first[at[layout.name_column]].strip(),
            values=[first[at[layout.total_column]]] + [by_category[c][1] for c in order],
            record=record,
            code_column=layout.code_column,
            year_column=None,
        )
    notes = list(layout.notes)
    if layout.derived & set(names):
        notes.append(f"derived column(s) not loaded: {sorted(layout.derived & set(names))}")
    published = {"geography_code": layout.code_column, "geography_name": layout.name_column}
    return cells_result([cells], layout.release, layout.file_format, notes, published)


def _column_positions(
    layout: LongLayout, header: list[str], file_name: str
) -> tuple[list[str], dict[str, int]]:
    """The header's labels and the position of each of the layout's columns; refuses a header
    with a repeated, unexpected or missing column."""
    check_duplicate_headers(header, file_name, 1)
    names = [label(h) for h in header]
    known = {
        layout.code_column,
        layout.name_column,
        layout.total_column,
        layout.category_column,
        layout.value_column,
        *layout.derived,
    }
    for h in names:
        if h and h not in known:
            raise ParseError(
                file_name,
                f"changed header: unexpected column for {layout.table} (expected {sorted(known)})",
                row=1,
                column=h,
            )
    for h in known - layout.derived:
        if h not in names:
            raise ParseError(file_name, f"missing column {h!r} for {layout.table}", row=1, column=h)
    return names, {h: names.index(h) for h in known if h in names}


def _lines_by_area(
    layout: LongLayout,
    header: list[str],
    at: dict[str, int],
    records: Iterator[tuple[int, list[str]]],
    file_name: str,
) -> tuple[dict[str, list[tuple[int, list[str]]]], list[str]]:
    """Lines grouped by area, in file order, and the categories in order of first appearance;
    blank lines skipped, a line without the header's number of fields refused."""
    areas: dict[str, list[tuple[int, list[str]]]] = {}
    categories: dict[str, None] = {}
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise ParseError(
                file_name, f"line has {len(fields)} fields but the header has {len(header)}", row=line
            )
        areas.setdefault(fields[at[layout.code_column]].strip(), []).append((line, fields))
        categories.setdefault(fields[at[layout.category_column]].strip(), None)
    if not areas:
        raise ParseError(file_name, "no area rows after the header")
    return areas, list(categories)


def _area_values(
    layout: LongLayout,
    at: dict[str, int],
    code: str,
    lines: list[tuple[int, list[str]]],
    order: list[str],
) -> tuple[dict[str, tuple[int, str]], tuple[str, Any, str] | None]:
    """Category -> (line, value) of one area, and the (column, value, reason) that refuses the
    area whole (a category repeated or missing, or lines disagreeing on the total), or None."""
    first_line, first = lines[0]
    by_category: dict[str, tuple[int, str]] = {}
    for line, fields in lines:
        category = fields[at[layout.category_column]].strip()
        if category in by_category:
            return by_category, (
                layout.category_column,
                category,
                f"category {category!r} appears twice for area {code} (lines {by_category[category][0]} and {line})",
            )
        if fields[at[layout.total_column]].strip() != first[at[layout.total_column]].strip():
            return by_category, (
                layout.total_column,
                fields[at[layout.total_column]],
                f"area {code}: line {line} gives another total than line {first_line}",
            )
        by_category[category] = (line, fields[at[layout.value_column]])
    if len(by_category) != len(order):
        missing = [c for c in order if c not in by_category]
        return by_category, (
            layout.category_column,
            None,
            f"area {code}: categories missing: {missing[:3]}{' ...' if len(missing) > 3 else ''}",
        )
    return by_category, None
