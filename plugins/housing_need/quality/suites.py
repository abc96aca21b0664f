"""Suite files: reading and checking them, and which columns and sources each suite needs.

A gate ("raw", "marts", ...) is the set of suites in ``expectations/<gate>/*.json``. Each file is
a GX 1.x ExpectationSuite in JSON naming the warehouse table it validates in ``meta.table``
(``"<schema>.<table>"``); the sources whose data the table holds in ``meta.requires_loads_from``;
and, optionally, the columns that identify a row in ``meta.id_columns``. The files are the
source of truth: nothing is written back under ``expectations/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import HousingNeedError

if TYPE_CHECKING:
    from great_expectations.core.expectation_suite import ExpectationSuite

_TABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
# Keys of expectation kwargs that name columns.
_COLUMN_KEYS = ("column", "column_A", "column_B")
_COLUMN_LIST_KEYS = ("column_list", "column_set")
# Table-level expectations that need rows but no particular column.
_NO_COLUMN_EXPECTATIONS = frozenset(
    {"expect_table_row_count_to_be_between", "expect_table_row_count_to_equal"}
)
# Expectations about the table's whole column list: they must see every column.
_ALL_COLUMN_EXPECTATIONS = frozenset(
    {
        "expect_table_columns_to_match_ordered_list",
        "expect_table_column_count_to_equal",
        "expect_table_column_count_to_be_between",
    }
)
# GX 1.24 expectations that cannot run as SQL on DuckDB, with what to write instead: GX builds
# regex and LIKE conditions only for the dialects it knows ("Regex is not supported for dialect
# duckdb"), and has no SQL at all for strftime formats.
_INSTEAD_OF_NOT_MATCHING = "an unexpected_rows_expectation selecting the rows that match, in DuckDB SQL"
NOT_ON_DUCKDB: Mapping[str, str] = {
    "expect_column_values_to_match_regex": "expect_column_values_to_match_duckdb_regex (same kwargs)",
    "expect_column_values_to_match_regex_list": "expect_column_values_to_match_duckdb_regex with an alternation",
    "expect_column_values_to_match_like_pattern": "expect_column_values_to_match_duckdb_regex",
    "expect_column_values_to_match_like_pattern_list": "expect_column_values_to_match_duckdb_regex",
    "expect_column_values_to_not_match_regex": _INSTEAD_OF_NOT_MATCHING,
    "expect_column_values_to_not_match_regex_list": _INSTEAD_OF_NOT_MATCHING,
    "expect_column_values_to_not_match_like_pattern": _INSTEAD_OF_NOT_MATCHING,
    "expect_column_values_to_not_match_like_pattern_list": _INSTEAD_OF_NOT_MATCHING,
    "expect_column_values_to_match_strftime_format": "expect_column_values_to_match_duckdb_regex, or a DATE column",
}


class SuiteDefinitionError(HousingNeedError):
    """A suite file cannot be used: not JSON, not a suite, or an unknown/invalid expectation."""

    def __init__(self, path: Path, message: str):
        self.path = path
        super().__init__(f"suite file {str(path)!r}: {message}")


@dataclass(frozen=True)
class SuiteDefinition:
    """One suite file: its name, the table it validates and its expectations as written."""

    name: str
    table: str  # "<schema>.<table>"
    path: Path
    expectations: tuple[Mapping[str, Any], ...]
    meta: Mapping[str, Any] = field(default_factory=dict)
    notes: Any = None

    @property
    def id_columns(self) -> list[str]:
        return [str(c) for c in self.meta.get("id_columns") or []]

    @property
    def requires_loads_from(self) -> list[str]:
        """The sources whose data the table holds (a raw suite names exactly one)."""
        return [str(s) for s in self.meta.get("requires_loads_from") or []]

    def columns_needed(self) -> set[str] | None:
        """Columns the suite's expectations name, or None when some expectation needs them all."""
        needed: set[str] = set(self.id_columns)
        for exp in self.expectations:
            kwargs = exp.get("kwargs") or {}
            kind = exp.get("type")
            if kind in _ALL_COLUMN_EXPECTATIONS:
                return None
            if kind == "expect_table_columns_to_match_set" and kwargs.get("exact_match", True) is not False:
                return None  # an extra column must be seen to be caught
            named = _columns_named(kwargs)
            condition = kwargs.get("row_condition")
            if condition is not None:
                from_condition = _condition_columns(condition)
                if from_condition is None:
                    return None
                named |= from_condition
            if not named and kind not in _NO_COLUMN_EXPECTATIONS:
                return None  # e.g. unexpected_rows_expectation: its SQL may read any column
            needed |= named
        return needed

    def to_gx(self) -> ExpectationSuite:
        """A fresh GX ExpectationSuite (raises :class:`SuiteDefinitionError` naming the file)."""
        from great_expectations.core.expectation_suite import ExpectationSuite
        from great_expectations.exceptions import ExpectationNotFoundError, GreatExpectationsError
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        from . import context  # registers the DuckDB expectations this project's suites use

        context.require_gx()
        built = []
        for index, exp in enumerate(self.expectations):
            kind = exp.get("type", "?")
            try:
                built.append(ExpectationConfiguration(**exp).to_domain_obj())
            except ExpectationNotFoundError as e:
                raise SuiteDefinitionError(
                    self.path, f"expectation #{index} {kind!r}: unknown expectation type"
                ) from e
            except (GreatExpectationsError, TypeError, ValueError) as e:
                message = " ".join(str(e).split())
                raise SuiteDefinitionError(
                    self.path, f"expectation #{index} {kind!r} is not valid: {message}"
                ) from e
        # GX's ExpectationSuite logs and *drops* expectations it cannot build; they were all built
        # above, so a shorter suite here would mean a GX change: refuse rather than validate less.
        suite = ExpectationSuite(name=self.name, expectations=built, meta=dict(self.meta), notes=self.notes)
        if len(suite.expectations) != len(self.expectations):
            raise SuiteDefinitionError(self.path, "GX dropped some expectations while building the suite")
        return suite


