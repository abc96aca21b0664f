"""One archived delivery made ready to insert, without the warehouse (so also in a worker process):
read (decrypted in memory when archived encrypted; one file's bytes at a time), parsed, screened, checked (rows in file = rows
parsed + rows quarantined), and protected by its source's privacy class (``privacy.protect``) before
anything of it can reach the warehouse."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..privacy.keys import ARCHIVE_KEY, KeySpec
from ..privacy.protect import Protected, keys_for, protect_many
from ..sources import ParseResult, SourceSpec
from ..sources.screening import screen
from .archive import ArchivedFile
from .raw_schema import LOAD_COLUMNS, frame_to_arrow, raw_columns, rows_to_arrow


@dataclass
class PreparedLoad:
    """One delivery ready to insert: the raw table's rows, pseudonymised, without the load's metadata
    columns; its quarantine rows (as the privacy class allows them to be kept)."""

    table: pa.Table
    quarantine: list[tuple[Any, ...]]
    privacy: str
    release: str
    file_format: str
    rows_in_file: int
    rows_quarantined: int
    quarantined_by_reason: dict[str, int]
    warnings: list[str]


def source_keys(spec: SourceSpec, entries: Iterable[ArchivedFile]) -> dict[KeySpec, bytes]:
    """The keys ``entries`` of ``spec`` need (archive key if any is encrypted, pseudonymisation key)."""
    return keys_for(spec.pseudonymise, encrypted=any(e.encrypted for e in entries))


def prepare_file(
    spec: SourceSpec, entry: ArchivedFile, archive_dir: Path, keys: Mapping[KeySpec, bytes] | None = None
) -> PreparedLoad:
    """Parse, screen and protect one archived delivery. ``keys`` (archive and pseudonymisation keys by
    name) are given to worker processes; without them the keys are loaded here."""
    return prepare_files(spec, [entry], archive_dir, keys)[0]


def prepare_files(
    spec: SourceSpec,
    entries: Sequence[ArchivedFile],
    archive_dir: Path,
    keys: Mapping[KeySpec, bytes] | None = None,
) -> list[PreparedLoad]:
    """:func:`prepare_file` of each entry, the same results. A source that parses many files at once
    (``spec.parse_many``) reads them one at a time (one file's bytes held) and checks and protects
    them together, spreading the fixed cost of each column operation over the batch."""
    keys = keys if keys is not None else source_keys(spec, entries)

    def contents() -> Iterator[tuple[bytes, str]]:
        for entry in entries:
            yield entry.read(archive_dir, keys[ARCHIVE_KEY] if entry.encrypted else None), entry.original_name

    if spec.parse_many is not None and len(entries) > 1:
        parsed = spec.parse_many(contents())
    else:
        parsed = [spec.parse(content, name) for content, name in contents()]
    results = [screen(result, spec) for result in parsed]
    for result in results:
        result.check_accounting()
    protected = protect_many(results, spec.privacy, spec.pseudonymise, keys)
    columns = {k: v for k, v in raw_columns(spec).items() if k not in LOAD_COLUMNS}
    return [
        _prepared(spec, entry, result, done, columns)
        for entry, result, done in zip(entries, results, protected, strict=True)
    ]


def _prepared(
    spec: SourceSpec, entry: ArchivedFile, result: ParseResult, protected: Protected, columns: dict[str, str]
) -> PreparedLoad:
    if protected.columns is not None:
        table = frame_to_arrow(protected.columns, columns)
    else:
        table = rows_to_arrow(protected.rows, columns)
    return PreparedLoad(
        table=table,
        quarantine=[(entry.load_id, spec.name, entry.original_name, *kept) for kept in protected.quarantine],
        privacy=protected.privacy,
        release=result.release,
        file_format=result.file_format,
        rows_in_file=result.rows_in_file,
        rows_quarantined=len(result.quarantined),
        quarantined_by_reason=dict(Counter(_quarantine_group(q.column) for q in result.quarantined)),
        warnings=list(result.warnings or []),
    )


def _quarantine_group(column: str | None) -> str:
    return (
        f"quarantined at load: bad value in column {column!r}" if column else "quarantined at load: bad row"
    )
