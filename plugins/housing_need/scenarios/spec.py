"""The scenario file: what a strategy team writes (docs/scenarios.md is its documented template), and
its checks against the baseline it departs from.

Two stages, both before anything is written:

- :func:`read_file` reads the YAML into :class:`ScenarioFile` (pydantic, ``extra="forbid"``): a
  misspelt key, a wrong type or a value outside a parameter's admissible range fails naming the file
  and the key;
- :func:`resolve` checks the file against the baseline warehouse (:class:`Baseline`): parameter names
  and version, local authorities and communities that exist, grant rates of communities that had
  decisions, known events after the baseline's latest quarter. It returns the :class:`Scenario`: the dbt vars the need models read (macros in
  ``dbt_project/macros/scenario_overrides.sql``) and a line per override for banners and the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..sources.config_files import ConfigError, ConfigModel, FileConfig, read_yaml, validate


class ScenarioError(ConfigError):
    """A scenario file is malformed or does not fit its baseline; the message names the file and key."""


# A parameter a scenario may set, with the range a what-if may take it to (wider than the published
# low-high, which is the range of the draws: a ten-year backlog clearance, quota 0.1, lies outside
# the published 0.2-0.2) and why. The names are those of dbt_project/seeds/need/ref_need_parameters.csv.
ADMISSIBLE: dict[str, tuple[float, float, str]] = {
    "backlog_quota": (0.02, 1.0, "share of the backlog met a year: 1 clears it in a year, 0.02 in 50 years"),
    "relative_headship": (0.5, 2.0, "x the LA's households per resident: half to twice the LA's rate"),
    "overcrowding_relative_risk": (
        1.0,
        10.0,
        "x the UK-born overcrowded share: at least as often, at most tenfold",
    ),
    "register_ratio": (0.0, 3.0, "x the community's share of households: none to three times its share"),
    "register_overlap": (
        0.0,
        1.0,
        "a share: 0 (separate lists) to 1 (every overcrowded household registered)",
    ),
    "rent_to_income": (0.1, 0.6, "a share of gross income spent on rent: 10% to 60%"),
    "relet_rate": (0.0, 0.2, "re-lets a year per social home: none to one in five"),
    "move_on_calibration_multiplier": (0.0, 5.0, "x the LA's move-on duties: none to five times"),
    "move_on_local_weight": (0.0, 1.0, "a share: 0 (national grant shares) to 1 (where communities live)"),
}
NOT_OVERRIDABLE = (
    "the population engine's parameters and error are chosen and scored by the ten-year hindcast "
    "(docs/hindcast.md): a scenario changes assumptions about the future, not the scored engine"
)
REGIME_GROUPS = ("eu14", "eu_accession", "non_eu")
FACTOR_RANGE = (0.0, 5.0)


class KnownEvent(ConfigModel):
    """A dated change to the people supported by the Home Office in one local authority."""

    date: dt.date = Field(description="the day the change takes effect (after the baseline's latest quarter)")
    la: str = Field(description="the local authority, by name or GSS code")
    people_supported_change: int = Field(description="people: negative for a site closing, positive opening")
    description: str = ""


class Flow(ConfigModel):
    """A factor on one community's growth in one local authority over the horizon."""

    la: str
    community: str
    growth_factor: float = Field(ge=FACTOR_RANGE[0], le=FACTOR_RANGE[1])


class Migration(ConfigModel):
    regime_factors: dict[Literal["eu14", "eu_accession", "non_eu"], float] = Field(default_factory=dict)
    flows: list[Flow] = Field(default_factory=list)

    @field_validator("regime_factors")
    @classmethod
    def _factors_in_range(cls, factors: dict[str, float]) -> dict[str, float]:
        low, high = FACTOR_RANGE
        for group, factor in factors.items():
            if not low <= factor <= high:
                raise ValueError(f"{group}: factor {factor} out of range [{low}, {high}]")
        return factors