def _columns_named(kwargs: Mapping[str, Any]) -> set[str]:
    named = {str(kwargs[k]) for k in _COLUMN_KEYS if isinstance(kwargs.get(k), str)}
    for key in _COLUMN_LIST_KEYS:
        value = kwargs.get(key)
        if isinstance(value, list | tuple | set):
            named |= {str(c) for c in value}
    return named


def _condition_columns(condition: Any) -> set[str] | None:
    """Columns referenced by a GX row_condition given as a Condition dict; None if unknown."""
    if isinstance(condition, Mapping):
        found: set[str] = set()
        column = condition.get("column")
        if isinstance(column, Mapping) and isinstance(column.get("name"), str):
            found.add(column["name"])
        for child in condition.get("conditions") or []:
            sub = _condition_columns(child)
            if sub is None:
                return None
            found |= sub
        if condition.get("type") == "pass_through" or (not found and not condition.get("conditions")):
            return None
        return found
    return None  # a string condition: read every column


def load_suites(expectations_dir: Path, gate: str) -> list[SuiteDefinition]:
    """The suites of ``gate``: every ``expectations_dir/<gate>/*.json``, checked against GX.

    Raises :class:`SuiteDefinitionError` (naming the file) for a file that is not JSON, not a
    suite, names no table, or holds an unknown or invalid expectation or one GX cannot run on
    DuckDB; and :class:`HousingNeedError` when the gate has no suites at all.
    """
    folder = Path(expectations_dir) / gate
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not paths:
        raise HousingNeedError(f"{gate} gate: no suite files in {folder} (expected {folder}/<suite>.json)")
    suites: list[SuiteDefinition] = []
    seen: dict[str, Path] = {}
    for path in paths:
        definition = _read_suite_file(path)
        if definition.name in seen:
            raise SuiteDefinitionError(
                path, f"suite name {definition.name!r} is also used by {seen[definition.name]}"
            )
        seen[definition.name] = path
        definition.to_gx()  # validates every expectation against GX
        suites.append(definition)
    return suites


def _read_suite_file(path: Path) -> SuiteDefinition:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise SuiteDefinitionError(path, f"not valid JSON: {e}") from e
    except UnicodeDecodeError as e:
        raise SuiteDefinitionError(path, f"not UTF-8 text: {e}") from e
    if not isinstance(data, dict):
        raise SuiteDefinitionError(path, "expected a JSON object (a GX ExpectationSuite)")
    unknown = set(data) - {"name", "expectations", "meta", "notes", "suite_parameters", "id"}
    if unknown:
        raise SuiteDefinitionError(path, f"unknown top-level keys {sorted(unknown)}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SuiteDefinitionError(path, "'name' must be a non-empty string")
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise SuiteDefinitionError(path, "'meta' must be an object")
    table = meta.get("table")
    if not isinstance(table, str) or not _TABLE_RE.match(table):
        raise SuiteDefinitionError(
            path, f"meta.table must name a warehouse table as '<schema>.<table>', got {table!r}"
        )
    expectations = data.get("expectations")
    if not isinstance(expectations, list) or not expectations:
        raise SuiteDefinitionError(path, "'expectations' must be a non-empty list")
    for index, exp in enumerate(expectations):
        if not isinstance(exp, dict) or not isinstance(exp.get("type"), str):
            raise SuiteDefinitionError(path, f"expectation #{index} must be an object with a 'type'")
        if not isinstance(exp.get("kwargs", {}), dict):
            raise SuiteDefinitionError(
                path, f"expectation #{index} {exp['type']!r}: 'kwargs' must be an object"
            )
        if exp["type"] in NOT_ON_DUCKDB:
            raise SuiteDefinitionError(
                path,
                f"expectation #{index} {exp['type']!r} does not run as SQL on DuckDB in GX 1.24; "
                f"use {NOT_ON_DUCKDB[exp['type']]} (see expectations/README.md)",
            )
    if not isinstance(meta.get("id_columns", []), list):
        raise SuiteDefinitionError(path, "meta.id_columns must be a list of column names")
    requires = meta.get("requires_loads_from", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise SuiteDefinitionError(path, "meta.requires_loads_from must be a list of source names")
    return SuiteDefinition(
        name=name,
        table=table,
        path=path,
        expectations=tuple(expectations),
        meta=meta,
        notes=data.get("notes"),
    )
