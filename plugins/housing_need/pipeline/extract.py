"""Extract: collect deliveries for a source (publisher URL, a release discovered on the publisher's
page on its calendar, inbox folder, bundled sample) into the archive.

Each new delivery is parsed once here as a check (parsers are pure and fast), so a structurally
broken file is refused at the door with an error naming file, row and column, and never reaches the
warehouse. A refused delivery is refused alone: the others are archived, the refusal is recorded in
the archive's ``events.jsonl`` (the next refresh reports the source as failed) and the summary lists
it, so the extract task can fail for monitoring after the good deliveries are safe.

Inbox files are moved to ``processed/`` or ``rejected/`` (with a ``.reason.txt``). For private
sources the archive is encrypted, and no plaintext copy stays behind: an archived inbox file is
deleted, a refused one is kept only encrypted under ``archive/<source>/refused/``.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..config import Settings
from ..errors import HousingNeedError, ParseError
from ..privacy import crypto
from ..privacy.keys import ARCHIVE_KEY, load_key
from ..privacy.policy import policy_for
from ..sources import SourceSpec
from ..sources.publication import CalendarStatus, Discovery, ReleasedOnce
from . import archive
from .archive import ArchivedFile, sha256_of
from .discover import DiscoveryError, discover_since
from .fetch import FetchState, fetch_url

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    """A delivery to consider: fetched bytes (``data``) or a file (``path``: an inbox or sample file,
    hashed and archived a block at a time, and read whole only to inspect a new one)."""

    origin: str
    name: str
    data: bytes | None = None
    path: Path | None = None
    inbox_path: Path | None = None

    @property
    def content(self) -> bytes:
        """The delivered bytes (read from the file each time: hold them only while needed)."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    def sha256(self) -> str:
        return sha256_of(self.data) if self.data is not None else archive.sha256_of_file(self._path)

    def delivered(self, digest: str) -> archive.Delivered:
        if self.data is not None:
            return archive.Delivered.of_bytes(self.data, digest)
        return archive.Delivered.of_file(self._path, digest)

    @property
    def _path(self) -> Path:
        assert self.path is not None, "a delivery is bytes or a file"
        return self.path


@dataclass
class ExtractSummary:
    source: str
    archived: list[ArchivedFile] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)  # URLs that answered 304
    calendar: str | None = None  # where the source stands against its release calendar
    discovered: str | None = None  # the newest release found on the publisher's page
    errors: list[str] = field(default_factory=list)  # the publisher's page could not be read
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

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
        out += [f"  release calendar: {self.calendar}"] if self.calendar else []
        out += [f"  discovered: {self.discovered}"] if self.discovered else []
        out += [f"  error: {e}" for e in self.errors]
        return out

    def to_dict(self) -> dict:
        data = asdict(self)
        data["archived"] = [a.original_name for a in self.archived]
        return data


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
        deliveries.append(Delivery(origin=f"url:{url}", name=result.filename, data=result.content))
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(
        json.dumps({"urls": {u: s.to_dict() for u, s in states.items() if u in urls}}, indent=2)
    )
    return deliveries


def _files_in(folder: Path, extensions: tuple[str, ...] | None) -> list[Path]:
    """Regular files of ``folder`` (not hidden, not our .reason.txt notes); ``extensions`` filters
    them (the bundled sample folder also holds its README). An inbox is not filtered: a file of an
    unsupported type is refused with a reason rather than ignored."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.endswith(".reason.txt")
        and (extensions is None or p.suffix.lower() in extensions)
    )


def archived_releases(settings: Settings, spec: SourceSpec) -> list[str]:
    """The releases of the source's archived files."""
    return [str(e.release) for e in archive.list_archived(settings.archive_dir, spec.name)]


def calendar_status(spec: SourceSpec, settings: Settings, today: date | None = None) -> CalendarStatus | None:
    """Where ``spec`` stands against its release calendar on ``today`` (default: HOUSING_NEED_TODAY,
    else the real date); None when it has no calendar or release discovery is off."""
    if not settings.discover or spec.calendar is None:
        return None
    releases = archived_releases(settings, spec)
    return spec.calendar.status(
        spec.calendar.latest_period(releases), settings.today or today or date.today(), releases
    )


