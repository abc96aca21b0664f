"""Great Expectations on the DuckDB warehouse: the File Data Context, the warehouse as a SQL
datasource with ONE persistent DuckDB connection, DuckDB's regex, validation, Data Docs.

Imported only when a gate runs or suites are checked (importing GX takes seconds).

**The persistent connection.** GX runs a metric query as ``with engine.get_connection() as c:
result = c.execute(q)`` and fetches the rows after the block has returned the connection to the
pool; on DuckDB (duckdb-engine) returning the connection discards the pending result, so every
expectation failed with "list index out of range" (STACK-NOTES). GX already keeps one persistent
connection, on a single-connection pool, for the dialects listed in
``great_expectations.execution_engine.sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS``
(SQLite, SQL Server, BigQuery, Databricks). :func:`persist_duckdb_connections` adds ``duckdb`` to
that tuple: it changes nothing for any other dialect, and GX has no per-datasource switch for it.
It relies on two GX 1.24 internals, both checked: the tuple exists and holds GX's SQLite dialect
(else :class:`GxInternalsChanged`), and an execution engine built for a ``duckdb://`` URL hands
out the same open connection on every ``get_connection()`` from a ``StaticPool`` (checked on every
gate by :class:`WarehouseDatasource`; else :class:`GxInternalsChanged`, before anything is
validated). The gate's own queries (which sources are loaded, a table's columns, a batch's row
count) run on that same connection; it is closed, and the warehouse file released, when the gate
ends.

**Regex.** GX 1.24 builds regex and LIKE conditions only for dialects it knows, and DuckDB is not
one ("Regex is not supported for dialect duckdb"). ``expect_column_values_to_match_duckdb_regex``
is GX's own ``expect_column_values_to_match_regex`` (same kwargs, rendering and results) with its
condition written as DuckDB's ``regexp_matches(CAST(column AS VARCHAR), '<pattern>')``: a match
anywhere in the text, like GX's pandas route (``str.contains``), in RE2 syntax.
"""

from __future__ import annotations

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # before GX is imported: no usage analytics

import contextlib  # noqa: E402
import copy  # noqa: E402
import logging  # noqa: E402
from collections.abc import Iterator, Mapping, Sequence  # noqa: E402
from enum import StrEnum  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import great_expectations as gx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from great_expectations.core.expectation_suite import ExpectationSuite  # noqa: E402
from great_expectations.core.expectation_validation_result import (  # noqa: E402
    ExpectationSuiteValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context import FileDataContext  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.data_context.types.resource_identifiers import (  # noqa: E402
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.datasource.fluent import SQLDatasource  # noqa: E402
from great_expectations.execution_engine import SqlAlchemyExecutionEngine  # noqa: E402
from great_expectations.execution_engine import sqlalchemy_execution_engine as gx_sql_engine  # noqa: E402
from great_expectations.execution_engine.sqlalchemy_dialect import GXSqlDialect  # noqa: E402
from great_expectations.expectations.core.expect_column_values_to_match_regex import (  # noqa: E402
    ExpectColumnValuesToMatchRegex,
)
from great_expectations.expectations.metrics.map_metric_provider import (  # noqa: E402
    ColumnMapMetricProvider,
    column_condition_partial,
)

from ..errors import HousingNeedError  # noqa: E402
from .data_docs_assets import localise  # noqa: E402
from .messages import redact  # noqa: E402
from .tables import quote_literal  # noqa: E402

log = logging.getLogger(__name__)

DATA_DOCS_SITE = "housing_need"
DATASOURCE = "housing_need_warehouse"
BATCH_DEFINITION = "batch"
# Validation results the Data Docs index lists (newest first). The index builder reads every
# listed result on each build, so an unbounded history would make every run slower.
DATA_DOCS_INDEX_LIMIT = 200
PARTIAL_UNEXPECTED_COUNT = 20
_NOISY_LOGGERS = ("great_expectations", "great_expectations._docs_decorators")

# First pass, every expectation: counts only. GX still asks for the "unexpected values" of each
# map expectation, but with a limit of 0 (DuckDB answers without scanning), so a passing suite
# costs one scan per domain (the batch, and each row condition) plus its table-level checks.
VERDICT_FORMAT: Mapping[str, Any] = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
}


class GxInternalsChanged(HousingNeedError):
    """GX no longer works the way the DuckDB route depends on (see this module's docstring)."""


# --------------------------------------------------------------------------------------------
# GX on DuckDB


class _DuckDBDialect(StrEnum):
    """An entry for GX's list of dialects needing a persisted connection. Its members are
    GXSqlDialect enums; GX compares them with the engine's dialect name (``in``) and reads their
    ``.value`` (a URL prefix): a str-valued enum answers both like them."""

    DUCKDB = "duckdb"


def persist_duckdb_connections() -> None:
    """Make GX keep one persistent connection for ``duckdb`` engines, as it does for SQLite."""
    dialects = getattr(gx_sql_engine, "_PERSISTED_CONNECTION_DIALECTS", None)
    if not isinstance(dialects, tuple) or GXSqlDialect.SQLITE not in dialects:
        raise GxInternalsChanged(
            f"great_expectations {gx.__version__}: sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS "
            f"is not the tuple of dialects (with SQLite) this gate extends with DuckDB, got {dialects!r}; "
            "without a persisted connection GX loses DuckDB query results (see STACK-NOTES)"
        )
    if _DuckDBDialect.DUCKDB.value not in dialects:
        gx_sql_engine._PERSISTED_CONNECTION_DIALECTS = (*dialects, _DuckDBDialect.DUCKDB)


def _persistent_connection(engine: SqlAlchemyExecutionEngine) -> sa.Connection:
    """The one connection GX will run every query of this engine on (checked, not assumed)."""
    with engine.get_connection() as first:
        pass
    with engine.get_connection() as second:
        pass
    if first is not second or first.closed or not isinstance(engine.engine.pool, sa.pool.StaticPool):
        raise GxInternalsChanged(
            f"great_expectations {gx.__version__} did not keep one open connection for the DuckDB "
            f"engine (pool {type(engine.engine.pool).__name__}, same connection: {first is second}); "
            "its results would be lost (see STACK-NOTES)"
        )
    return first


class ColumnValuesMatchDuckdbRegex(ColumnMapMetricProvider):
    """``column_values.match_regex`` for DuckDB: ``regexp_matches`` on the value as text."""

    condition_metric_name = "column_values.match_duckdb_regex"
    condition_value_keys = ("regex",)

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column: Any, regex: str, _dialect: Any = None, **kwargs: Any) -> Any:
        name = getattr(_dialect, "name", None)
        if name != "duckdb":
            raise NotImplementedError(f"{cls.condition_metric_name} runs on DuckDB only, not {name!r}")
        # The pattern is written into the SQL as a literal: DuckDB compiles a constant pattern
        # once, but a bound parameter for every row (about 3x slower on 15M rows).
        return sa.func.regexp_matches(sa.cast(column, sa.String), sa.literal_column(quote_literal(regex)))


