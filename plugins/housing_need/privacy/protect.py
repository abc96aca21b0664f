"""What a source's privacy class does to one parsed delivery at load, in one call: :func:`protect`.

The loader hands every parsed file to :func:`protect` once, with the source's privacy class, its
pseudonymisation transforms and the keys from :func:`keys_for`, and writes only what comes back:

- the rows (or the frame's columns) with the personal-data transforms applied (``pseudonymise``);
- the quarantine as it may be kept: row, column, value, reason and the record as JSON for open
  statistics; row, column and reason only for private sources, any value a parser wrote into its
  reason blanked (``policy.withhold``);
- the privacy class recorded beside the load.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from . import pseudonymise
from .classes import PrivacyClass
from .keys import ARCHIVE_KEY, PSEUDONYMISATION_KEY, KeySpec, load_key
from .policy import policy_for, withhold

if TYPE_CHECKING:
    import pandas as pd

# A quarantined row as it may be kept: (row number, column, value, reason, record as JSON)
KeptQuarantine = tuple[int, str | None, str | None, str, str | None]


class Quarantined(Protocol):
    """A row a parser set aside (``sources.QuarantinedRow``)."""

    @property
    def row_number(self) -> int: ...
    @property
    def column(self) -> str | None: ...
    @property
    def value(self) -> str | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def record(self) -> Mapping[str, Any]: ...


class Parsed(Protocol):
    """A parsed delivery (``sources.ParseResult``): rows as dicts or one frame, and its quarantine."""

    rows: list[dict[str, Any]]
    frame: pd.DataFrame | None

    @property
    def quarantined(self) -> Sequence[Quarantined]: ...


@dataclass
class Protected:
    """A parsed delivery as it may reach the warehouse."""

    privacy: str  # the class, as meta.loads records it
    columns: dict[str, pd.Series] | None  # the frame's columns, transformed (None: the parse gave rows)
    rows: list[dict[str, Any]]  # the rows, transformed (empty when the parse gave a frame)
    quarantine: list[KeptQuarantine]


def keys_for(transforms: Mapping[str, Any], *, encrypted: bool) -> dict[KeySpec, bytes]:
    """The keys a source's deliveries need: the archive key for encrypted files, the pseudonymisation
    key for keyed hashes. Loaded once per source and handed to worker processes."""
    keys = {}
    if encrypted:
        keys[ARCHIVE_KEY] = load_key(ARCHIVE_KEY)
    if pseudonymise.needs_key(transforms):
        keys[PSEUDONYMISATION_KEY] = load_key(PSEUDONYMISATION_KEY)
    return keys


def protect(
    parsed: Parsed,
    privacy: PrivacyClass | str,
    transforms: Mapping[str, pseudonymise.Transform],
    keys: Mapping[KeySpec, bytes],
) -> Protected:
    """``parsed`` with its privacy class applied: rows pseudonymised, quarantine kept as allowed."""
    policy = policy_for(privacy)
    key = keys.get(PSEUDONYMISATION_KEY)
    columns: dict[str, pd.Series] | None = None
    rows: list[dict[str, Any]] = []
    if parsed.frame is not None:
        columns = {name: parsed.frame[name] for name in parsed.frame.columns}
        if transforms:
            pseudonymise.apply_columns(columns, transforms, key)
    else:
        for row in parsed.rows:
            copy = dict(row)
            if transforms:
                pseudonymise.apply(copy, transforms, key)
            rows.append(copy)
    return Protected(policy.privacy, columns, rows, _kept(parsed.quarantined, policy.keep_values))


def protect_many(
    parsed: Sequence[Parsed],
    privacy: PrivacyClass | str,
    transforms: Mapping[str, pseudonymise.Transform],
    keys: Mapping[KeySpec, bytes],
) -> list[Protected]:
    """:func:`protect` of each parsed delivery, the same results; deliveries parsed as frames are
    transformed as one frame (each transform works a row at a time, so nothing of one delivery
    reaches another's rows), spreading the fixed cost of the column operations."""
    frames = [p.frame for p in parsed]
    if len(parsed) < 2 or not transforms or any(f is None for f in frames):
        return [protect(p, privacy, transforms, keys) for p in parsed]
    import pandas as pd

    policy = policy_for(privacy)
    whole = pd.concat(frames, ignore_index=True)
    columns = {name: whole[name] for name in whole.columns}
    pseudonymise.apply_columns(columns, transforms, keys.get(PSEUDONYMISATION_KEY))
    out = []
    start = 0
    for p, frame in zip(parsed, frames, strict=True):
        stop = start + len(frame)  # type: ignore[arg-type]
        part = {name: values.iloc[start:stop].reset_index(drop=True) for name, values in columns.items()}
        out.append(Protected(policy.privacy, part, [], _kept(p.quarantined, policy.keep_values)))
        start = stop
    return out


def _kept(quarantined: Iterable[Quarantined], keep_values: bool) -> list[KeptQuarantine]:
    out: list[KeptQuarantine] = []
    for q in quarantined:
        if keep_values:
            record = json.dumps({k: _jsonable(v) for k, v in q.record.items()}, default=str)
            out.append((q.row_number, q.column, q.value, q.reason, record))
        else:  # private: row, column and reason only; a value a parser put in its reason is blanked
            reason = withhold(q.reason, [q.value, *(str(v) for v in q.record.values() if v is not None)])
            out.append((q.row_number, q.column, None, reason, None))
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
