"""Register layouts and councils declared as configuration: pydantic models, validated when read.

A layout (``layouts/<name>.yaml``, :class:`Layout`) says how one vendor's export is written: its
format (``csv``, ``fixed_width``, ``json``), encoding, date format, where each canonical field is (a
column name, a ``[start, width]`` position, or a dotted JSON path), where the council and snapshot
date are, and the vendor's code lists (status, tenure, immigration status, disqualification reason)
mapped to the canonical codes. A council (``councils.yaml``, or the file named by
``HOUSING_NEED_REGISTER_COUNCILS``; :class:`CouncilEntry`) names its layout and its own band scheme
mapped to one ordered scale. Adding a council, or a vendor whose export fits the three formats, is a
YAML change; a mistake in one (a wrong value, a missing or an unknown key) is a clear error naming
the file, the entry and the key. The reader (:mod:`.read`) and the SYNTHETIC writers
(``housing_need.synth.register``) both work from these models.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    RootModel,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..config_files import ConfigError, ConfigModel, FileConfig, load_file, read_yaml, validate

HERE = Path(__file__).resolve().parent
COUNCILS_ENV = "HOUSING_NEED_REGISTER_COUNCILS"
Format = Literal["csv", "fixed_width", "json"]
FORMATS = get_args(Format)
FIELDS = (
    "application_ref", "person_ref", "forename", "surname", "date_of_birth", "postcode", "registration_date",
    "effective_date", "band_code", "bedrooms_min", "bedrooms_max", "household_size", "nationality_code",
    "immigration_status", "tenure", "preference_categories", "status", "status_date", "disqualification",
)  # fmt: skip
CODED = ("status", "tenure", "immigration_status", "disqualification")
Status = Literal["active", "suspended", "housed", "cancelled", "rejected"]  # canonical application statuses
STATUSES = get_args(Status)
CodeList = Literal["name", "iso3", "numeric"]  # how a layout writes nationality
NATIONALITY_CODE_LISTS = get_args(CodeList)
HEADER_KEYS = ("record_type", "council", "snapshot_date", "count")
TRAILER_KEYS = ("record_type", "count")
GSS_COUNCIL = re.compile(r"[EW]0[6-9]\d{6}")


class LayoutError(ConfigError):
    """A layout or council file is malformed; the message names the file and the key."""


def _text_keys(value: Any) -> Any:
    """YAML reads a code ``10`` as a number; a vendor's code is text."""
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value


VendorCodes = Annotated[dict[str, str | None], BeforeValidator(_text_keys)]


class Codes(ConfigModel):
    """The vendor's codes of each coded field -> the canonical code (``null``: a blank value)."""

    status: Annotated[dict[str, Status], BeforeValidator(_text_keys)]
    tenure: VendorCodes
    immigration_status: VendorCodes
    disqualification: VendorCodes

    def __getitem__(self, name: str) -> dict[str, str | None]:
        """The vendor's codes of ``name`` -> the canonical codes (what a reader looks up)."""
        return dict(getattr(self, name))

    def written(self, name: str) -> dict[str | None, str]:
        """Canonical code -> the vendor's code (what a writer of the layout puts in the file)."""
        return {canonical: code for code, canonical in getattr(self, name).items()}


class SnapshotColumn(ConfigModel):
    field: str  # the column holding the snapshot date (CSV)


Position = tuple[int, int]  # fixed width: [start, width], 1-based


def _position(value: Any, where: str) -> Position:
    if not (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and v > 0 for v in value)
    ):
        raise ValueError(f"{where}: a fixed-width position is [start, width] (1-based), not {value!r}")
    return (value[0], value[1])


