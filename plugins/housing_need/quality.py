"""Great Expectations quality gates over the DuckDB warehouse.

A gate ("raw", "marts", ...) is the set of suites in ``expectations/<gate>/*.json``. Each suite file
is a GX 1.x ExpectationSuite in JSON and names the warehouse table it validates in
``meta.table`` (``"<schema>.<table>"``); nothing in this module knows about particular tables.

:func:`run_gate` opens the warehouse read-only, reads each suite's table into pandas (only the
columns the suite names, through Arrow) and validates it through a GX pandas dataframe datasource.
The SQL route (GX + duckdb-engine) is avoided on purpose: GX closes its connection before fetching
rows and every expectation fails (see STACK-NOTES). Results are stored in a File Data Context under
``gx_dir`` (generated, not committed) and Data Docs are built into ``data_docs_dir`` on every run,
pass or fail. The suite files are the source of truth: they are loaded into the context on each
run; nothing is written back under ``expectations/``.

Suites may use ``{"$PARAMETER": "today"}`` (the run's UTC date, as a datetime at midnight) in
expectation kwargs, e.g. as the upper bound of a date column. Suite ``meta.id_columns`` (optional)
names columns that identify a row (e.g. ``["_row_number"]``); failing rows are then reported by
those values as well as by their offending values.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from .errors import HousingNeedError, QualityGateFailed

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult
    from great_expectations.data_context import FileDataContext

log = logging.getLogger(__name__)

DATA_DOCS_SITE = "housing_need"
DATASOURCE = "housing_need_warehouse"
BATCH_DEFINITION = "whole_table"
# Validation results the Data Docs index lists (newest first). The index builder reads every
# listed result on each build, so an unbounded history would make every run slower.
DATA_DOCS_INDEX_LIMIT = 200
PARTIAL_UNEXPECTED_COUNT = 20

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
# Kwargs that are plumbing rather than the rule; left out of failure messages.
_QUIET_KWARGS = frozenset({"column", "column_list", "result_format", "catch_exceptions", "batch_id"})
_NOISY_LOGGERS = ("great_expectations", "great_expectations._docs_decorators")


class SuiteDefinitionError(HousingNeedError):
    """A suite file cannot be used: not JSON, not a suite, or an unknown/invalid expectation."""

    def __init__(self, path: Path, message: str):
        self.path = path
        super().__init__(f"suite file {str(path)!r}: {message}")


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class SuiteOutcome:
    """What one suite found on one table."""

    suite: str
    table: str
    success: bool
    evaluated: int  # expectations evaluated
    unsuccessful: int  # of those, how many failed
    failures: list[str]  # one line per failing expectation (or why the suite could not run)
    rows: int | None = None  # rows validated (None when the table could not be read)
    seconds: float = 0.0
    skipped: str | None = None  # why the suite did not run (its source has no deliveries yet)

    def line(self) -> str:
        if self.skipped:
            return f"skip suite {self.suite} on {self.table}: {self.skipped}"
        status = "ok  " if self.success else "FAIL"
        if self.evaluated:
            counts = f"{self.evaluated - self.unsuccessful} of {self.evaluated} expectations passed"
        else:
            counts = "not evaluated"
        rows = f", {self.rows} rows" if self.rows is not None else ""
        return f"{status} suite {self.suite} on {self.table}: {counts}{rows} ({self.seconds:.1f} s)"


@dataclass
class GateResult:
    gate: str
    outcomes: list[SuiteOutcome]
    data_docs_index: Path | None
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return bool(self.outcomes) and all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[SuiteOutcome]:
        return [o for o in self.outcomes if not o.success]

    def summary(self) -> str:
        evaluated = sum(o.evaluated for o in self.outcomes)
        unsuccessful = sum(o.unsuccessful for o in self.outcomes)
        state = "passed" if self.success else "FAILED"
        lines = [
            f"{self.gate} gate {state}: {len(self.outcomes)} suite(s), {evaluated} expectations evaluated, "
            f"{unsuccessful} unsuccessful, {len(self.failed)} suite(s) failed ({self.seconds:.1f} s)"
        ]
        for outcome in self.outcomes:
            lines.append(f"  {outcome.line()}")
            lines.extend(f"      - {failure}" for failure in outcome.failures)
        lines.append(f"  Data Docs: {self.data_docs_index or 'not built'}")
        return "\n".join(lines)

    def failure_message(self) -> str:
        """The text of :class:`QualityGateFailed`: every failing suite, table, expectation and values."""
        lines = [f"{self.gate} gate failed: {len(self.failed)} of {len(self.outcomes)} suite(s) failed"]
        if not self.outcomes:
            lines[0] = f"{self.gate} gate failed: no suites ran"
        for outcome in self.failed:
            for failure in outcome.failures or ["failed (no details)"]:
                lines.append(f"  suite {outcome.suite} on {outcome.table}: {failure}")
        if self.data_docs_index:
            lines.append(f"  Data Docs: {self.data_docs_index}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Suite files


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
                return None  # e.g. expect_table_column_count_to_equal: needs every column
            needed |= named
        return needed

    def to_gx(self) -> ExpectationSuite:
        """A fresh GX ExpectationSuite (raises :class:`SuiteDefinitionError` naming the file)."""
        gx = _import_gx()
        from great_expectations.core.expectation_suite import ExpectationSuite
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        built = []
        for index, exp in enumerate(self.expectations):
            kind = exp.get("type", "?")
            try:
                built.append(ExpectationConfiguration(**exp).to_domain_obj())
            except gx.exceptions.ExpectationNotFoundError as e:
                raise SuiteDefinitionError(
                    self.path, f"expectation #{index} {kind!r}: unknown expectation type"
                ) from e
            except (gx.exceptions.GreatExpectationsError, TypeError, ValueError) as e:
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
    return None  # a string condition (pandas query syntax): read every column


def load_suites(expectations_dir: Path, gate: str) -> list[SuiteDefinition]:
    """The suites of ``gate``: every ``expectations_dir/<gate>/*.json``, checked against GX.

    Raises :class:`SuiteDefinitionError` (naming the file) for a file that is not JSON, not a
    suite, names no table, or holds an unknown or invalid expectation; and
    :class:`HousingNeedError` when the gate has no suites at all.
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


# --------------------------------------------------------------------------------------------
# Running a gate


def run_gate(
    gate: str,
    warehouse_path: Path,
    *,
    expectations_dir: Path,
    gx_dir: Path,
    data_docs_dir: Path,
    raise_on_failure: bool = True,
) -> GateResult:
    """Validate every suite of ``gate`` against the warehouse; build Data Docs; raise on failure.

    Raises :class:`QualityGateFailed` (after Data Docs are built) when any suite fails and
    ``raise_on_failure``; the exception carries the :class:`GateResult` as ``.result``.
    """
    started = time.perf_counter()
    suites = load_suites(expectations_dir, gate)
    warehouse_path = Path(warehouse_path)
    if not warehouse_path.exists():
        raise HousingNeedError(f"{gate} gate: warehouse {warehouse_path} does not exist")
    context = _context(Path(gx_dir), Path(data_docs_dir))

    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    run_time = datetime.now(UTC)
    run_id = RunIdentifier(run_name=f"{gate} gate", run_time=run_time)
    parameters = {"today": datetime.combine(run_time.date(), datetime.min.time())}
    outcomes: list[SuiteOutcome] = []
    docs_resources: list[Any] = []

    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        loaded = _loaded_sources(con)
        for definition in suites:
            suite_started = time.perf_counter()
            gx_suite = context.suites.add_or_update(definition.to_gx())
            docs_resources.append(ExpectationSuiteIdentifier(name=definition.name))
            missing = [source for source in definition.requires_loads_from if source not in loaded]
            if missing:
                skipped = f"no deliveries of {', '.join(missing)} loaded yet"
                outcomes.append(_not_run(definition, success=True, skipped=skipped))
                log.info("%s gate: %s", gate, outcomes[-1].line())
                continue
            try:
                frame = _read_table(con, definition)
            except _TableUnavailable as e:
                outcomes.append(_not_run(definition, success=False, failures=[str(e)], started=suite_started))
                log.warning("%s gate: suite %s: %s", gate, definition.name, e)
                continue
            result = _validate(context, gate, definition, gx_suite, frame, run_id, parameters)
            positions = {e.id: i for i, e in enumerate(gx_suite.expectations) if e.id}
            rows = len(frame)
            del frame
            docs_resources.append(
                ValidationResultIdentifier(
                    expectation_suite_identifier=ExpectationSuiteIdentifier(name=definition.name),
                    run_id=run_id,
                    batch_identifier=result.batch_id,
                )
            )
            outcome = _outcome(definition, result, positions, rows, time.perf_counter() - suite_started)
            log.info("%s gate: %s", gate, outcome.line())
            outcomes.append(outcome)
    finally:
        con.close()
        # Pass, fail or error: the docs show whatever was validated (building never raises).
        index = _build_data_docs(context, Path(data_docs_dir), docs_resources)

    gate_result = GateResult(
        gate=gate, outcomes=outcomes, data_docs_index=index, seconds=time.perf_counter() - started
    )
    if raise_on_failure and not gate_result.success:
        error = QualityGateFailed(gate_result.failure_message())
        error.result = gate_result  # type: ignore[attr-defined]
        raise error
    return gate_result


class _TableUnavailable(Exception):
    pass


def _not_run(
    definition: SuiteDefinition,
    *,
    success: bool,
    failures: list[str] | None = None,
    skipped: str | None = None,
    started: float | None = None,
) -> SuiteOutcome:
    """The outcome of a suite that validated nothing (skipped, or its table could not be read)."""
    return SuiteOutcome(
        suite=definition.name,
        table=definition.table,
        success=success,
        evaluated=0,
        unsuccessful=0,
        failures=failures or [],
        seconds=time.perf_counter() - started if started is not None else 0.0,
        skipped=skipped,
    )


def _loaded_sources(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Sources with at least one load in meta.loads: a deployment that has not yet received a
    source's first delivery still refreshes everything else."""
    try:
        return {row[0] for row in con.execute("select distinct source from meta.loads").fetchall()}
    except duckdb.CatalogException:  # no meta.loads: nothing was ever loaded
        return set()


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _read_table(con: duckdb.DuckDBPyConnection, definition: SuiteDefinition) -> pd.DataFrame:
    """The suite's table as a GX-friendly DataFrame: only the needed columns, via Arrow."""
    schema, name = definition.table.split(".", 1)
    columns = [
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
            "and database_name = current_database() order by column_index",
            [schema, name],
        ).fetchall()
    ]
    if not columns:
        raise _TableUnavailable(
            f"table {definition.table} does not exist in the warehouse: nothing validated"
        )
    needed = definition.columns_needed()
    selected = columns if needed is None else [c for c in columns if c in needed]
    if not selected:
        selected = columns[:1]  # row-count-only suite: one column carries the rows
    # Fully qualified: a warehouse file named like a schema (raw.duckdb) would make "raw" ambiguous.
    (catalog,) = con.execute("select current_database()").fetchone() or ("",)
    source = f"{_quote(catalog)}.{_quote(schema)}.{_quote(name)}"
    sql = f"select {', '.join(_quote(c) for c in selected)} from {source}"
    try:
        table = con.execute(sql).to_arrow_table()
    except duckdb.Error as e:
        raise _TableUnavailable(f"could not read table {definition.table}: {e}") from e
    return _to_pandas(table, definition.table)


def _to_pandas(table: pa.Table, label: str) -> pd.DataFrame:
    """Arrow -> pandas with the dtypes GX's pandas metrics handle natively and fast.

    Dates and timestamps become datetime64[ns] (GX parses string bounds only for ns columns),
    small and unsigned integers int64 (GX's vectorised range check wants int64/float64; with
    nulls pandas makes them float64), decimals float64, dictionaries their value type and
    strings large_string (pandas' ``str`` dtype either way).
    """
    import pyarrow as pa
    import pyarrow.types as pat

    columns = []
    for f, column in zip(table.schema, table.columns, strict=True):
        kind = f.type
        if pat.is_date(kind):
            kind = pa.timestamp("ns")
        elif pat.is_timestamp(kind) and kind.unit != "ns":
            kind = pa.timestamp("ns", tz=kind.tz)
        elif pat.is_integer(kind) and kind != pa.int64() and kind != pa.uint64():
            kind = pa.int64()
        elif pat.is_decimal(kind):
            kind = pa.float64()
        elif pat.is_dictionary(kind):
            kind = kind.value_type
        if pat.is_string(kind) or pat.is_string_view(kind):
            kind = pa.large_string()
        if kind != f.type:
            try:
                column = column.cast(kind)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:  # e.g. a date beyond 2262
                log.warning("%s.%s: kept as %s (%s); GX checks on it may be slower", label, f.name, f.type, e)
        columns.append(column)
    # One chunk per column: GX filters the whole frame (nulls, row conditions) several times per
    # expectation, and Arrow's take over one large_string chunk is several times faster.
    table = pa.Table.from_arrays(columns, names=table.column_names).combine_chunks()
    return table.to_pandas(split_blocks=True, self_destruct=True)


def _validate(
    context: FileDataContext,
    gate: str,
    definition: SuiteDefinition,
    gx_suite: ExpectationSuite,
    frame: pd.DataFrame,
    run_id: Any,
    parameters: Mapping[str, Any],
) -> ExpectationSuiteValidationResult:
    import great_expectations as gx
    from great_expectations.datasource.fluent import PandasDatasource

    try:
        datasource = context.data_sources.get(DATASOURCE)
    except KeyError:
        datasource = context.data_sources.add_pandas(name=DATASOURCE)
    if not isinstance(datasource, PandasDatasource):
        raise HousingNeedError(f"GX datasource {DATASOURCE!r} in the context is not a pandas datasource")
    try:
        asset = datasource.get_asset(definition.table)
    except LookupError:
        asset = datasource.add_dataframe_asset(name=definition.table)
    try:
        batch_definition = asset.get_batch_definition(BATCH_DEFINITION)
    except KeyError:
        batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"{gate}:{definition.name}", data=batch_definition, suite=gx_suite)
    )
    result_format: dict[str, Any] = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": PARTIAL_UNEXPECTED_COUNT,
    }
    id_columns = [c for c in definition.id_columns if c in frame.columns]
    if id_columns:
        result_format["unexpected_index_column_names"] = id_columns
    return validation.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=dict(parameters),
        result_format=result_format,
        run_id=run_id,
    )


def _outcome(
    definition: SuiteDefinition,
    result: ExpectationSuiteValidationResult,
    positions: Mapping[str, int],
    rows: int,
    seconds: float,
) -> SuiteOutcome:
    # GX does not return results in suite order: match each to the expectation as written in the
    # file (by the id the context gave it) for readable messages, and report in file order.
    failing: list[tuple[int, str]] = []
    for expectation_result in result.results:
        if expectation_result.success:
            continue
        config = expectation_result.expectation_config
        position = positions.get((config.id if config else None) or "", len(definition.expectations))
        written = definition.expectations[position] if position < len(definition.expectations) else None
        failing.append((position, _describe_failure(expectation_result, written, definition.id_columns)))
    failures = [text for _, text in sorted(failing, key=lambda item: item[0])]
    evaluated = len(result.results)
    return SuiteOutcome(
        suite=definition.name,
        table=definition.table,
        success=bool(result.success),
        evaluated=evaluated,
        unsuccessful=len(failures),
        failures=failures,
        rows=rows,
        seconds=seconds,
    )


# --------------------------------------------------------------------------------------------
# Failure messages


def _describe_failure(
    expectation_result: Any, written: Mapping[str, Any] | None, id_columns: Sequence[str]
) -> str:
    config = expectation_result.expectation_config
    kind = config.type
    resolved = dict(config.kwargs)
    kwargs = dict(written.get("kwargs") or {}) if written and written.get("type") == kind else resolved
    head = f"{kind}({_describe_kwargs(kwargs, resolved)})"
    info = expectation_result.exception_info or {}
    if _raised(info):
        return f"{head}: could not be evaluated: {_exception_message(info)}"
    result = expectation_result.result or {}
    if "unexpected_count" in result:
        unexpected = result.get("unexpected_count") or 0
        total = result.get("element_count")
        text = f"{head}: {unexpected} of {total} rows unexpected"
        if isinstance(kwargs.get("mostly"), int | float) and kwargs["mostly"] < 1:
            percent = _percent(result.get("unexpected_percent"))
            text += f" ({percent} unexpected; mostly {kwargs['mostly']} allowed)"
        examples = _examples(result)
        if examples:
            text += f", e.g. {examples}"
        rows = _example_rows(result, id_columns)
        if rows:
            text += f" at {rows}"
        return text
    if "observed_value" in result:
        observed = _shorten(_value(result["observed_value"]), 200)
        details = result.get("details")
        if details:  # e.g. {mismatched: {unexpected: ['extra_column']}}: the useful part first
            return f"{head}: {_shorten(_value(details), 300)}; observed {observed}"
        return f"{head}: observed {observed}"
    return f"{head}: failed ({_shorten(_value(result), 300)})"


def _raised(info: Any) -> bool:
    if not isinstance(info, Mapping):
        return False
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, Mapping) and v.get("raised_exception") for v in info.values())


def _exception_message(info: Mapping[str, Any]) -> str:
    if info.get("exception_message"):
        return str(info["exception_message"])
    messages = [
        str(v.get("exception_message"))
        for v in info.values()
        if isinstance(v, Mapping) and v.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(messages)) or "unknown error"


def _describe_kwargs(kwargs: Mapping[str, Any], resolved: Mapping[str, Any]) -> str:
    """``column, where <condition>, min 0, regex='...'`` from the kwargs as written in the file."""
    parts: list[str] = []
    if "column" in kwargs:
        parts.append(str(kwargs["column"]))
    if "column_list" in kwargs:
        parts.append("[" + ", ".join(map(str, kwargs["column_list"])) + "]")
    for key, value in kwargs.items():
        if key in _QUIET_KWARGS or value is None:
            continue
        if key == "row_condition":
            parts.append(f"where {_describe_condition(value)}")
        elif key in ("min_value", "max_value"):
            parts.append(f"{key.removesuffix('_value')} {_value_or_parameter(value, resolved.get(key))}")
        else:
            parts.append(f"{key}={_shorten(_value_or_parameter(value, resolved.get(key)), 120)}")
    return ", ".join(parts)


def _value_or_parameter(written: Any, resolved: Any) -> str:
    if isinstance(written, Mapping) and set(written) == {"$PARAMETER"}:
        return f"${written['$PARAMETER']} ({_value(resolved)})"
    return _value(written)


def _describe_condition(condition: Any) -> str:
    if isinstance(condition, Mapping):
        kind = condition.get("type")
        if kind == "comparison":
            column = (condition.get("column") or {}).get("name")
            return f"{column} {condition.get('operator')} {_value(condition.get('parameter'))}"
        if kind == "nullity":
            column = (condition.get("column") or {}).get("name")
            return f"{column} is {'null' if condition.get('is_null') else 'not null'}"
        if kind in ("and", "or"):
            inner = f" {kind} ".join(_describe_condition(c) for c in condition.get("conditions") or [])
            return f"({inner})"
        if kind == "pass_through":
            return str(condition.get("pass_through_filter"))
    return str(condition)


def _examples(result: Mapping[str, Any]) -> str:
    """Distinct offending values, most frequent first. GX counts them within its partial sample
    (the first rows that fail), not the whole table, so the counts themselves are not shown."""
    counts = result.get("partial_unexpected_counts")
    values = [entry.get("value") for entry in counts] if counts else result.get("partial_unexpected_list")
    if not values:
        return ""
    shown = list(dict.fromkeys(_value(v) for v in values))
    return "[" + ", ".join(shown[:10]) + (", ..." if len(shown) > 10 else "") + "]"


def _example_rows(result: Mapping[str, Any], id_columns: Sequence[str]) -> str:
    if not id_columns:
        return ""
    rows = [r for r in result.get("partial_unexpected_index_list") or [] if isinstance(r, Mapping)]
    columns = [c for c in id_columns if rows and c in rows[0]]
    if not columns:
        return ""
    ids = [tuple(row.get(c) for c in columns) for row in rows[:5]]
    shown = ", ".join(_value(i[0]) if len(i) == 1 else "(" + ", ".join(map(_value, i)) + ")" for i in ids)
    more = ", ..." if len(rows) > 5 else ""
    label = columns[0] if len(columns) == 1 else "(" + ", ".join(columns) + ")"
    return f"{label} {shown}{more}"


def _percent(value: Any) -> str:
    return f"{value:.2f}%" if isinstance(value, int | float) else "?"


def _value(value: Any) -> str:
    """A short, unambiguous rendering of a value GX reports (numpy/pandas scalars included)."""
    if value is None:
        return "null"
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__.startswith("numpy"):
        value = item()
    if isinstance(value, float) and math.isnan(value):
        return "null"
    if type(value).__name__ in ("NAType", "NaTType"):
        return "null"
    if isinstance(value, datetime) or type(value).__name__ == "Timestamp":
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))  # integer columns with nulls arrive as float64
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, Mapping):
        if set(value) == {"$PARAMETER"}:
            return f"${value['$PARAMETER']}"
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Iterable):
        items = list(value)
        shown = ", ".join(_value(v) for v in items[:12])
        return f"[{shown}{', ...' if len(items) > 12 else ''}]"
    return str(value)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------------------------
# The GX context


def _import_gx() -> Any:
    """Import great_expectations quietly and without analytics (imported lazily: it takes seconds)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)
    import great_expectations as gx

    return gx


def _context(gx_dir: Path, data_docs_dir: Path) -> FileDataContext:
    """The File Data Context under ``gx_dir``, with one local Data Docs site in ``data_docs_dir``."""
    gx = _import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx_dir.mkdir(parents=True, exist_ok=True)
    data_docs_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", context_root_dir=str(gx_dir))
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(data_docs_dir.resolve()),
        },
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "validation_results_limit": DATA_DOCS_INDEX_LIMIT,
        },
    }
    variables = context.variables
    sites = {DATA_DOCS_SITE: site}
    progress = variables.progress_bars  # a ProgressBarsConfig when set, a plain dict once re-read
    progress_on = progress is None or any(
        (progress.get(k, True) if isinstance(progress, Mapping) else getattr(progress, k, True))
        for k in ("globally", "metric_calculations")
    )
    if variables.data_docs_sites != sites or variables.analytics_enabled is not False or progress_on:
        variables.data_docs_sites = sites
        variables.analytics_enabled = False
        variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        variables.save()
        # Re-open so the site builders and stores are built from the saved configuration.
        context = gx.get_context(mode="file", context_root_dir=str(gx_dir))
    return context


def _build_data_docs(context: FileDataContext, data_docs_dir: Path, resources: list[Any]) -> Path | None:
    """Render this run's suites and validation results and the index into the local site."""
    try:
        context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=resources or None)
    except Exception:  # Data Docs are a report: never let them hide the gate's own verdict
        log.exception("building Data Docs in %s failed", data_docs_dir)
    index = data_docs_dir / "index.html"
    return index if index.exists() else None