class ScenarioFile(FileConfig):
    """The file a strategy team writes (every key: docs/scenarios.md)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="schema scenario_<name>")
    description: str = Field(min_length=1)
    author: str = Field(min_length=1)
    baseline: Literal["published"] = "published"
    parameter_version: str | None = None
    parameters: dict[str, float] = Field(default_factory=dict)
    backlog_clearance_years: float | None = Field(None, ge=1, le=50)
    migration: Migration = Field(default_factory=Migration)
    grant_rates: dict[str, float] = Field(
        default_factory=dict,
        description="a community's initial grant rate (0-1), or 'all' for every community: its move-on x "
        "the new rate over the baseline's of the last four quarters",
    )
    known_events: list[KnownEvent] = Field(default_factory=list)

    @field_validator("grant_rates")
    @classmethod
    def _rates_are_shares(cls, rates: dict[str, float]) -> dict[str, float]:
        for community, rate in rates.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"{community}: grant rate {rate} out of range [0, 1]")
        return rates

    @model_validator(mode="after")
    def _parameters_admissible(self) -> ScenarioFile:
        problems = []
        for name, value in self.parameters.items():
            if name not in ADMISSIBLE:
                if name.startswith("engine_") or name == "population_error_z":
                    problems.append(f"parameters.{name}: not overridable: {NOT_OVERRIDABLE}")
                else:
                    problems.append(f"parameters.{name}: unknown parameter (one of: {', '.join(ADMISSIBLE)})")
                continue
            low, high, why = ADMISSIBLE[name]
            if not low <= value <= high:
                problems.append(
                    f"parameters.{name}: value {value:g} out of range [{low:g}, {high:g}] ({why})"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _one_way_to_say_the_quota(self) -> ScenarioFile:
        if self.backlog_clearance_years is not None and "backlog_quota" in self.parameters:
            raise ValueError(
                "backlog_clearance_years and parameters.backlog_quota say the same thing: give one"
            )
        return self

    def parameter_overrides(self) -> dict[str, float]:
        out = dict(self.parameters)
        if self.backlog_clearance_years is not None:
            out["backlog_quota"] = 1 / self.backlog_clearance_years
        return out


@dataclass(frozen=True)
class Baseline:
    """What a scenario departs from: read from a snapshot of the published warehouse."""

    run_id: str
    parameter_version: str
    parameters: dict[str, tuple[float, float, float, str]]  # name: low, central, high, varies
    las: dict[str, str]  # GSS code: name
    communities: dict[str, str]  # key: name
    base_date: dt.date
    people_supported_at_base: dict[str, int]  # GSS code: people
    grant_rates: dict[str, float]  # community key: initial grant rate, last four quarters
    input_releases: dict[str, list[str]]  # source: releases loaded

    def la_code(self, given: str) -> str | None:
        if given in self.las:
            return given
        by_name = {name.casefold(): code for code, name in self.las.items()}
        return by_name.get(given.strip().casefold())

    def community_key(self, given: str) -> str | None:
        if given in self.communities:
            return given
        by_name = {name.casefold(): key for key, name in self.communities.items()}
        return by_name.get(given.strip().casefold())


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: its file, the dbt vars the need models read, and what it overrides in words."""

    file: ScenarioFile
    path: Path
    sha256: str
    text: str
    dbt_vars: dict[str, Any]
    overrides: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def schema(self) -> str:
        return f"scenario_{self.file.name}"


