"""Survey waves declared as configuration, validated when read.

A wave (``waves/<id>.yaml``) says where each canonical field is in that wave's file (the variable
name) and what its codes mean: the value label the data dictionary gives each code and the
canonical code it harmonises to (``to``; ``null`` for a missing-value code such as "Don't know").
Variable names and codes differ between waves, as they do in the real files: 2001 and 2003 code
ethnic group in five groups, later waves in sixteen; 2007-08 on number the regions from 11 with
Wales first; belonging is coded 1 = very strongly in 2001-2005 and 4 = very strongly later. Adding
a wave (or a Community Life Survey wave: ``survey: community_life_survey``) is a YAML file; a
mistake in one is a clear error naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ...errors import ParseError
from ..config_files import ConfigError, read_yaml, require

HERE = Path(__file__).resolve().parent
SURVEYS = ("citizenship_survey", "community_life_survey")
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


class WaveError(ConfigError):
    """A wave file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Code:
    label: str
    to: str | None  # the canonical code; None for a missing-value code


@dataclass(frozen=True)
class Variable:
    field: str  # canonical
    name: str  # in the wave's file
    label: str
    codes: Mapping[int, Code]  # empty for the serial number and the weights


@dataclass(frozen=True)
class Wave:
    wave: str  # "2001", "2007-08"
    survey: str
    study_number: int
    fieldwork: str
    file_stem: str  # e.g. cs0708: file names of the wave carry it
    respondents: Mapping[str, int]  # generator sizes where published (core, boost); may be empty
    variables: Mapping[str, Variable]
    source: Path

    @property
    def year(self) -> int:
        """The year fieldwork started."""
        return int(self.wave[:4])


def _require(data: Mapping[str, Any], key: str, path: Path) -> Any:
    return require(data, key, path, WaveError)


def read_wave(path: Path) -> Wave:
    data = read_yaml(path, "wave", WaveError)
    if not isinstance(data, dict):
        raise WaveError(f"{path}: a wave is a mapping of keys")
    wave = str(_require(data, "wave", path))
    if not WAVE_ID.match(wave):
        raise WaveError(f"{path}: wave {wave!r} is not a year or a financial year (2001, 2007-08)")
    survey = _require(data, "survey", path)
    if survey not in SURVEYS:
        raise WaveError(f"{path}: survey {survey!r} is not one of {', '.join(SURVEYS)}")
    declared = _require(data, "variables", path)
    missing = [f for f in FIELDS if f not in declared]
    unknown = [f for f in declared if f not in FIELDS]
    if missing or unknown:
        raise WaveError(f"{path}: variables missing {missing} / not canonical {unknown}")
    variables: dict[str, Variable] = {}
    names: set[str] = set()
    for field in FIELDS:
        entry = declared[field]
        name = str(_require(entry, "name", path))
        if name.lower() in names:
            raise WaveError(f"{path}: variables.{field}: variable {name!r} is mapped twice")
        names.add(name.lower())
        codes: dict[int, Code] = {}
        if field in CANONICAL:
            raw = _require(entry, "codes", path)
            for code, spec in raw.items():
                if not isinstance(code, int) or not isinstance(spec, dict) or "label" not in spec:
                    raise WaveError(
                        f"{path}: variables.{field}.codes.{code}: a whole-number code with a label and 'to'"
                    )
                to = spec.get("to")
                if to is not None and to not in CANONICAL[field]:
                    raise WaveError(
                        f"{path}: variables.{field}.codes.{code}: 'to' {to!r} is not one of {', '.join(CANONICAL[field])}"
                    )
                codes[code] = Code(str(spec["label"]), to)
            unmapped = sorted(set(CANONICAL[field]) - {c.to for c in codes.values()})
            if field in ("sample_type", "region") and unmapped:
                raise WaveError(f"{path}: variables.{field}: no code maps to {unmapped}")
        variables[field] = Variable(field, name, str(entry.get("label", field)), codes)
    respondents = data.get("respondents") or {}
    if not all(isinstance(respondents.get(k, 1), int) for k in ("core", "boost")):
        raise WaveError(f"{path}: respondents: whole numbers of core and boost respondents")
    return Wave(
        wave=wave,
        survey=survey,
        study_number=int(_require(data, "study_number", path)),
        fieldwork=str(data.get("fieldwork", "")),
        file_stem=str(_require(data, "file_stem", path)),
        respondents=respondents,
        variables=variables,
        source=path,
    )


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
