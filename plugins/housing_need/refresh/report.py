"""The run report: one typed record of a refresh, read by the DAG tasks, the CLI and ``meta.runs``.

Every step appends a :class:`StepRecord` and fills its part (loads per source, what dbt rebuilt
and why, each gate's verdict, the row outcomes, what was published). The record is saved after
every step as ``var/runs/<run>.json`` (``latest.json`` is a copy of the newest), so the CLI reads
why a run failed from the record itself, never from logs; a published run also stores it in
``meta.runs`` inside the warehouse it published (:func:`record_run`).

The records are pydantic models: the model is the format's documentation, and a report file with a
wrong or unknown key fails to load naming the file and the key.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import HousingNeedError
from ..pipeline.records import LoadRecord

if TYPE_CHECKING:
    import duckdb

RunStatus = Literal["running", "success", "failed", "partial", "unchanged"]
StepStatus = Literal["done", "skipped", "failed"]
SourceStatus = Literal["new data", "no new deliveries", "failed", "withdrawn"]
BuildMode = Literal["full", "modified", "incremental", "none"]

RUNNING: Final = "running"
SUCCESS: Final = "success"
FAILED: Final = "failed"
PARTIAL: Final = "partial"
UNCHANGED: Final = "unchanged"
LATEST: Final = "latest.json"  # a copy of the newest run's report
DONE: Final = "done"
SKIPPED: Final = "skipped"
STEP_FAILED: Final = "failed"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def safe_name(run_id: str) -> str:
    """A file-system-safe name for a run id (Airflow ids contain ':' and '+')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)[:120]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRecord(_Record):
    """What happened to one source in this run."""

    source: str
    privacy: str = "open"
    policy: str = ""
    status: SourceStatus = "no new deliveries"
    loads: list[LoadRecord] = Field(default_factory=list)
    set_aside: list[str] = Field(default_factory=list)  # load ids taken back out after a failed gate
    withdrawn: list[str] = Field(default_factory=list)  # load ids removed because rejected after loading
    skipped_rejected: list[str] = Field(default_factory=list)  # archived files skipped: rejected
    refused: list[str] = Field(default_factory=list)  # deliveries refused at the door since the last run
    failures: list[str] = Field(default_factory=list)
    outcomes: dict[str, int] = Field(default_factory=dict)  # "in facts" / reason -> rows, this run's loads

    @property
    def changed(self) -> bool:
        return bool(self.loads or self.withdrawn)


class BuildRecord(_Record):
    """What dbt rebuilt and why. ``full``: the whole project; ``modified``: what changed in the dbt
    project since the published build and everything downstream (``state:modified+``), plus what
    depends on the sources that delivered; ``incremental``: only what depends on those sources."""

    mode: BuildMode
    reason: str
    select: list[str] = Field(default_factory=list)
    summary: str = ""
    relations: list[str] = Field(default_factory=list)  # "<schema>.<name>" built (models, seeds)
    dropped: list[str] = Field(default_factory=list)  # relations of models/seeds removed from the project
    seconds: float = 0.0


class GateRecord(_Record):
    """One Great Expectations gate's verdict."""

    gate: str
    passed: bool
    suites: int
    expectations: int
    skipped: int
    lines: list[str] = Field(default_factory=list)
    data_docs: str | None = None
    seconds: float = 0.0


class StepRecord(_Record):
    """One step of the run: done, skipped (and why) or failed (and the error)."""

    name: str
    status: StepStatus
    started_at: str
    seconds: float
    summary: str = ""
    error: str | None = None


class RunReport(_Record):
    """A refresh, from its first step to its last."""

    run_id: str
    started_at: str = Field(default_factory=now_iso)
    finished_at: str | None = None
    status: RunStatus = RUNNING
    full: bool = False
    shadow: str | None = None
    sources: dict[str, SourceRecord] = Field(default_factory=dict)
    build: BuildRecord | None = None
    gates: dict[str, GateRecord] = Field(default_factory=dict)
    steps: list[StepRecord] = Field(default_factory=list)
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
        return json.dumps(self.model_dump(), indent=2, default=str)

    @classmethod
    def from_json(cls, text: str, *, name: str = "run report") -> RunReport:
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            raise HousingNeedError(
                f"{name} is not a run report this version reads: {_problems(exc)}"
            ) from None

    def save(self, runs_dir: Path) -> Path:
        runs_dir.mkdir(parents=True, exist_ok=True)
        path = report_path(runs_dir, self.run_id)
        text = self.to_json()
        for target in (path, runs_dir / LATEST):
            tmp = target.with_name(f".{target.name}.{os.getpid()}")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
        return path


def report_path(runs_dir: Path, run_id: str) -> Path:
    return runs_dir / f"{safe_name(run_id)}.json"


def load_latest(runs_dir: Path) -> RunReport | None:
    """The newest run's report; None when there is none or it is not one this version reads."""
    path = runs_dir / LATEST
    if not path.exists():
        return None
    try:
        return RunReport.from_json(path.read_text(encoding="utf-8"), name=str(path))
    except HousingNeedError:
        return None


def load_report(runs_dir: Path, run_id: str) -> RunReport | None:
    path = report_path(runs_dir, run_id)
    if not path.exists():
        return None
    return RunReport.from_json(path.read_text(encoding="utf-8"), name=str(path))


def record_run(con: duckdb.DuckDBPyConnection, report: RunReport) -> None:
    """Store the report in ``meta.runs`` of the warehouse it publishes."""
    con.execute(
        "insert or replace into meta.runs values (?, ?, ?, ?, ?)",
        [
            report.run_id,
            datetime.fromisoformat(report.started_at).replace(tzinfo=None),
            datetime.now(UTC).replace(tzinfo=None),
            report.status,
            report.to_json(),
        ],
    )


def _problems(exc: ValidationError) -> str:
    """Each wrong key by its path in the record, e.g. ``sources.x.loads.0.rows: Field required``."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
