"""Content-addressed archive of every delivery: archive/<source>/<release>/<sha256>.<ext> + manifest.

The archive is append-only. A file is identified by the sha256 of its bytes, so the same release
delivered twice (from a URL, the inbox or the bundled sample) is stored once. Deliveries of private
sources (licensed microdata, personal data) are stored encrypted (``<sha256>.<ext>.enc``, see
``privacy/crypto.py``); the sha256 is still that of the delivered bytes.

Beside the manifest, ``events.jsonl`` records what happened to deliveries afterwards, also
append-only: a delivery ``refused`` at the door (it never reached the archive: name, origin and
reason), a data engineer's ``reject`` of an archived file (with the reason; the loader skips it from
then on and a loaded one is withdrawn from the warehouse at the next refresh) and its ``restore``.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import HousingNeedError
from ..privacy import crypto
from .lock import exclusive

MANIFEST = "manifest.jsonl"
EVENTS = "events.jsonl"


@dataclass(frozen=True)
class ArchivedFile:
    source: str
    release: str
    sha256: str
    path: str  # relative to the archive root
    original_name: str
    origin: str  # "url:<url>", "inbox", "sample"
    size: int
    received_at: str  # ISO 8601, UTC
    encrypted: str | None = None  # the algorithm, for private sources

    def absolute(self, archive_dir: Path) -> Path:
        return archive_dir / self.path

    @property
    def load_id(self) -> str:
        return load_id_for(self.source, self.sha256)

    def read(self, archive_dir: Path, key: bytes | None = None) -> bytes:
        """The delivered bytes (decrypted with ``key`` for an encrypted file, a chunk at a time: the
        ciphertext is never held whole beside them)."""
        if not self.encrypted:
            return self.absolute(archive_dir).read_bytes()
        if key is None:
            raise HousingNeedError(f"{self.path} is encrypted: the archive key is needed to read it")
        plain = io.BytesIO()
        with open(self.absolute(archive_dir), "rb") as handle:
            crypto.decrypt_stream(handle, plain, key, name=self.path)
        return plain.getvalue()


@dataclass(frozen=True)
class Event:
    event: str  # refused | reject | restore
    at: str
    reason: str = ""
    sha256: str | None = None
    name: str | None = None
    origin: str | None = None
    by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def load_id_for(source: str, sha256: str) -> str:
    return f"{source}:{sha256[:16]}"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sha256_of_file(path: Path) -> str:
    """The sha256 of a file's bytes, read a block at a time."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def locked(archive_dir: Path, source: str, name: str = ".lock") -> AbstractContextManager[None]:
    """An exclusive lock on one source's archive (``name`` picks another lock, e.g. the extract's)."""
    return exclusive(archive_dir / source / name)


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """``write`` into a temporary file beside ``path``, synced, then renamed to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _append(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def list_archived(archive_dir: Path, source: str) -> list[ArchivedFile]:
    """Every file archived for ``source``, oldest first."""
    return [ArchivedFile(**record) for record in _read_jsonl(archive_dir / source / MANIFEST)]


def archive_bytes(
    archive_dir: Path,
    source: str,
    content: bytes,
    *,
    original_name: str,
    origin: str,
    release: str,
    key: bytes | None = None,
) -> tuple[ArchivedFile, bool]:
    """Store ``content`` (encrypted with ``key`` if given) unless the same bytes are already
    archived. Returns (entry, is_new)."""
    return archive_delivered(
        archive_dir,
        source,
        Delivered.of_bytes(content),
        original_name=original_name,
        origin=origin,
        release=release,
        key=key,
    )


@dataclass(frozen=True)
class Delivered:
    """Delivered bytes to archive: their sha256, size, and how to open them for reading."""

    sha256: str
    size: int
    open: Callable[[], BinaryIO]

    @classmethod
    def of_bytes(cls, content: bytes, sha256: str | None = None) -> Delivered:
        return cls(sha256 or sha256_of(content), len(content), lambda: io.BytesIO(content))

    @classmethod
    def of_file(cls, path: Path, sha256: str | None = None) -> Delivered:
        """A file, hashed (unless ``sha256`` is given) and later read a block at a time."""

        def reader() -> BinaryIO:
            return path.open("rb")

        return cls(sha256 or sha256_of_file(path), path.stat().st_size, reader)


def archive_delivered(
    archive_dir: Path,
    source: str,
    delivered: Delivered,
    *,
    original_name: str,
    origin: str,
    release: str,
    key: bytes | None = None,
) -> tuple[ArchivedFile, bool]:
    """Store ``delivered`` (encrypted with ``key`` if given, a chunk at a time) unless the same bytes
    are already archived. Returns (entry, is_new)."""
    digest = delivered.sha256
    with locked(archive_dir, source):
        existing = _archived_as(archive_dir, source, digest)
        if existing is not None:
            return existing, False
        ext = Path(original_name).suffix.lower() or ".bin"
        if key is not None:
            ext += crypto.SUFFIX

        def write(sink: BinaryIO) -> None:
            with delivered.open() as plain:
                if key is not None:
                    crypto.encrypt_stream(plain, sink, key)
                else:
                    shutil.copyfileobj(plain, sink, crypto.CHUNK)

        relative = Path(source) / release / f"{digest}{ext}"
        _write_atomically(archive_dir / relative, write)
        entry = ArchivedFile(
            source=source,
            release=release,
            sha256=digest,
            path=str(relative),
            original_name=original_name,
            origin=origin,
            size=delivered.size,
            received_at=_now(),
            encrypted=crypto.ALGORITHM if key is not None else None,
        )
        _append(archive_dir / source / MANIFEST, asdict(entry))
        return entry, True


def _archived_as(archive_dir: Path, source: str, digest: str) -> ArchivedFile | None:
    """The manifest's entry for ``digest``, if any. The manifest's text is searched first and parsed
    only on a hit: an extract of 3,500 new snapshots would otherwise parse a growing manifest once
    per snapshot."""
    path = archive_dir / source / MANIFEST
    if not path.exists() or digest not in path.read_text(encoding="utf-8"):
        return None
    return next((e for e in list_archived(archive_dir, source) if e.sha256 == digest), None)


# --------------------------------------------------------------------------------------------
# Events: refused deliveries, rejections and restores


def events(archive_dir: Path, source: str) -> list[Event]:
    return [Event(**record) for record in _read_jsonl(archive_dir / source / EVENTS)]


def record_event(archive_dir: Path, source: str, event: Event) -> None:
    with locked(archive_dir, source):
        _append(archive_dir / source / EVENTS, asdict(event))


def refused(archive_dir: Path, source: str, *, name: str, origin: str, reason: str) -> None:
    """A delivery refused at the door (it was not archived)."""
    record_event(archive_dir, source, Event("refused", _now(), reason=reason, name=name, origin=origin))


def rejections(archive_dir: Path, source: str) -> dict[str, Event]:
    """sha256 -> the reject event, for archived files rejected and not restored since."""
    current: dict[str, Event] = {}
    for event in events(archive_dir, source):
        if event.sha256 and event.event == "reject":
            current[event.sha256] = event
        elif event.sha256 and event.event == "restore":
            current.pop(event.sha256, None)
    return current


def find(archive_dir: Path, sources: list[str], ident: str) -> ArchivedFile:
    """The archived file ``ident`` names: a sha256 (or a unique prefix of 8+ characters), a load id
    ("<source>:<sha prefix>"), or its path under the archive."""
    ident = ident.strip()
    if ":" in ident and not ident.startswith("/"):
        wanted_source, _, ident = ident.partition(":")
        sources = [s for s in sources if s == wanted_source]
    matches = [
        entry
        for source in sources
        for entry in list_archived(archive_dir, source)
        if (len(ident) >= 8 and entry.sha256.startswith(ident.lower())) or entry.path == ident
    ]
    if not matches:
        raise HousingNeedError(f"no archived file matches {ident!r} (see `./run archive list`)")
    if len({m.sha256 for m in matches}) > 1:
        raise HousingNeedError(f"{ident!r} matches {len(matches)} archived files: give more of the sha256")
    return matches[0]


def reject(archive_dir: Path, entry: ArchivedFile, reason: str) -> None:
    if not reason.strip():
        raise HousingNeedError("a rejection needs a reason (--reason)")
    record_event(
        archive_dir, entry.source, Event("reject", _now(), reason=reason, sha256=entry.sha256, by=_user())
    )


def restore(archive_dir: Path, entry: ArchivedFile, reason: str = "") -> None:
    if entry.sha256 not in rejections(archive_dir, entry.source):
        raise HousingNeedError(f"{entry.path} is not rejected: nothing to restore")
    record_event(
        archive_dir, entry.source, Event("restore", _now(), reason=reason, sha256=entry.sha256, by=_user())
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