class ExpectColumnValuesToMatchDuckdbRegex(ExpectColumnValuesToMatchRegex):
    """GX's ExpectColumnValuesToMatchRegex, evaluated with DuckDB's regexp_matches (RE2 syntax;
    DATE and number columns are matched as their text, e.g. ``YYYY-MM-DD``)."""

    map_metric = "column_values.match_duckdb_regex"


def require_gx() -> None:
    """Quiet GX's loggers; importing this module has registered the DuckDB expectation."""
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)


# --------------------------------------------------------------------------------------------
# The context


def open_context(gx_dir: Path, data_docs_dir: Path) -> FileDataContext:
    """The File Data Context under ``gx_dir``, with one local Data Docs site in ``data_docs_dir``."""
    require_gx()
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


class WarehouseDatasource:
    """The warehouse file, opened read-only, as the context's SQL datasource: one query asset per
    suite, and ONE persistent DuckDB connection for every query of the gate. Close it (or use it
    as a context manager) to release the file."""

    def __init__(self, context: FileDataContext, warehouse_path: Path):
        persist_duckdb_connections()
        self._context = context
        url = f"duckdb:///{Path(warehouse_path).resolve()}"
        existing = context.data_sources.all().get(DATASOURCE)
        if existing is not None and not isinstance(existing, SQLDatasource):
            context.data_sources.delete(DATASOURCE)  # e.g. the pandas datasource of earlier versions
            existing = None
        if existing is None or existing.connection_string != url:
            added = SQLDatasource(
                name=DATASOURCE, connection_string=url, kwargs={"connect_args": {"read_only": True}}
            )
            # GX probes the connection on its own engine when a datasource is added: close that
            # probe at once, so that the gate's connection is the only one left open.
            context.data_sources.add_or_update_sql(added)
            added.get_engine().dispose()
        datasource = context.data_sources.get(DATASOURCE)
        if not isinstance(datasource, SQLDatasource):
            raise GxInternalsChanged(
                f"GX datasource {DATASOURCE!r} is a {type(datasource).__name__}, not SQL"
            )
        self.datasource = datasource
        self.engine: SqlAlchemyExecutionEngine = self.datasource.get_execution_engine()
        try:
            self.connection = _persistent_connection(self.engine)
        except BaseException:
            self.engine.engine.dispose()  # release the file before saying why
            raise

    def batch_definition(self, name: str, query: str) -> Any:
        """A batch definition over ``query`` (a query asset named ``name``, replaced if changed)."""
        if name in self.datasource.get_asset_names():
            asset = self.datasource.get_asset(name)
            if getattr(asset, "query", None) != query:
                self.datasource.delete_asset(name)
        if name not in self.datasource.get_asset_names():
            asset = self.datasource.add_query_asset(name=name, query=query)
        try:
            return asset.get_batch_definition(BATCH_DEFINITION)
        except KeyError:
            return asset.add_batch_definition_whole_table(BATCH_DEFINITION)

    def validate(
        self,
        batch_definition: Any,
        suite: ExpectationSuite,
        *,
        run_id: RunIdentifier,
        parameters: Mapping[str, Any],
        id_columns: Sequence[str],
        redacted: bool,
    ) -> ExpectationSuiteValidationResult:
        """Validate the batch, then store the result for Data Docs (never with private values).

        Every expectation is evaluated once with counts only (:data:`VERDICT_FORMAT`). For an open
        source, the failing ones are evaluated again for examples: the first offending values and,
        through ``id_columns``, the rows holding them. For a private source they are not, and the
        result is stripped of any value (:func:`~housing_need.quality.messages.redact`) before it is
        stored.
        """
        batch = batch_definition.get_batch()
        if batch.data.execution_engine is not self.engine:
            raise GxInternalsChanged(
                "GX built a second execution engine for the warehouse: the gate would not run on one connection"
            )
        with _gx_logs_off() if redacted else contextlib.nullcontext():
            result = batch.validate(
                suite, result_format=dict(VERDICT_FORMAT), expectation_parameters=parameters
            )
        failing = {evr.expectation_config.id for evr in result.results if not evr.success}
        if redacted:
            for evr in result.results:
                redact(evr)
        elif failing:
            examples = _examples(batch, suite, failing, parameters, id_columns)
            result.results = [examples.get(evr.expectation_config.id, evr) for evr in result.results]
        # what ValidationDefinition.run adds, for the Data Docs pages
        result.meta["run_id"] = run_id
        result.meta["validation_time"] = run_id.run_time
        self._context.validation_results_store.set(result_identifier(suite.name, run_id, result), result)
        return result

    def close(self) -> None:
        """Close the gate's connection and dispose of the engine (releases the warehouse file)."""
        try:
            self.connection.close()
        finally:
            self.engine.engine.dispose()

    def __enter__(self) -> WarehouseDatasource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def _gx_logs_off() -> Iterator[None]:
    """GX logs the text of the errors it catches, and DuckDB's may quote a value ("Could not convert
    string '...'"): GX's loggers are silenced while a private source is validated. The result
    still records which expectations could not be evaluated (without the text: see redact)."""
    logger = logging.getLogger("great_expectations")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _examples(
    batch: Any,
    suite: ExpectationSuite,
    failing: set[str],
    parameters: Mapping[str, Any],
    id_columns: Sequence[str],
) -> dict[str, Any]:
    """Results with examples for the failing expectations (by id): the first offending values and
    their rows for map expectations, the first rows returned for a SQL expectation."""
    summary: dict[str, Any] = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": PARTIAL_UNEXPECTED_COUNT,
        "return_unexpected_index_query": False,
    }
    if id_columns:
        summary["unexpected_index_column_names"] = list(id_columns)
    found: dict[str, Any] = {}
    for expectation in suite.expectations:
        if expectation.id in failing:
            sql = expectation.expectation_type == "unexpected_rows_expectation"
            again = batch.validate(
                copy.copy(expectation),  # GX validates copies: an expectation belongs to one suite
                result_format={"result_format": "COMPLETE"} if sql else dict(summary),
                expectation_parameters=parameters,
            )
            again.expectation_config.id = expectation.id
            found[expectation.id] = again
    return found


def result_identifier(
    suite_name: str, run_id: RunIdentifier, result: ExpectationSuiteValidationResult
) -> ValidationResultIdentifier:
    return ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
        run_id=run_id,
        batch_identifier=result.batch_id,
    )


def suite_identifier(suite_name: str) -> ExpectationSuiteIdentifier:
    return ExpectationSuiteIdentifier(name=suite_name)


def build_data_docs(
    context: FileDataContext, data_docs_dir: Path, resources: list[Any], node_modules: Path
) -> tuple[Path | None, str | None]:
    """Render this run's suites and validation results and the index into the local site, with
    their scripts and styles served from the site (:mod:`.data_docs_assets`). Returns the index
    (None when none was built) and a warning when the site still needs the network."""
    try:
        context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=resources or None)
    except Exception:  # Data Docs are a report: never let them hide the gate's own verdict
        log.exception("building Data Docs in %s failed", data_docs_dir)
    index = data_docs_dir / "index.html"
    if not index.exists():
        return None, None
    try:
        return index, localise(data_docs_dir, node_modules).warning
    except OSError as exc:
        log.exception("serving the Data Docs assets locally in %s failed", data_docs_dir)
        return index, f"Data Docs load their assets from CDNs: copying them into the site failed ({exc})"
