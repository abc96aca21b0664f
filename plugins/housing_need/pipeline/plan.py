"""What a refresh loads: per source, the archived files the warehouse does not hold yet, the loaded
ones to withdraw (rejected since), and the deliveries refused at the door since the last run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..sources import SourceSpec
from . import archive
from .archive import ArchivedFile
from .build_state import get_value, set_value


@dataclass
class SourcePlan:
    pending: list[ArchivedFile] = field(default_factory=list)  # archived, not loaded, not rejected
    withdraw: list[ArchivedFile] = field(default_factory=list)  # loaded, then rejected
    skipped_rejected: list[ArchivedFile] = field(default_factory=list)  # rejected before loading
    refused: list[str] = field(default_factory=list)  # refused at the door since the last run


def plan(
    con: duckdb.DuckDBPyConnection, specs: Iterable[SourceSpec], archive_dir: Path
) -> dict[str, SourcePlan]:
    """Per source: what the archive holds that the warehouse does not, and what it must give back."""
    out: dict[str, SourcePlan] = {}
    for spec in specs:
        loaded = {
            r[0]
            for r in con.execute("select sha256 from meta.loads where source = ?", [spec.name]).fetchall()
        }
        rejected = archive.rejections(archive_dir, spec.name)
        source_plan = SourcePlan()
        for entry in archive.list_archived(archive_dir, spec.name):
            if entry.sha256 in rejected:
                (source_plan.withdraw if entry.sha256 in loaded else source_plan.skipped_rejected).append(
                    entry
                )
            elif entry.sha256 not in loaded:
                source_plan.pending.append(entry)
        out[spec.name] = source_plan
    return out


def archived(archive_dir: Path, spec: SourceSpec) -> list[ArchivedFile]:
    """What a first build loads: every archived file not rejected."""
    rejected = archive.rejections(archive_dir, spec.name)
    return [e for e in archive.list_archived(archive_dir, spec.name) if e.sha256 not in rejected]


def _seen_key(source: str) -> str:
    return f"archive_events_seen:{source}"


def new_refusals(con: duckdb.DuckDBPyConnection | None, archive_dir: Path, source: str) -> list[str]:
    """Deliveries refused at the door since the last published run (the count of archive events
    already reported lives in the warehouse, so an abandoned run reports them again)."""
    seen = int(get_value(con, _seen_key(source)) or 0) if con is not None else 0
    return [
        f"{e.name} ({e.origin}): {e.reason}"
        for e in archive.events(archive_dir, source)[seen:]
        if e.event == "refused"
    ]


def mark_refusals_seen(con: duckdb.DuckDBPyConnection, archive_dir: Path, source: str) -> None:
    set_value(con, _seen_key(source), str(len(archive.events(archive_dir, source))))