class Layout(FileConfig):
    """One vendor's export layout (``layouts/<name>.yaml``)."""

    name: str = Field(alias="layout")
    description: str = ""
    format: Format
    encoding: str = "utf-8"
    date_format: str
    nationality_code_list: CodeList
    # canonical field -> column name (csv) | (start, width) (fixed_width) | dotted path (json)
    fields: dict[str, Any]
    codes: Codes
    preference_pattern: re.Pattern[str]  # one reasonable-preference category; group 1 is its letter
    preference_separator: str | None = None  # between categories in one text field (csv, fixed width)
    header: dict[str, Any] = {}  # record_type (fixed width), council, snapshot_date, count -> where
    trailer: dict[str, Any] = {}  # record_type, count (fixed width) -> where
    detail_record_type: str | None = None
    records: str | None = None  # json: the dotted path of the array of applications
    snapshot_date: SnapshotColumn | None = None  # csv: the column holding the snapshot date

    @property
    def snapshot_field(self) -> str | None:
        return self.snapshot_date.field if self.snapshot_date else None

    @field_validator("fields")
    @classmethod
    def _canonical_fields(cls, fields: dict[str, Any]) -> dict[str, Any]:
        missing = [f for f in FIELDS if f not in fields]
        unknown = [f for f in fields if f not in FIELDS]
        if missing or unknown:
            raise ValueError(f"missing {missing} / not canonical {unknown}")
        return fields

    @field_validator("header", "trailer")
    @classmethod
    def _known_parts(cls, parts: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        known = HEADER_KEYS if info.field_name == "header" else TRAILER_KEYS
        unknown = [key for key in parts if key not in known]
        if unknown:
            raise ValueError(f"unknown key(s) {unknown}: one of {', '.join(known)}")
        return parts

    @model_validator(mode="after")
    def _fits_the_format(self) -> Layout:
        if self.format == "fixed_width":
            for name, spec in self.fields.items():
                self.fields[name] = _position(spec, f"fields.{name}")
            for part, keys in (("header", self.header), ("trailer", self.trailer)):
                for key, spec in keys.items():
                    if key != "record_type":
                        keys[key] = _position(spec, f"{part}.{key}")
            if "count" not in self.trailer:
                raise ValueError("trailer.count: a fixed-width layout's trailer counts its detail records")
        else:
            bad = [name for name, spec in self.fields.items() if not (isinstance(spec, str) and spec)]
            if bad:
                raise ValueError(f"fields {bad}: a {self.format} field is a column name or a dotted path")
        if self.format == "csv" and self.snapshot_date is None:
            raise ValueError("snapshot_date: a CSV layout names the column holding the snapshot date")
        if self.format == "json" and not self.records:
            raise ValueError("records: a JSON layout names the array of applications")
        return self


def read_layout(path: Path) -> Layout:
    return load_file(Layout, path, "layout", LayoutError)


@cache
def layouts(folder: Path = HERE / "layouts") -> dict[str, Layout]:
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        layout = read_layout(path)
        if layout.name != path.stem:
            raise LayoutError(f"{path}: layout: {layout.name!r} must match the file name {path.stem!r}")
        found[layout.name] = layout
    return found


def _gss_council(code: str) -> str:
    if not GSS_COUNCIL.fullmatch(code):
        raise ValueError("not a GSS local-authority code")
    return code


class CouncilEntry(ConfigModel):
    """One council of ``councils.yaml``: its layout and its band scheme."""

    name: str | None = None
    layout: str
    # the council's band codes -> their rank on the ordered scale (1 = highest priority; 4 = penalty)
    bands: Annotated[dict[str, Annotated[int, Field(ge=1, le=4)]], BeforeValidator(_text_keys)]

    @field_validator("layout")
    @classmethod
    def _known_layout(cls, layout: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("layouts")
        if known is not None and layout not in known:
            raise ValueError(f"{layout!r} is not one of {', '.join(known)}")
        return layout


class CouncilsFile(RootModel[dict[Annotated[str, AfterValidator(_gss_council)], CouncilEntry]]):
    """``councils.yaml``: GSS code -> :class:`CouncilEntry`."""


@dataclass(frozen=True)
class Council:
    """A configured council with its layout resolved."""

    lad_code: str
    name: str
    layout: Layout
    bands: Mapping[str, int]


def councils_path() -> Path:
    return Path(os.environ.get(COUNCILS_ENV) or HERE / "councils.yaml")


@cache
def _councils(path: Path) -> dict[str, Council]:
    known = layouts()
    data = read_yaml(path, "councils", LayoutError) or {}
    entries = validate(CouncilsFile, _text_keys(data), path, LayoutError, layouts=known).root
    return {
        code: Council(code, entry.name or code, known[entry.layout], dict(entry.bands))
        for code, entry in entries.items()
    }


def councils() -> dict[str, Council]:
    """The councils configured now (``HOUSING_NEED_REGISTER_COUNCILS`` or the bundled file)."""
    return _councils(councils_path())


def bundled_councils() -> dict[str, Council]:
    """The councils of the bundled ``councils.yaml`` (the default refresh's three, one per layout)."""
    return _councils(HERE / "councils.yaml")
