"""A census table's categories as a hierarchy, read from the column headers, and the additivity checks.

A category's parent is the header path one segment shorter (compared ignoring case and runs of
white space; the path is spelled as the parent's own header spells it); top-level categories hang
under ``Total``. Two exceptions found in the real data:

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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import ParseError
from ..conventions import label

TOTAL = "Total"
PATH_SEP = " > "

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


def category_key(segments: Sequence[str]) -> tuple[str, ...]:
    """A path as compared: each segment white-space collapsed and case-folded."""
    return tuple(label(s).casefold() for s in segments)


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
        """The cell columns that are the same for every area."""
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


Segments = list[tuple[str, ...] | None]  # per column: the category path, None for the total


def _segments(
    entries: Sequence[tuple[str, Sequence[str] | None]], file_name: str, row: int | None
) -> Segments:
    """Each column's path as labels; at most one total column and no empty category name."""
    segs: Segments = [None if s is None else tuple(label(x) for x in s) for _, s in entries]
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
    return segs


def _keys(segs: Segments) -> dict[tuple[str, ...], int]:
    return {category_key(s): i for i, s in enumerate(segs) if s is not None}


def _without_shared_title(segs: Segments, table: str, notes: list[str]) -> Segments:
    """A classification title shared by every category and not a category itself (Nomis TS052) is
    read as part of the variable name."""
    others = [s for s in segs if s is not None]
    if others and all(len(s) >= 2 for s in others):
        first = {s[0].casefold() for s in others}
        if len(first) == 1 and (others[0][0].casefold(),) not in _keys(segs):
            notes.append(
                f"{table}: every category sits under {others[0][0]!r}, which is not a category itself; "
                "read as part of the variable name"
            )
            return [None if s is None else s[1:] for s in segs]
    return segs


def _check_unique(
    segs: Segments, entries: Sequence[tuple[str, Sequence[str] | None]], file_name: str, row: int | None
) -> None:
    seen: set[tuple[str, ...]] = set()
    for i, s in enumerate(segs):
        if s is None:
            continue
        if category_key(s) in seen:
            raise ParseError(
                file_name,
                f"category {PATH_SEP.join(s)!r} appears in more than one column",
                row=row,
                column=entries[i][0],
            )
        seen.add(category_key(s))


class _Parents:
    """Each category's parent (its path minus the last segment, or the table's override) and its
    path under that parent; a parent not in the file is an error, or noted when ``missing_ok``."""

    def __init__(
        self,
        segs: Segments,
        entries: Sequence[tuple[str, Sequence[str] | None]],
        *,
        file_name: str,
        table: str,
        row: int | None,
        missing_ok: bool,
        notes: list[str],
    ) -> None:
        self.segs, self.entries, self.file_name, self.table, self.row = segs, entries, file_name, table, row
        self.missing_ok, self.notes = missing_ok, notes
        self.keys = _keys(segs)
        self.overrides = PARENT_OVERRIDES.get(table, {})
        self.total = next((i for i, s in enumerate(segs) if s is None), None)
        self.parent_of: dict[int, int | None] = {}  # index -> parent index (None = the total / not in file)
        self.paths: dict[int, tuple[str, ...]] = {}
        self.missing: list[str] = []
        for i, s in enumerate(segs):
            if s is not None:
                self.resolve(i)

    def resolve(self, i: int, depth: int = 0) -> tuple[str, ...]:
        if i in self.paths:
            return self.paths[i]
        s = self.segs[i]
        assert s is not None
        key = category_key(s)
        parent_key = self.overrides.get(key, key[:-1])
        if not parent_key:
            self.parent_of[i], self.paths[i] = self.total, s
            return s
        parent = self.keys.get(parent_key)
        if parent is None or depth > len(self.segs):
            wanted = PATH_SEP.join(s[: len(parent_key)])
            if not self.missing_ok:
                raise ParseError(
                    self.file_name,
                    f"missing category: {PATH_SEP.join(s)!r} is published but its parent category "
                    f"{wanted!r} is not in the file",
                    row=self.row,
                    column=self.entries[i][0],
                )
            self.missing.append(wanted)
            self.parent_of[i], self.paths[i] = None, s
            return s
        parent_path = self.resolve(parent, depth + 1)
        self.parent_of[i], self.paths[i] = parent, parent_path + (s[-1],)
        if key in self.overrides:
            self.notes.append(
                f"{self.table}: {self.entries[i][0]!r} is counted in {PATH_SEP.join(parent_path)!r} and placed "
                "under it (its header nests it elsewhere)"
            )
        return self.paths[i]

    def children(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for i, p in self.parent_of.items():
            if p is not None:
                out.setdefault(p, []).append(i)
        return out


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
    segs = _without_shared_title(_segments(entries, file_name, row), table, notes)
    if len(_keys(segs)) != len([s for s in segs if s is not None]):
        _check_unique(segs, entries, file_name, row)
    parents = _Parents(
        segs, entries, file_name=file_name, table=table, row=row, missing_ok=missing_parent_ok, notes=notes
    )
    children = parents.children()
    categories = [
        Category(column=entries[i][0], path=() if s is None else parents.paths[i], is_subtotal=i in children)
        for i, s in enumerate(segs)
    ]
    checks: list[tuple[int, list[int]]] = []
    if parents.missing:
        notes.append(
            f"{table}: parent categories not in this extract: {sorted(set(parents.missing))}; subtotal "
            "additivity not checked"
        )
    elif not additive:
        notes.append(
            f"{table}: not additive ({NON_ADDITIVE_TABLES.get(table, 'see module docs')}); not checked"
        )
    else:
        checks = [(p, sorted(c)) for p, c in sorted(children.items())]
    return Hierarchy(categories=categories, checks=checks, notes=notes)
