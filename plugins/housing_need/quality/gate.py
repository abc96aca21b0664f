"""Run a quality gate: every suite of the gate, as SQL on the DuckDB warehouse, then Data Docs.

:func:`run_gate` opens the warehouse read-only as a GX SQL datasource with one persistent DuckDB
connection (see :mod:`.context`) and validates each suite's batch (see :mod:`.tables`): the whole
table, or, when the caller names this run's new loads, only the rows of those loads. Suites of
sources with nothing new, or on tables not rebuilt in this run, are skipped and say why. Results
are stored in a File Data Context under ``gx_dir`` (generated, not committed) and Data Docs are
built into ``data_docs_dir`` on every run, pass or fail.

Suites may use ``{"$PARAMETER": "today"}`` (the run's UTC date, as a datetime at midnight) in
expectation kwargs, e.g. as the upper bound of a date column.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import settings
from ..errors import HousingNeedError, QualityGateFailed
from .messages import describe_failure
from .suites import SuiteDefinition, load_suites
from .tables import TableUnavailable, batch_for, batch_rows, loaded_sources

log = logging.getLogger(__name__)


@dataclass
class SuiteOutcome:
    """What one suite found on one table."""

    suite: str
    table: str
    success: bool
    evaluated: int  # expectations evaluated
    unsuccessful: int  # of those, how many failed
    failures: list[str]  # one line per failing expectation (or why the suite could not run)
    rows: int | None = None  # rows validated (None when nothing was read)
    seconds: float = 0.0
    skipped: str | None = None  # why the suite did not run
    sources: list[str] = field(default_factory=list)  # the suite's meta.requires_loads_from
    redacted: bool = False  # a source is private: messages and stored results carry no values
    scope: str | None = None  # what was validated: "whole table" or the new loads

    def line(self) -> str:
        if self.skipped:
            return f"skip suite {self.suite} on {self.table}: {self.skipped}"
        status = "ok  " if self.success else "FAIL"
        if self.evaluated:
            counts = f"{self.evaluated - self.unsuccessful} of {self.evaluated} expectations passed"
        else:
            counts = "not evaluated"
        rows = f", {self.rows} rows" if self.rows is not None else ""
        scope = f" of {self.scope}" if self.scope and self.rows is not None else ""
        private = ", private: values withheld" if self.redacted else ""
        return f"{status} suite {self.suite} on {self.table}: {counts}{rows}{scope}{private} ({self.seconds:.1f} s)"

    def failure_lines(self) -> list[str]:
        return [f"suite {self.suite} on {self.table}: {f}" for f in self.failures or ["failed (no details)"]]


@dataclass
class GateResult:
    gate: str
    outcomes: list[SuiteOutcome]
    data_docs_index: Path | None
    seconds: float = 0.0
    data_docs_warning: str | None = None  # e.g. the site still loads its assets from CDNs

    @property
    def success(self) -> bool:
        return bool(self.outcomes) and all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[SuiteOutcome]:
        return [o for o in self.outcomes if not o.success]

    def failed_sources(self) -> dict[str, list[str]]:
        """Source -> failure lines of the failed suites holding its data, so that a caller can set
        that source's new loads aside and go on with the others. A failed suite that names no
        source (``meta.requires_loads_from``) is in :attr:`failed` only: nothing to set aside."""
        found: dict[str, list[str]] = {}
        for outcome in self.failed:
            for source in outcome.sources:
                found.setdefault(source, []).extend(outcome.failure_lines())
        return found

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
        if self.data_docs_warning:
            lines.append(f"  warning: {self.data_docs_warning}")
        return "\n".join(lines)

    def failure_message(self) -> str:
        """The text of :class:`QualityGateFailed`: every failing suite, table, expectation and values."""
        lines = [f"{self.gate} gate failed: {len(self.failed)} of {len(self.outcomes)} suite(s) failed"]
        if not self.outcomes:
            lines[0] = f"{self.gate} gate failed: no suites ran"
        for outcome in self.failed:
            lines.extend(f"  {line}" for line in outcome.failure_lines())
        if self.data_docs_index:
            lines.append(f"  Data Docs: {self.data_docs_index}")
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise :class:`QualityGateFailed` (:meth:`failure_message`, with this result as ``.result``)
        when any suite failed."""
        if not self.success:
            error = QualityGateFailed(self.failure_message())
            error.result = self  # type: ignore[attr-defined]
            raise error

    def to_dict(self) -> dict[str, Any]:
        """As JSON types (for the gate's child process to hand back, :mod:`.child`)."""
        return {
            **asdict(self),
            "data_docs_index": str(self.data_docs_index) if self.data_docs_index else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GateResult:
        return cls(
            gate=data["gate"],
            outcomes=[SuiteOutcome(**outcome) for outcome in data["outcomes"]],
            data_docs_index=Path(data["data_docs_index"]) if data["data_docs_index"] else None,
            seconds=data["seconds"],
            data_docs_warning=data["data_docs_warning"],
        )


def run_gate(
    gate: str,
    warehouse_path: Path,
    *,
    expectations_dir: Path,
    gx_dir: Path,
    data_docs_dir: Path,
    new_loads: Mapping[str, Sequence[str]] | None = None,
    tables: Collection[str] | None = None,
    redact_sources: Collection[str] = (),
    raise_on_failure: bool = True,
    node_modules: Path | None = None,
) -> GateResult:
    """Validate the suites of ``gate`` against the warehouse; build Data Docs; raise on failure.

    ``new_loads`` (source -> this run's new load ids) limits each suite to the rows of its
    sources' new loads (``_load_id``), and skips suites whose sources have none; without it each
    suite validates its whole table, and is skipped until its sources' first delivery is loaded
    (``meta.loads``). ``tables`` (``"<schema>.<table>"`` rebuilt in this run) skips suites on other
    tables. Suites whose sources are in ``redact_sources`` (private data) report counts, rules and
    column names but never a data value, in messages or in the results stored for Data Docs.

    Raises :class:`QualityGateFailed` (after Data Docs are built) when any suite fails and
    ``raise_on_failure``; the exception carries the :class:`GateResult` as ``.result``.

    ``node_modules`` holds the npm packages the Data Docs' scripts and styles are copied from
    (default: the project's, :attr:`~housing_need.config.Settings.node_modules_dir`).
    """
    started = time.perf_counter()
    suites = load_suites(expectations_dir, gate)
    warehouse_path = Path(warehouse_path)
    if not warehouse_path.exists():
        raise HousingNeedError(f"{gate} gate: warehouse {warehouse_path} does not exist")
    private = set(redact_sources)
    rebuilt = None if tables is None else set(tables)

    from . import context as gx_context  # imports GX (seconds): only when a gate runs

    gx = gx_context.open_context(Path(gx_dir), Path(data_docs_dir))
    run_time = datetime.now(UTC)
    run_id = gx_context.RunIdentifier(run_name=f"{gate} gate", run_time=run_time)
    parameters = {"today": datetime.combine(run_time.date(), datetime.min.time())}
    outcomes: list[SuiteOutcome] = []
    docs_resources: list[Any] = []
    try:
        with gx_context.WarehouseDatasource(gx, warehouse_path) as warehouse:
            run = _SuiteRun(
                gate=gate,
                gx=gx,
                gx_context=gx_context,
                warehouse=warehouse,
                run_id=run_id,
                parameters=parameters,
                new_loads=new_loads,
                rebuilt=rebuilt,
                loaded=loaded_sources(warehouse.connection) if new_loads is None else set(),
                private=private,
                docs_resources=docs_resources,
            )
            for definition in suites:
                outcomes.append(run.suite(definition))
    finally:
        # Pass, fail or error: the docs show whatever was validated (building never raises).
        index, docs_warning = gx_context.build_data_docs(
            gx, Path(data_docs_dir), docs_resources, node_modules or settings().node_modules_dir
        )

    gate_result = GateResult(
        gate=gate,
        outcomes=outcomes,
        data_docs_index=index,
        seconds=time.perf_counter() - started,
        data_docs_warning=docs_warning,
    )
    if raise_on_failure:
        gate_result.raise_if_failed()
    return gate_result


@dataclass
class _SuiteRun:
    """What every suite of one gate run shares: the GX context and warehouse datasource, the run's
    id and parameters, what decides a skip, and the Data Docs resources gathered so far."""

    gate: str
    gx: Any
    gx_context: Any  # the .context module (imported only when a gate runs)
    warehouse: Any
    run_id: Any
    parameters: dict[str, Any]
    new_loads: Mapping[str, Sequence[str]] | None
    rebuilt: set[str] | None
    loaded: set[str]
    private: set[str]
    docs_resources: list[Any]

    def suite(self, definition: SuiteDefinition) -> SuiteOutcome:
        """Skip, or validate one suite on its batch and record its result for Data Docs."""
        started = time.perf_counter()
        redacted = bool(self.private.intersection(definition.requires_loads_from))
        skipped = _why_skipped(definition, new_loads=self.new_loads, rebuilt=self.rebuilt, loaded=self.loaded)
        if skipped:
            outcome = _not_run(definition, redacted, success=True, skipped=skipped)
            log.info("%s gate: %s", self.gate, outcome.line())
            return outcome
        gx_suite = self.gx.suites.add_or_update(definition.to_gx())
        self.docs_resources.append(self.gx_context.suite_identifier(definition.name))
        try:
            batch = batch_for(
                self.warehouse.connection,
                definition.table,
                columns_needed=definition.columns_needed(),
                load_ids=_load_ids(definition, self.new_loads),
            )
        except TableUnavailable as e:
            outcome = _not_run(definition, redacted, success=False, failures=[str(e)], started=started)
            log.warning("%s gate: suite %s: %s", self.gate, definition.name, e)
            return outcome
        rows = batch_rows(self.warehouse.connection, batch)
        result = self.warehouse.validate(
            self.warehouse.batch_definition(definition.name, batch.query),
            gx_suite,
            run_id=self.run_id,
            parameters=self.parameters,
            id_columns=definition.id_columns,
            redacted=redacted,
        )
        self.docs_resources.append(self.gx_context.result_identifier(definition.name, self.run_id, result))
        positions = {e.id: i for i, e in enumerate(gx_suite.expectations) if e.id}
        outcome = _outcome(definition, result, positions, redacted=redacted)
        outcome.rows, outcome.scope = rows, batch.describe()
        outcome.seconds = time.perf_counter() - started
        log.info("%s gate: %s", self.gate, outcome.line())
        return outcome


def _why_skipped(
    definition: SuiteDefinition,
    *,
    new_loads: Mapping[str, Sequence[str]] | None,
    rebuilt: set[str] | None,
    loaded: set[str],
) -> str | None:
    if rebuilt is not None and definition.table not in rebuilt:
        return "not rebuilt in this run"
    sources = definition.requires_loads_from
    if new_loads is not None:
        if sources and not any(new_loads.get(source) for source in sources):
            return f"no new deliveries of {', '.join(sources)} in this run"
        return None
    missing = [source for source in sources if source not in loaded]
    if missing:
        return f"no deliveries of {', '.join(missing)} loaded yet"
    return None


def _load_ids(definition: SuiteDefinition, new_loads: Mapping[str, Sequence[str]] | None) -> list[str] | None:
    """This run's new loads of the suite's sources, or None for the whole table."""
    if new_loads is None or not definition.requires_loads_from:
        return None
    ids = [i for source in definition.requires_loads_from for i in new_loads.get(source) or ()]
    return list(dict.fromkeys(ids))


def _not_run(
    definition: SuiteDefinition,
    redacted: bool,
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
        sources=definition.requires_loads_from,
        redacted=redacted,
    )


def _outcome(
    definition: SuiteDefinition, result: Any, positions: Mapping[str, int], *, redacted: bool
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
        line = describe_failure(expectation_result, written, definition.id_columns, redacted=redacted)
        failing.append((position, line))
    failures = [text for _, text in sorted(failing, key=lambda item: item[0])]
    return SuiteOutcome(
        suite=definition.name,
        table=definition.table,
        success=bool(result.success),
        evaluated=len(result.results),
        unsuccessful=len(failures),
        failures=failures,
        sources=definition.requires_loads_from,
        redacted=redacted,
    )
