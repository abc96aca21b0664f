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
    not_modified: list[str] = field(default_factory=list)  # URLs that answered 304

    def lines(self) -> list[str]:
        out = [
            f"{self.source}: {len(self.archived)} new file(s) archived, {len(self.duplicates)} already archived"
        ]
        out += [
            f"  new: {a.original_name} (release {a.release}, sha256 {a.sha256[:12]})" for a in self.archived
        ]
        out += [f"  duplicate: {d}" for d in self.duplicates]
        out += [f"  rejected: {r}" for r in self.rejected]
        out += [f"  not modified since the last fetch: {url}" for url in self.not_modified]
        return out


def _state_path(settings: Settings, spec: SourceSpec) -> Path:
    return settings.archive_dir / spec.name / "fetch_state.json"


def _read_states(path: Path) -> dict[str, FetchState]:
    """Validators of the last fetch of each URL (``{"urls": {url: state}}``; a file from before
    several URLs were allowed holds one state)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    states = data["urls"].values() if "urls" in data else [data]
    return {s["url"]: FetchState.from_dict(s) for s in states}


def _from_urls(
    spec: SourceSpec, settings: Settings, urls: list[str], summary: ExtractSummary
) -> list[Delivery]:
    state_file = _state_path(settings, spec)
    states = _read_states(state_file)
    deliveries = []
    for url in urls:
        result = fetch_url(url, previous=states.get(url))
        if result.not_modified or result.content is None:
            summary.not_modified.append(url)
            continue
        states[url] = result.state()
        deliveries.append(Delivery(origin=f"url:{url}", name=result.filename, content=result.content))
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(
        json.dumps({"urls": {u: s.to_dict() for u, s in states.items() if u in urls}}, indent=2)
    )
    return deliveries


def _files_in(folder: Path, extensions: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in extensions)


def collect_deliveries(spec: SourceSpec, settings: Settings, summary: ExtractSummary) -> list[Delivery]:
    exts = tuple(e.lower() for e in spec.file_extensions)
    deliveries: list[Delivery] = []
    urls = settings.source_url_list(spec.name)
    if urls:
        deliveries += _from_urls(spec, settings, urls, summary)
    for path in _files_in(settings.inbox_dir / spec.name, exts):
        deliveries.append(
            Delivery(origin="inbox", name=path.name, content=path.read_bytes(), inbox_path=path)
        )
    if settings.use_sample and not urls:
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
