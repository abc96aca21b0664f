"""The run report: one typed record of a refresh, read by the DAG tasks, the CLI and ``meta.runs``.

Every step appends a :class:`StepRecord` and fills its part (loads per source, what dbt rebuilt
and why, each gate's verdict, the row outcomes, what was published). The record is saved after
every step as ``var/runs/<run>.json`` (``latest.json`` is a copy of the newest), so the CLI reads
why a run failed from the record itself, never from logs; a published run also stores it in
``meta.runs`` inside the warehouse it published.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

# Run statuses
RUNNING, SUCCESS, FAILED, PARTIAL, UNCHANGED = "running", "success", "failed", "partial", "unchanged"
# Step statuses
DONE, SKIPPED, STEP_FAILED = "done", "skipped", "failed"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def safe_name(run_id: str) -> str:
    """A file-system-safe name for a run id (Airflow ids contain ':' and '+')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)[:120]


@dataclass
class LoadRecord:
    """One delivery loaded into raw (rows in file = loaded + quarantined)."""

    load_id: str
    source_file: str
    release: str
    rows_in_file: int
    rows_loaded: int
    rows_quarantined: int
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class SourceRecord:
    """What happened to one source in this run."""

    source: str
    privacy: str = "open"
    policy: str = ""
    status: str = "no new deliveries"  # new data | no new deliveries | failed | withdrawn
    loads: list[LoadRecord] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # load ids taken back out after a failed gate
    withdrawn: list[str] = field(default_factory=list)  # load ids removed because rejected after loading
    skipped_rejected: list[str] = field(default_factory=list)  # archived files skipped: rejected
    refused: list[str] = field(default_factory=list)  # deliveries refused at the door since the last run
    failures: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)  # "in facts" / reason -> rows, this run's loads

    @property
    def changed(self) -> bool:
        return bool(self.loads or self.withdrawn)


@dataclass
class BuildRecord:
    """What dbt rebuilt and why."""

    mode: str  # full | incremental | none
    reason: str
    select: list[str] = field(default_factory=list)
    summary: str = ""
    relations: list[str] = field(default_factory=list)  # "<schema>.<name>" built (models, seeds)
    seconds: float = 0.0


@dataclass
class GateRecord:
    gate: str
    passed: bool
    suites: int
    expectations: int
    skipped: int
    lines: list[str] = field(default_factory=list)
    data_docs: str | None = None
    seconds: float = 0.0


@dataclass
class StepRecord:
    name: str
    status: str
    started_at: str
    seconds: float
    summary: str = ""
    error: str | None = None


@dataclass
class RunReport:
    run_id: str
    started_at: str = field(default_factory=now_iso)
    finished_at: str | None = None
    status: str = RUNNING
    full: bool = False
    shadow: str | None = None
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    build: BuildRecord | None = None
    gates: dict[str, GateRecord] = field(default_factory=dict)
    steps: list[StepRecord] = field(default_factory=list)
    published: bool = False
    warehouse: str | None = None
    dbt_docs: str | None = None
    data_docs: str | None = None
    briefing: str | None = None
    postgres: str | None = None
    error: str | None = None

    # --- questions the steps ask -----------------------------------------------------------

    def source(self, name: str) -> SourceRecord:
        return self.sources.setdefault(name, SourceRecord(source=name))

    @property
    def changed_sources(self) -> list[str]:
        return [name for name, record in self.sources.items() if record.changed]

    @property
    def failed_sources(self) -> list[str]:
        return [name for name, record in self.sources.items() if record.failures]

    @property
    def nothing_to_build(self) -> bool:
        return self.build is not None and self.build.mode == "none"

    def step(self, name: str) -> StepRecord | None:
        return next((s for s in reversed(self.steps) if s.name == name), None)

    # --- persistence -------------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, default=str)

    @classmethod
    def from_json(cls, text: str) -> RunReport:
        return _build(cls, json.loads(text))

    def save(self, runs_dir: Path) -> Path:
        runs_dir.mkdir(parents=True, exist_ok=True)
        path = report_path(runs_dir, self.run_id)
        text = self.to_json()
        for target in (path, runs_dir / "latest.json"):
            tmp = target.with_name(f".{target.name}.{os.getpid()}")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
        return path


def report_path(runs_dir: Path, run_id: str) -> Path:
    return runs_dir / f"{safe_name(run_id)}.json"


def load_report(runs_dir: Path, run_id: str) -> RunReport | None:
    path = report_path(runs_dir, run_id)
    return RunReport.from_json(path.read_text(encoding="utf-8")) if path.exists() else None


T = TypeVar("T")


def _build(kind: type[T], data: Any) -> T:
    """A dataclass (nested dataclasses, lists and dicts of them) from its asdict() form."""
    hints = get_type_hints(kind)
    values = {}
    for f in fields(kind):  # type: ignore[arg-type]
        if f.name in data:
            values[f.name] = _value(hints[f.name], data[f.name])
    return kind(**values)


def _is_record(hint: Any) -> bool:
    return isinstance(hint, type) and is_dataclass(hint)


def _value(hint: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = get_origin(hint)
    args = get_args(hint)
    if origin is list and args and _is_record(args[0]):
        return [_build(args[0], item) for item in data]
    if origin is dict and len(args) == 2 and _is_record(args[1]):
        return {key: _build(args[1], item) for key, item in data.items()}
    if _is_record(hint):
        return _build(hint, data)
    for arg in args:  # Optional[...] / X | None
        if _is_record(arg):
            return _build(arg, data)
    return data