def _pages_to_read(spec: SourceSpec, settings: Settings, status: CalendarStatus) -> list[Discovery]:
    """The discovery pages to read: every page, except that a source released in parts reads only
    the pages holding a part that is missing and whose window has opened."""
    pages = list(spec.discoveries)
    if isinstance(spec.calendar, ReleasedOnce) and any(d.parts for d in pages):
        due = spec.calendar.due_parts(archived_releases(settings, spec), status.today)
        pages = [d for d in pages if not d.parts or due & set(d.parts)]
    return pages


def _discovered_urls(
    spec: SourceSpec, settings: Settings, summary: ExtractSummary, status: CalendarStatus
) -> list[str]:
    """The URLs of the releases to fetch from the publisher's pages (the newest, and any file of a
    period from the newest archived on: a missed or revised release), when the calendar says to look."""
    assert spec.discoveries
    summary.calendar = status.text()
    if not status.should_look:
        return []
    found = []
    for discovery in _pages_to_read(spec, settings, status):
        try:
            found += discover_since(
                discovery, status.latest_period, settings.discovery_page(spec.name, discovery.name)
            )
        except DiscoveryError as exc:
            summary.errors.append(str(exc))
    if found:
        # newest first: the release the calendar was waiting for, then any earlier file fetched again
        summary.discovered = "; ".join(
            f"{r.attachment.filename} (data to {r.period}) at {r.attachment.url}" for r in reversed(found)
        )
    return [r.attachment.url for r in found]


def _generated_folder(spec: SourceSpec, settings: Settings) -> Path | None:
    """Where the SYNTHETIC sample of a feed whose sample cannot ship is generated; None for a feed
    whose sample is bundled as files."""
    if not spec.synthetic_sample or not (settings.sample_dir / spec.name).is_dir():
        return None
    return settings.var_dir / "generated" / spec.name


def sample_folder(
    spec: SourceSpec, settings: Settings, sample_writers: Mapping[str, Callable[[Path], None]] | None = None
) -> Path:
    """The bundled sample of ``spec``, or for a feed whose sample cannot ship, its SYNTHETIC sample,
    generated once into var/generated/<source>/ (a marker file says the generation finished) when
    the sample folder has the feed's folder (its README says the sample is generated), by the writer
    the caller hands in (``sample_writers``: source name -> writer; housing_need.synth.samples)."""
    folder = _generated_folder(spec, settings)
    if folder is None:
        return settings.sample_dir / spec.name
    write = (sample_writers or {}).get(spec.name)
    done = folder / ".generated"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if write is None:
            raise HousingNeedError(
                f"{spec.name}: its sample is SYNTHETIC and generated, but no sample writer was handed to the "
                "extract (pass housing_need.synth.samples.sample_writers())"
            )
        log.info("%s: generating the SYNTHETIC sample into %s", spec.name, folder)
        write(folder)
        done.write_text("SYNTHETIC sample, generated by housing-need\n", encoding="utf-8")
    return folder


def collect_deliveries(
    spec: SourceSpec,
    settings: Settings,
    summary: ExtractSummary,
    today: date | None = None,
    sample_writers: Mapping[str, Callable[[Path], None]] | None = None,
) -> Iterator[Delivery]:
    """The deliveries to consider, one at a time: a file is read when its turn comes, so a
    national register run (3,800 snapshots, 5 GB) never holds more than one in memory (and one
    already archived is only hashed, a block at a time)."""
    pasted = settings.source_url_list(spec.name)
    status = None if pasted else calendar_status(spec, settings, today)
    urls = _discovered_urls(spec, settings, summary, status) if status is not None else pasted
    if urls:
        yield from _from_urls(spec, settings, urls, summary)
    for path in _files_in(settings.inbox_dir / spec.name, None):
        yield Delivery(origin="inbox", name=path.name, path=path, inbox_path=path)
    # a pasted URL replaces the sample; a discovered release comes beside it (the census's Nomis
    # tables beside its bundled conversions and 2011 tables)
    if settings.use_sample and not pasted:
        exts = tuple(e.lower() for e in spec.file_extensions)
        for path in _files_in(sample_folder(spec, settings, sample_writers), exts):
            yield Delivery(origin="sample", name=path.name, path=path)


