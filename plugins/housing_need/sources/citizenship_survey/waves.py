"""Survey waves declared as configuration: pydantic models (:class:`Wave`), validated when read.

A wave (``waves/<id>.yaml``) says where each canonical field is in that wave's file (the variable
name) and what its codes mean: the value label the data dictionary gives each code and the
canonical code it harmonises to (``to``; ``null`` for a missing-value code such as "Don't know").
Variable names and codes differ between waves, as they do in the real files: 2001 and 2003 code
ethnic group in five groups, later waves in sixteen; 2007-08 on number the regions from 11 with
Wales first; belonging is coded 1 = very strongly in 2001-2005 and 4 = very strongly later. Adding
a wave (or a Community Life Survey wave: ``survey: community_life_survey``) is a YAML file; a
mistake in one (a wrong value, a missing or an unknown key) is a clear error naming the file and the
key. The reader (:mod:`.read`) and the SYNTHETIC generator (``housing_need.synth.survey``) both
work from these models.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, PrivateAttr, StrictInt, ValidationInfo, field_validator, model_validator

from ...errors import ParseError
from ..config_files import ConfigError, ConfigModel, FileConfig, load_file

HERE = Path(__file__).resolve().parent
Survey = Literal["citizenship_survey", "community_life_survey"]
SURVEYS = get_args(Survey)
WEIGHTS = (
    "weight_core_individual",
    "weight_core_household",
    "weight_full_individual",
    "weight_full_household",
)
REGIONS = (
    "E12000001", "E12000002", "E12000003", "E12000004", "E12000005", "E12000006", "E12000007",
    "E12000008", "E12000009", "W92000004",
)  # fmt: skip
# canonical field -> its canonical codes (the harmonised values every wave maps to)
CANONICAL: dict[str, tuple[str, ...]] = {
    "sample_type": ("core", "boost"),
    "region": REGIONS,
    "ethnic_group": ("white", "mixed", "asian", "black", "chinese_other"),
    # dim_community keys (country-of-birth groups)
    "country_of_birth": (
        "born_uk",
        "europe_outside_uk",
        "africa",
        "middle_east_and_asia",
        "americas_and_caribbean",
        "oceania_antarctica_and_other",
    ),  # fmt: skip
    "years_in_uk": ("born_in_uk", "under_5", "5_to_9", "10_to_19", "20_or_more"),
    "tenure": ("owner_occupied", "social_rented", "private_rented", "other"),
    "belonging": ("very_strongly", "fairly_strongly", "not_very_strongly", "not_at_all_strongly"),
    "housing_treated_worse": ("worse", "same", "better"),
}
CODED = tuple(CANONICAL)
FIELDS = ("serial", *CODED, *WEIGHTS)
WAVE_ID = re.compile(r"^\d{4}(-\d{2})?$")
FULLY_MAPPED = ("sample_type", "region")  # every canonical code of these must have a code in the wave


class WaveError(ConfigError):
    """A wave file is malformed; the message names the file and the key."""


class Code(ConfigModel):
    """One code of a variable: the value label the data dictionary gives it and its canonical code."""

    label: str
    to: str | None  # the canonical code; null for a missing-value code ("Don't know", "Refused")


class Variable(ConfigModel):
    """Where a canonical field is in the wave's file (its variable name) and what its codes mean."""

    name: str  # in the wave's file
    label: str
    codes: dict[StrictInt, Code] = {}  # empty for the serial number and the weights
    _field: str = PrivateAttr(default="")

    @property
    def field(self) -> str:
        """The canonical field the variable holds."""
        return self._field


