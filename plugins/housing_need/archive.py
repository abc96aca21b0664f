"""Content-addressed archive of every delivery: archive/<source>/<release>/<sha256>.<ext> + manifest.

The archive is append-only. A file is identified by the sha256 of its bytes, so the same release
delivered twice (from a URL, the inbox or the bundled sample) is stored once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "manifest.jsonl"


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

    def absolute(self, archive_dir: Path) -> Path:
        return archive_dir / self.path


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def list_archived(archive_dir: Path, source: str) -> list[ArchivedFile]:
    """Every file archived for ``source``, oldest first."""
    manifest = archive_dir / source / MANIFEST
    if not manifest.exists():
        return []
    with open(manifest, encoding="utf-8") as handle:
        return [ArchivedFile(**json.loads(line)) for line in handle if line.strip()]


def archive_bytes(
    archive_dir: Path,
    source: str,
    content: bytes,
    *,
    original_name: str,
    origin: str,
    release: str,
) -> tuple[ArchivedFile, bool]:
    """Store ``content`` unless the same bytes are already archived. Returns (entry, is_new)."""
    digest = sha256_of(content)
    with _locked(archive_dir / source / ".lock"):
        for existing in list_archived(archive_dir, source):
            if existing.sha256 == digest:
                return existing, False
        ext = Path(original_name).suffix.lower() or ".bin"
        relative = Path(source) / release / f"{digest}{ext}"
        _write_atomically(archive_dir / relative, content)
        entry = ArchivedFile(
            source=source,
            release=release,
            sha256=digest,
            path=str(relative),
            original_name=original_name,
            origin=origin,
            size=len(content),
            received_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with open(archive_dir / source / MANIFEST, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(entry), sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return entry, True