def why_extract(spec: SourceSpec, settings: Settings, today: date | None = None) -> str | None:
    """Why the extract of ``spec`` may find a new delivery, or None when it cannot: no publisher URL
    to ask, no release due on its calendar, an empty inbox, and every sample file archived already.
    It reads only local files (no request, no generation, nothing moved), so a refresh can skip the
    extract's DAG run when there is nothing to collect; the decisions mirror
    :func:`collect_deliveries`."""
    if settings.source_url_list(spec.name):
        return "a publisher URL is configured (only a request can tell whether it changed)"
    status = calendar_status(spec, settings, today)
    if status is not None and status.should_look:
        return f"its release calendar says to look ({status.text()})"
    if _files_in(settings.inbox_dir / spec.name, None):
        return "files are waiting in its inbox"
    if not settings.use_sample:
        return None
    generated = _generated_folder(spec, settings)
    if generated is not None and not (generated / ".generated").exists():
        return "its SYNTHETIC sample is not generated yet"
    known = {e.sha256 for e in archive.list_archived(settings.archive_dir, spec.name)}
    exts = tuple(e.lower() for e in spec.file_extensions)
    for path in _files_in(generated or settings.sample_dir / spec.name, exts):
        if archive.sha256_of_file(path) not in known:
            return f"the sample file {path.name} is not archived yet"
    return None


def _move(path: Path, folder: str, reason: str | None = None) -> None:
    target_dir = path.parent / folder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    shutil.move(str(path), target)
    if reason is not None:
        _write_reason(target_dir, path.name, reason)


def _write_reason(folder: Path, name: str, reason: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.reason.txt").write_text(reason + "\n", encoding="utf-8")


def _refuse(
    spec: SourceSpec, settings: Settings, delivery: Delivery, digest: str, reason: str, key: bytes | None
) -> None:
    archive.refused(
        settings.archive_dir, spec.name, name=delivery.name, origin=delivery.origin, reason=reason
    )
    if delivery.inbox_path is None:
        return
    if key is None:
        _move(delivery.inbox_path, "rejected", reason)
        return
    # Private: keep the refused bytes only encrypted, beside the archive; the note says where.
    kept = settings.archive_dir / spec.name / "refused" / f"{digest}{crypto.SUFFIX}"
    kept.parent.mkdir(parents=True, exist_ok=True)
    with delivery.delivered(digest).open() as plain, open(kept, "wb") as sink:
        crypto.encrypt_stream(plain, sink, key)
    delivery.inbox_path.unlink()
    _write_reason(
        delivery.inbox_path.parent / "rejected", delivery.name, f"{reason}\n(kept encrypted as {kept})"
    )


def extract_source(
    spec: SourceSpec,
    settings: Settings,
    today: date | None = None,
    sample_writers: Mapping[str, Callable[[Path], None]] | None = None,
) -> ExtractSummary:
    """Archive every new delivery for ``spec``; refuse broken ones one by one (never raises for a
    broken delivery or an unreadable publisher page: the summary lists them). Private sources need
    the archive key before anything. ``today`` is the day the release calendar is read for
    (default: HOUSING_NEED_TODAY, else the real date); ``sample_writers`` write the SYNTHETIC
    samples of feeds whose sample cannot ship (see :func:`sample_folder`)."""
    summary = ExtractSummary(source=spec.name)
    policy = policy_for(spec.privacy)
    key = load_key(ARCHIVE_KEY) if policy.encrypt_archive else None
    with archive.locked(settings.archive_dir, spec.name, ".extract.lock"):
        known = {e.sha256: e for e in archive.list_archived(settings.archive_dir, spec.name)}
        for delivery in collect_deliveries(spec, settings, summary, today, sample_writers):
            digest = delivery.sha256()
            if digest in known:
                summary.duplicates.append(delivery.name)
            else:
                try:
                    release = spec.release_of(delivery.content, delivery.name)
                except ParseError as exc:
                    log.error("%s: refused %s: %s", spec.name, delivery.name, exc)
                    summary.rejected.append(str(exc))
                    _refuse(spec, settings, delivery, digest, str(exc), key)
                    continue
                entry, _ = archive.archive_delivered(
                    settings.archive_dir,
                    spec.name,
                    delivery.delivered(digest),
                    original_name=delivery.name,
                    origin=delivery.origin,
                    release=release,
                    key=key,
                )
                known[digest] = entry
                summary.archived.append(entry)
            if delivery.inbox_path is not None:
                if policy.keep_inbox_copy:
                    _move(delivery.inbox_path, "processed")
                else:
                    delivery.inbox_path.unlink()
    for line in summary.lines():
        log.info(line)
    out = settings.runs_dir / "extracts" / f"{spec.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary.to_dict(), indent=2, default=str), encoding="utf-8")
    return summary