class Variables(ConfigModel):
    """Every canonical field's variable, in the canonical order."""

    serial: Variable
    sample_type: Variable
    region: Variable
    ethnic_group: Variable
    country_of_birth: Variable
    years_in_uk: Variable
    tenure: Variable
    belonging: Variable
    housing_treated_worse: Variable
    weight_core_individual: Variable
    weight_core_household: Variable
    weight_full_individual: Variable
    weight_full_household: Variable

    @field_validator(*CODED)
    @classmethod
    def _canonical_codes(cls, variable: Variable, info: ValidationInfo) -> Variable:
        field = str(info.field_name)
        allowed = CANONICAL[field]
        if not variable.codes:
            raise ValueError("codes: a coded field maps its codes (code: {label, to})")
        for code, spec in variable.codes.items():
            if spec.to is not None and spec.to not in allowed:
                raise ValueError(f"codes.{code}: 'to' {spec.to!r} is not one of {', '.join(allowed)}")
        unmapped = sorted(set(allowed) - {c.to for c in variable.codes.values()})
        if field in FULLY_MAPPED and unmapped:
            raise ValueError(f"no code maps to {unmapped}")
        return variable

    @model_validator(mode="after")
    def _named_once(self) -> Variables:
        names: set[str] = set()
        for field, variable in self.items():
            if variable.name.lower() in names:
                raise ValueError(f"{field}: variable {variable.name!r} is mapped twice")
            names.add(variable.name.lower())
            variable._field = field
        return self

    def __getitem__(self, field: str) -> Variable:
        return getattr(self, field)  # type: ignore[no-any-return]

    def items(self) -> list[tuple[str, Variable]]:
        return [(field, self[field]) for field in FIELDS]

    def values(self) -> list[Variable]:
        return [self[field] for field in FIELDS]


assert tuple(Variables.model_fields) == FIELDS, "Variables declares the canonical fields in FIELDS order"


def _wave_id(value: Any) -> Any:
    """YAML reads an unquoted ``2001`` as a number: a wave id is text."""
    return str(value) if isinstance(value, int) else value


class Wave(FileConfig):
    """One wave (``waves/<id>.yaml``): its release, study, file stem and variables."""

    wave: Annotated[str, BeforeValidator(_wave_id)]  # "2001", "2007-08"
    survey: Survey
    study_number: int
    fieldwork: str = ""
    file_stem: str  # e.g. cs0708: file names of the wave carry it
    # generator sizes where published (core, boost); may be empty
    respondents: dict[Literal["core", "boost"], StrictInt] = {}
    variables: Variables

    @field_validator("wave")
    @classmethod
    def _year_or_financial_year(cls, wave: str) -> str:
        if not WAVE_ID.match(wave):
            raise ValueError(f"{wave!r} is not a year or a financial year (2001, 2007-08)")
        return wave

    @property
    def year(self) -> int:
        """The year fieldwork started."""
        return int(self.wave[:4])


def read_wave(path: Path) -> Wave:
    return load_file(Wave, path, "wave", WaveError)


@cache
def waves(folder: Path = HERE / "waves") -> dict[str, Wave]:
    """Every configured wave by id, in wave order."""
    found: dict[str, Wave] = {}
    stems: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        wave = read_wave(path)
        if wave.wave in found or wave.file_stem in stems:
            raise WaveError(f"{path}: wave {wave.wave} / file stem {wave.file_stem} is declared twice")
        found[wave.wave] = wave
        stems[wave.file_stem] = wave.wave
    return dict(sorted(found.items()))


def wave_for(file_name: str) -> Wave:
    """The wave a delivered file belongs to: its name carries the wave's file stem (``cs0708``) or its
    UK Data Service study number (``UKDA-5739``)."""
    name = Path(file_name).name.lower()
    known = waves()
    for wave in known.values():
        if re.search(rf"(?<![a-z0-9]){re.escape(wave.file_stem)}(?![0-9])", name) or re.search(
            rf"ukda-{wave.study_number}(?![0-9])", name
        ):
            return wave
    raise ParseError(
        file_name,
        "the file name names no configured wave (a file stem such as "
        f"{', '.join(w.file_stem for w in known.values())}, or UKDA-<study number>); "
        "add the wave's mapping in sources/citizenship_survey/waves/",
    )
