"""Extract: collect deliveries for a source (publisher URL, inbox folder, bundled sample) into the archive.

Each delivery is parsed once here as a check (parsers are pure and fast), so a structurally broken
file is rejected at the door with an error naming file, row and column, and never reaches the
warehouse. Inbox files are moved to ``processed/`` or ``rejected/`` (with a ``.reason.txt``).
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .archive import ArchivedFile, archive_bytes
from .config import Settings
from .errors import ParseError
from .fetch import FetchState, fetch_url
from .sources.base import SourceSpec

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    origin: str
    name: str
    content: bytes
    inbox_path: Path | None = None


@dataclass
class ExtractSummary:
    source: str
    archived: list[ArchivedFile] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    not_modified: bool = False

    def lines(self) -> list[str]:
        out = [
            f"{self.source}: {len(self.archived)} new file(s) archived, {len(self.duplicates)} already archived"
        ]
        out += [
            f"  new: {a.original_name} (release {a.release}, sha256 {a.sha256[:12]})" for a in self.archived
        ]
        out += [f"  duplicate: {d}" for d in self.duplicates]
        out += [f"  rejected: {r}" for r in self.rejected]
        if self.not_modified:
            out.append("  publisher URL: not modified since last fetch")
        return out


def _state_path(settings: Settings, spec: SourceSpec) -> Path:
    return settings.archive_dir / spec.name / "fetch_state.json"


def _from_url(spec: SourceSpec, settings: Settings, url: str, summary: ExtractSummary) -> list[Delivery]:
    state_file = _state_path(settings, spec)
    previous = FetchState.from_dict(json.loads(state_file.read_text())) if state_file.exists() else None
    if previous is not None and previous.url != url:
        previous = None
    result = fetch_url(url, previous=previous)
    if result.not_modified or result.content is None:
        summary.not_modified = True
        return []
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(result.state().to_dict(), indent=2))
    return [Delivery(origin=f"url:{url}", name=result.filename, content=result.content)]


def _files_in(folder: Path, extensions: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in extensions)


def collect_deliveries(spec: SourceSpec, settings: Settings, summary: ExtractSummary) -> list[Delivery]:
    exts = tuple(e.lower() for e in spec.file_extensions)
    deliveries: list[Delivery] = []
    url = settings.source_url(spec.name)
    if url:
        deliveries += _from_url(spec, settings, url, summary)
    for path in _files_in(settings.inbox_dir / spec.name, exts):
        deliveries.append(
            Delivery(origin="inbox", name=path.name, content=path.read_bytes(), inbox_path=path)
        )
    if settings.use_sample and not url:
        for path in _files_in(settings.sample_dir / spec.name, exts):
            deliveries.append(Delivery(origin="sample", name=path.name, content=path.read_bytes()))
    return deliveries


def _move(path: Path, folder: str, reason: str | None = None) -> None:
    target_dir = path.parent / folder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    shutil.move(str(path), target)
    if reason is not None:
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")


def extract_source(spec: SourceSpec, settings: Settings) -> ExtractSummary:
    """Archive every new delivery for ``spec``. Raises ParseError (after archiving the good ones)
    if any delivery is structurally broken."""
    summary = ExtractSummary(source=spec.name)
    errors: list[ParseError] = []
    for delivery in collect_deliveries(spec, settings, summary):
        try:
            parsed = spec.parse(delivery.content, delivery.name)
            parsed.check_accounting()
        except ParseError as exc:
            log.error("%s: rejected %s: %s", spec.name, delivery.name, exc)
            summary.rejected.append(str(exc))
            errors.append(exc)
            if delivery.inbox_path is not None:
                _move(delivery.inbox_path, "rejected", str(exc))
            continue
        entry, is_new = archive_bytes(
            settings.archive_dir,
            spec.name,
            delivery.content,
            original_name=delivery.name,
            origin=delivery.origin,
            release=parsed.release,
        )
        if is_new:
            summary.archived.append(entry)
        else:
            summary.duplicates.append(delivery.name)
        if delivery.inbox_path is not None:
            _move(delivery.inbox_path, "processed")
    for line in summary.lines():
        log.info(line)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ParseError(
            ", ".join(e.file for e in errors),
            f"{len(errors)} deliveries rejected for {spec.name}:\n" + "\n".join(str(e) for e in errors),
        )
    return summary
