"""The page model of the briefing: what a section reads and what it gives a page.

:class:`Published` is the warehouse's marts as the pages read them (read-only; each query runs once per
build). A :class:`Section` names the marts it needs and the scopes it serves ("index", "region", "la");
given the published marts, a scope and a key (the index's name, a region's name, an LA's code) its
``build`` returns :class:`Content` (a chart, a caption and the numbers behind the chart) or None when it has
nothing to say there. The sections themselves are in ``sections/``, their order on the page in
``registry.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import duckdb

from ..marts import latest_quarter, mart_tables


@dataclass
class Content:
    chart: str
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    notes: list[str] = field(default_factory=list)
    # what the section's figures rest on that is SYNTHETIC (empty: published data only): the page marks
    # the heading and the CSV download says it in a header row
    synthetic: list[str] = field(default_factory=list)


class Published:
    """The published marts as the pages read them. Each query a section asks for runs once per build
    (over every region or LA at once) and is then read per page, so 370 pages cost a few dozen
    queries, not thousands."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._cache: dict[tuple[str, tuple[object, ...]], dict[object, list[tuple]]] = {}
        self._derived: dict[str, Any] = {}

    def derived(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()`` once per build: for what a module derives from a query for every page."""
        if name not in self._derived:
            self._derived[name] = build()
        return self._derived[name]

    def by(self, sql: str, params: Sequence[object] = ()) -> dict[object, list[tuple]]:
        """Rows of ``sql`` grouped by their first column (the rest of each row, in query order)."""
        key = (sql, tuple(params))
        if key not in self._cache:
            grouped: dict[object, list[tuple]] = {}
            for row in self.con.execute(sql, list(params)).fetchall():
                grouped.setdefault(row[0], []).append(tuple(row[1:]))
            self._cache[key] = grouped
        return self._cache[key]

    @cached_property
    def latest(self) -> tuple[str, str]:
        return latest_quarter(self.con)

    @cached_property
    def tables(self) -> set[str]:
        """The marts in the warehouse, by name."""
        return set(mart_tables(self.con))

    def columns(self, table: str) -> set[str]:
        """The columns of marts.<table> (empty when it does not exist): pages built from an older
        warehouse leave out what it lacks."""
        found = self.by(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and table_catalog = current_database()"
        )
        return {str(c) for (c,) in found.get(table, [])}

    def la(self, code: str) -> tuple[str, str]:
        """(name, region) of a current LAD ('', '' if unknown)."""
        found = self.by("select lad_code, lad_name, region_name from marts.dim_local_authority").get(code)
        return (str(found[0][0]), str(found[0][1])) if found else ("", "")

    def region_of(self, scope: str, key: str) -> str:
        return key if scope == "region" else self.la(key)[1]

    def name_of(self, scope: str, key: str) -> str:
        """A region's name is its key; an LA's name is looked up (its code when unknown)."""
        return key if scope == "region" else self.la(key)[0] or key


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    requires: tuple[str, ...]  # marts.<table> names
    scopes: tuple[str, ...]  # "region", "la"
    build: Callable[[Published, str, str], Content | None]


@dataclass(frozen=True)
class ScenarioBanner:
    """A what-if scenario's pages (docs/scenarios.md): what every page, chart and CSV says about it."""

    name: str
    description: str
    author: str
    overrides: tuple[str, ...]
    baseline_run_id: str
    baseline_href: str = ""  # the published site's index, relative to the scenario site's root

    def tag(self) -> str:
        return f"Scenario “{self.name}”, not the published estimate:"

    def line(self) -> str:
        return f"What-if scenario “{self.name}” ({'; '.join(self.overrides) or 'no overrides'}), not the published estimate."