def read_file(path: Path) -> ScenarioFile:
    """The scenario file, checked on its own (types, names, admissible ranges)."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file")
    data = read_yaml(path, "scenario file (YAML)", ScenarioError)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{path}: a scenario file is a YAML mapping of keys (name, description, …), got {data!r}"
        )
    spec = validate(ScenarioFile, data, path, ScenarioError)
    spec._source = path
    return spec


def resolve(spec: ScenarioFile, baseline: Baseline) -> Scenario:
    """Check ``spec`` against ``baseline``; every problem is listed, naming the file and the key."""
    path = spec.source
    problems: list[str] = []
    if spec.parameter_version is not None and spec.parameter_version != baseline.parameter_version:
        problems.append(
            f"parameter_version: the file departs from {spec.parameter_version!r} but the baseline "
            f"holds {baseline.parameter_version!r} (check the values against docs/need-method.md, then "
            "change the version)"
        )
    parameters = spec.parameter_overrides()
    for name in parameters:
        if name not in baseline.parameters:
            problems.append(f"parameters.{name}: not a parameter of version {baseline.parameter_version}")

    growth: dict[str, float] = {}  # pair key (int_need_community_inputs.pair_key: "lad|community"): factor
    for i, flow in enumerate(spec.migration.flows):
        lad = baseline.la_code(flow.la)
        key = baseline.community_key(flow.community)
        if lad is None:
            problems.append(f"migration.flows.{i}.la: unknown local authority {flow.la!r}")
        if key is None:
            problems.append(f"migration.flows.{i}.community: unknown community {flow.community!r}")
        if lad and key:
            growth[f"{lad}|{key}"] = flow.growth_factor

    grant: dict[str, float] = {}
    for given, rate in spec.grant_rates.items():
        key = None if given == "all" else baseline.community_key(given)
        if given != "all" and key is None:
            problems.append(f"grant_rates.{given}: unknown community {given!r}")
        elif key is not None and key not in baseline.grant_rates:
            problems.append(
                f"grant_rates.{given}: {baseline.communities[key]} had no initial decision in the "
                "baseline's last four quarters, so there is no grant rate to change"
            )
        else:
            keys = sorted(baseline.grant_rates) if key is None else [key]
            grant.update({k: rate / baseline.grant_rates[k] for k in keys if baseline.grant_rates[k] > 0})

    changes: dict[str, int] = {}
    for i, event in enumerate(spec.known_events):
        lad = baseline.la_code(event.la)
        if lad is None:
            problems.append(f"known_events.{i}.la: unknown local authority {event.la!r}")
        if event.date <= baseline.base_date:
            problems.append(
                f"known_events.{i}.date: {event.date} is not after the baseline's latest quarter "
                f"({baseline.base_date}): what happened by then is in the data"
            )
        if lad:
            changes[lad] = changes.get(lad, 0) + event.people_supported_change
    move_on: dict[str, float] = {}
    for lad, change in sorted(changes.items()):
        supported = baseline.people_supported_at_base.get(lad, 0)
        if supported + change < 0:
            problems.append(
                f"known_events: {baseline.las[lad]} ({lad}) supports {supported} people at "
                f"{baseline.base_date}; its events take away {-change}"
            )
        elif supported > 0:
            move_on[lad] = (supported + change) / supported
        elif change:
            problems.append(
                f"known_events: {baseline.las[lad]} ({lad}) supports nobody at {baseline.base_date}, "
                "so the move-on of an opening there has no rate to follow"
            )
    if problems:
        raise ScenarioError(f"{path}: " + "; ".join(problems))

    text = path.read_text(encoding="utf-8")
    dbt_vars: dict[str, Any] = {
        "parameters": dict(sorted(parameters.items())),
        "regime_factors": dict(sorted(spec.migration.regime_factors.items())),
        "growth_factors": growth,
        "move_on_factors": move_on,
        "grant_factors": dict(sorted(grant.items())),
        "known_events": [
            [baseline.la_code(e.la), e.date.isoformat(), e.people_supported_change] for e in spec.known_events
        ],
    }
    return Scenario(
        file=spec,
        path=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        dbt_vars=dbt_vars,
        overrides=describe(spec, baseline, dbt_vars),
    )


def describe(spec: ScenarioFile, baseline: Baseline, dbt_vars: dict[str, Any]) -> list[str]:
    """One line per override, baseline value beside it: the banner of every page and the record."""
    lines = []
    for name, value in dbt_vars["parameters"].items():
        low, central, high, varies = baseline.parameters[name]
        was = f"{central:g}" if varies == "fixed" else f"{central:g} ({low:g}-{high:g} in the draws)"
        lines.append(f"{name} = {value:g} in every draw (baseline {was})")
    for group, factor in dbt_vars["regime_factors"].items():
        lines.append(f"migration regime factor of {group} = {factor:g} in every migration scenario")
    for pair, factor in dbt_vars["growth_factors"].items():
        lad, key = pair.split("|")
        lines.append(f"growth of {baseline.communities[key]} in {baseline.las[lad]} x {factor:g}")
    for given, rate in spec.grant_rates.items():
        key = baseline.community_key(given)
        if key is None:  # 'all'
            lines.append(
                f"initial grant rate of every community = {rate:g}: its move-on x the new rate over its own"
            )
        else:
            lines.append(
                f"initial grant rate of {baseline.communities[key]} = {rate:g} (baseline "
                f"{baseline.grant_rates[key]:.3g}): its move-on x {dbt_vars['grant_factors'].get(key, 1):.3f}"
            )
    for event in spec.known_events:
        lad = baseline.la_code(event.la) or event.la
        what = f" ({event.description})" if event.description else ""
        lines.append(
            f"{event.date}: {event.people_supported_change:+d} people supported in {baseline.las[lad]}{what}: "
            f"its move-on x {dbt_vars['move_on_factors'].get(lad, 1):.3f}"
        )
    return lines
