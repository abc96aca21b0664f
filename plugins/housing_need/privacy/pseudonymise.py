"""Column transforms for personal data, applied by the loader before any row reaches the warehouse.

A personal-data source declares, in ``SourceSpec.pseudonymise``, what happens to each column its
parser emits that identifies a person:

- :class:`KeyedHash` — an identifier (application id, person id) becomes HMAC-SHA256 under the
  pseudonymisation key, truncated to 32 hex characters: stable across snapshots (so history can be
  followed) and not reversible without the key;
- :class:`Drop` — the column never leaves the loader (names, full dates of birth, free text);
- :class:`AgeBand` — a date of birth becomes an age band at a reference date from another column;
- :class:`PostcodeDistrict` — a full postcode becomes its outward code (district), e.g. ``LE1``.

Transforms may write to another column name (``to``); the raw table's columns are what the
transforms produce. The originals are removed from each row, so neither the warehouse, the
quarantine nor any message can carry them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy and pandas load when rows are transformed: the source registry imports
    import pandas as pd  # this module, and `./run status` should not pay for them


@dataclass(frozen=True)
class KeyedHash:
    to: str | None = None


@dataclass(frozen=True)
class Drop:
    pass


@dataclass(frozen=True)
class AgeBand:
    at: str  # the column holding the reference date (e.g. the snapshot date)
    to: str
    bands: tuple[int, ...] = (16, 25, 35, 45, 55, 65, 75)


@dataclass(frozen=True)
class PostcodeDistrict:
    to: str | None = None


Transform = KeyedHash | Drop | AgeBand | PostcodeDistrict

_POSTCODE = re.compile(r"^\s*([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})?\s*$", re.I)


def keyed_hash(value: str, key: bytes) -> str:
    return hmac.new(key, value.strip().encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def keyed_hasher(key: bytes) -> Callable[[str], str]:
    """:func:`keyed_hash` under one key, with HMAC's two keyed SHA-256 states computed once and
    copied for each value (RFC 2104; twice as fast as ``hmac.new`` per value, the same digest)."""
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def digest(value: str) -> str:
        i, o = inner.copy(), outer.copy()
        i.update(value.strip().encode("utf-8"))
        o.update(i.digest())
        return o.hexdigest()[:32]

    return digest


def age_band(born: date, at: date, bands: tuple[int, ...]) -> str:
    age = at.year - born.year - ((at.month, at.day) < (born.month, born.day))
    if age < 0:
        return "born after the reference date"
    lower = 0
    for upper in bands:
        if age < upper:
            return f"{lower}-{upper - 1}"
        lower = upper
    return f"{lower}+"


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")


def parsed_date(value: Any) -> date | None:
    """A value of a parsed DATE column (a date, a datetime or pandas Timestamp, or ISO text), or None.
    Parsers read the publishers' many date formats; this only reads what they hand on."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _ISO_DATE.match(value.strip()) if isinstance(value, str) else None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def postcode_district(value: str) -> str | None:
    m = _POSTCODE.match(value or "")
    return m[1].upper() if m else None


def output_columns(columns: Mapping[str, str], transforms: Mapping[str, Transform]) -> dict[str, str]:
    """The raw table's columns: the parser's columns with each transform applied (name -> type)."""
    out: dict[str, str] = {}
    for name, kind in columns.items():
        rule = transforms.get(name)
        if rule is None:
            out[name] = kind
        elif isinstance(rule, KeyedHash | PostcodeDistrict):
            out[rule.to or name] = "VARCHAR"
        elif isinstance(rule, AgeBand):
            out[rule.to] = "VARCHAR"
    return out


def apply(row: MutableMapping[str, Any], transforms: Mapping[str, Transform], key: bytes | None) -> None:
    """Transform one parsed row in place (originals removed)."""
    for name, rule in transforms.items():
        value = row.pop(name, None)
        if isinstance(rule, Drop):
            continue
        if isinstance(rule, KeyedHash):
            if key is None:
                raise ValueError("KeyedHash needs the pseudonymisation key")
            row[rule.to or name] = None if value in (None, "") else keyed_hash(str(value), key)
        elif isinstance(rule, PostcodeDistrict):
            row[rule.to or name] = postcode_district(str(value)) if value else None
        elif isinstance(rule, AgeBand):
            born, at = parsed_date(value), parsed_date(row.get(rule.at))
            row[rule.to] = age_band(born, at, rule.bands) if born and at else None


def apply_columns(
    columns: MutableMapping[str, pd.Series], transforms: Mapping[str, Transform], key: bytes | None
) -> None:
    """:func:`apply` on every row of a parsed frame's columns at once (originals removed), with the
    same results: each distinct identifier hashed once, dates of birth banded in array arithmetic.
    ``columns`` maps names to the frame's Series (a dict: removing a DataFrame's column copies it)."""
    import numpy as np
    import pandas as pd

    index = next(iter(columns.values())).index if columns else pd.RangeIndex(0)
    frame = columns
    for name, rule in transforms.items():
        values = frame.pop(name) if name in frame else pd.Series(None, index=index, dtype=object)
        if isinstance(rule, Drop):
            continue
        present = values.notna()
        if not pd.api.types.is_datetime64_any_dtype(values):
            present &= values.astype("str") != ""
        if isinstance(rule, KeyedHash):
            if key is None:
                raise ValueError("KeyedHash needs the pseudonymisation key")
            frame[rule.to or name] = _by_distinct(values, present, keyed_hasher(key), index)
        elif isinstance(rule, PostcodeDistrict):
            frame[rule.to or name] = _by_distinct(values, present, postcode_district, index)
        elif isinstance(rule, AgeBand):
            born = pd.to_datetime(values, errors="coerce")
            at = pd.to_datetime(frame[rule.at], errors="coerce")
            age = (
                at.dt.year
                - born.dt.year
                - ((at.dt.month * 100 + at.dt.day) < (born.dt.month * 100 + born.dt.day))
            ).to_numpy(dtype="float64", na_value=np.nan)
            edges = np.asarray(rule.bands)
            labels = [f"{lo}-{hi - 1}" for lo, hi in zip((0, *edges[:-1]), edges, strict=True)] + [
                f"{edges[-1]}+"
            ]
            band = np.asarray(labels, dtype=object)[np.searchsorted(edges, np.nan_to_num(age), side="right")]
            band[age < 0] = "born after the reference date"
            band[np.isnan(age)] = None
            frame[rule.to] = pd.Series(band, index=index)


def _by_distinct(
    values: pd.Series, present: pd.Series, convert: Callable[[str], Any], index: Any
) -> pd.Series:
    """``convert`` of each value's text, computed once per distinct value (``pd.factorize``, in C, where
    ``Series.map`` on text calls Python for every row); None where not ``present``."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(values)
    table = np.array([*(convert(str(v)) for v in distinct), None], dtype=object)
    out = table[codes]  # code -1 (missing) takes the last entry, None
    out[~present.to_numpy(dtype=bool)] = None
    return pd.Series(out, index=index)


def needs_key(transforms: Mapping[str, Transform]) -> bool:
    return any(isinstance(rule, KeyedHash) for rule in transforms.values())
