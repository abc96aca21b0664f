"""Register layouts and councils declared as configuration, validated when read.

A layout (``layouts/<name>.yaml``) says how one vendor's export is written: its format (``csv``,
``fixed_width``, ``json``), encoding, date format, where each canonical field is (a column name, a
``[start, width]`` position, or a dotted JSON path), where the council and snapshot date are, and
the vendor's code lists (status, tenure, immigration status, disqualification reason) mapped to the
canonical codes. A council (``councils.yaml``, or the file named by ``HOUSING_NEED_REGISTER_COUNCILS``)
names its layout and its own band scheme mapped to one ordered scale. Adding a council, or a vendor
whose export fits the three formats, is a YAML change; a mistake in one is a clear error naming the
file and the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..config_files import ConfigError, read_yaml, require

HERE = Path(__file__).resolve().parent
COUNCILS_ENV = "HOUSING_NEED_REGISTER_COUNCILS"
FORMATS = ("csv", "fixed_width", "json")
FIELDS = (
    "application_ref", "person_ref", "forename", "surname", "date_of_birth", "postcode", "registration_date",
    "effective_date", "band_code", "bedrooms_min", "bedrooms_max", "household_size", "nationality_code",
    "immigration_status", "tenure", "preference_categories", "status", "status_date", "disqualification",
)  # fmt: skip
CODED = ("status", "tenure", "immigration_status", "disqualification")
STATUSES = ("active", "suspended", "housed", "cancelled", "rejected")
NATIONALITY_CODE_LISTS = ("name", "iso3", "numeric")


class LayoutError(ConfigError):
    """A layout or council file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Layout:
    name: str
    format: str
    encoding: str
    date_format: str
    nationality_code_list: str
    fields: Mapping[str, Any]  # canonical field -> column name | [start, width] | dotted path
    codes: Mapping[str, Mapping[str, str | None]]
    preference_pattern: re.Pattern[str]
    preference_separator: str | None
    header: Mapping[str, Any]
    trailer: Mapping[str, Any]
    detail_record_type: str | None
    records: str | None
    snapshot_field: str | None
    source: Path


@dataclass(frozen=True)
class Council:
    lad_code: str
    name: str
    layout: Layout
    bands: Mapping[str, int]


def _require(data: Mapping[str, Any], key: str, path: Path) -> Any:
    return require(data, key, path, LayoutError)


def read_layout(path: Path) -> Layout:
    data = read_yaml(path, "layout", LayoutError)
    if not isinstance(data, dict):
        raise LayoutError(f"{path}: a layout is a mapping of keys")
    fmt = _require(data, "format", path)
    if fmt not in FORMATS:
        raise LayoutError(f"{path}: format {fmt!r} is not one of {', '.join(FORMATS)}")
    fields = _require(data, "fields", path)
    missing = [f for f in FIELDS if f not in fields]
    unknown = [f for f in fields if f not in FIELDS]
    if missing or unknown:
        raise LayoutError(f"{path}: fields missing {missing} / not canonical {unknown}")
    if fmt == "fixed_width":
        for name, spec in fields.items():
            if not (
                isinstance(spec, list) and len(spec) == 2 and all(isinstance(v, int) and v > 0 for v in spec)
            ):
                raise LayoutError(f"{path}: fields.{name}: a fixed-width field is [start, width] (1-based)")
    codes = _require(data, "codes", path)
    for name in CODED:
        if not isinstance(codes.get(name), dict):
            raise LayoutError(f"{path}: codes.{name}: a mapping of the vendor's codes is required")
    bad_status = sorted(set(codes["status"].values()) - set(STATUSES))
    if bad_status:
        raise LayoutError(f"{path}: codes.status maps to {bad_status}, not one of {', '.join(STATUSES)}")
    code_list = _require(data, "nationality_code_list", path)
    if code_list not in NATIONALITY_CODE_LISTS:
        raise LayoutError(
            f"{path}: nationality_code_list {code_list!r} is not one of {NATIONALITY_CODE_LISTS}"
        )
    try:
        pattern = re.compile(_require(data, "preference_pattern", path))
    except re.error as exc:
        raise LayoutError(f"{path}: preference_pattern: {exc}") from exc
    if fmt == "csv" and not isinstance(data.get("snapshot_date"), dict):
        raise LayoutError(f"{path}: snapshot_date: a CSV layout names the column holding the snapshot date")
    return Layout(
        name=_require(data, "layout", path),
        format=fmt,
        encoding=data.get("encoding", "utf-8"),
        date_format=_require(data, "date_format", path),
        nationality_code_list=code_list,
        fields=fields,
        codes={name: {str(k): v for k, v in codes[name].items()} for name in CODED},
        preference_pattern=pattern,
        preference_separator=data.get("preference_separator"),
        header=data.get("header") or {},
        trailer=data.get("trailer") or {},
        detail_record_type=data.get("detail_record_type"),
        records=data.get("records"),
        snapshot_field=(data.get("snapshot_date") or {}).get("field"),
        source=path,
    )


@cache
def layouts(folder: Path = HERE / "layouts") -> dict[str, Layout]:
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        layout = read_layout(path)
        if layout.name != path.stem:
            raise LayoutError(f"{path}: layout {layout.name!r} must match the file name {path.stem!r}")
        found[layout.name] = layout
    return found


def councils_path() -> Path:
    return Path(os.environ.get(COUNCILS_ENV) or HERE / "councils.yaml")


@cache
def _councils(path: Path) -> dict[str, Council]:
    data = read_yaml(path, "councils", LayoutError) or {}
    known = layouts()
    out = {}
    for code, entry in data.items():
        if not re.fullmatch(r"[EW]0[6-9]\d{6}", str(code)):
            raise LayoutError(f"{path}: {code!r} is not a GSS local-authority code")
        layout = _require(entry, "layout", path)
        if layout not in known:
            raise LayoutError(f"{path}: {code}.layout {layout!r} is not one of {', '.join(known)}")
        bands = _require(entry, "bands", path)
        if not all(isinstance(rank, int) and 1 <= rank <= 4 for rank in bands.values()):
            raise LayoutError(f"{path}: {code}.bands: every band maps to a rank 1-4 on the ordered scale")
        out[str(code)] = Council(
            str(code), str(entry.get("name", code)), known[layout], {str(k): v for k, v in bands.items()}
        )
    return out


def councils() -> dict[str, Council]:
    """The councils configured now (``HOUSING_NEED_REGISTER_COUNCILS`` or the bundled file)."""
    return _councils(councils_path())
