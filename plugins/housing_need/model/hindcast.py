"""The community population engine and its ten-year hindcast (Census 2011 -> 2021): pure functions.

The engine projects the people born in community c (a country of birth) living in LA l from a census
T0 to T0 + H, from what was known at T0. Per cell (l, c), with g the previous census's country group
that contains c (Poland, Eastern Europe without Poland, Africa, Asia, ...; see the caller's mapping)::

    R_g   = ln(N_g,T0 / N_g,T0-10) / 10                  national annual log growth of group g, last decade
    R*_g  = rho_n * tanh(R_g / rho_n)                    saturated: no community keeps a boom rate
    d_lg  = ln((G_lg,T0 + 0.5) / (G_lg,T0-10 + 0.5)) / 10 - R_g
                                                         the LA's own growth of g, relative to national
    w_lg  = G_lg,T0-10 / (G_lg,T0-10 + k)                evidence weight: shrinks d toward 0 (= national)
    m_l   = (sum of the LA's internal net migration over the decade) / (population at T0-10) / 10
            - the same over all LAs                      (MYEB3; likewise x_l for international net)
    r_lc  = R*_g + phi_l * w_lg * rho_l * tanh(d_lg / rho_l) + beta_int * x_l + beta_dom * m_l
    P50_lc = P_lc,T0 * exp(H * r_lc)

Range (log-normal around P50, z = 1.2816 for P10-P90)::

    s_lc^2 = sigma_g^2 + tau^2 + nu / (P_lc,T0 + 1)
    P10 = floor(P50 * exp(-z s)),  P90 = ceil(P50 * exp(z s))      (people are whole: rounded outward)

with every term measured on the previous decade, so known at T0 (:func:`fit_dispersion`): sigma_g the
G-weighted root mean square over LAs (G_lg,T0-10 >= 100) of 10 * d_lg (how far an LA's decade growth
strays from the national); tau the root mean square, over the previous census's groups, of
10 * R*_g about their mean (how far a community's national decade can differ from another's: the
engine does not know which way a single country will go); nu the over-dispersion of small cells,
the least-squares slope through the origin of (10 d_lg)^2 - sigma_g^2 on 1 / (G_lg,T0-10 + 1).

Parameters (:class:`EngineParams`, chosen by the hindcast 2011 -> 2021, see docs/hindcast.md)::

    H = 10, rho_n = 0.025, phi_l = 0.25, rho_l = 0.05, k = 100, beta_int = 0, beta_dom = 1

and fitted on 2001-2011 for the 2011 origin: sigma_g per group, tau = 0.106, nu = 2.0 (the report
prints the values). A cell with no people at T0 stays at 0 with P10 = P90 = 0.

No look-ahead: every input frame carries ``as_of`` (the year its figure refers to) and
:func:`project_cells` raises :class:`LookAheadError` if any row is after the origin; the scoring
target (the next census) is handed only to :func:`score`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
Z80 = 1.2815515655446004  # standard normal quantile at 0.9: P10-P90 is +-Z80 standard deviations
CELL_COLUMNS = ("lad_code", "community", "group", "base", "group_start", "group_base", "as_of")
GROUP_COLUMNS = ("group", "national_start", "national_base", "as_of")
LA_COLUMNS = ("lad_code", "internal_rate", "international_rate", "as_of")
OUTPUT_COLUMNS = ("lad_code", "community", "group", "base", "p10", "p50", "p90")


class LookAheadError(ValueError):
    """An input row refers to a year after the forecast's origin."""


@dataclass(frozen=True)
class EngineParams:
    """The engine's named parameters (module docstring)."""

    horizon: int = 10  # H, years
    rho_n: float = 0.025  # saturation of the national group growth, per year (log)
    phi_l: float = 0.25  # persistence of the LA's own relative growth of the group
    rho_l: float = 0.05  # saturation of that relative growth, per year (log)
    k: float = 100.0  # people of the group in the LA at T0-10 at which its own growth gets half weight
    beta_int: float = 0.0  # x the LA's net international migration rate (per person per year)
    beta_dom: float = 1.0  # x the LA's net internal migration rate (per person per year)
    national: bool = True  # False: no national term (static when the other terms are 0 too)


DEFAULT = EngineParams()
STATIC = EngineParams(phi_l=0.0, beta_dom=0.0, national=False)


@dataclass(frozen=True)
class Dispersion:
    """The range's terms, fitted on the decade before the origin (module docstring)."""

    sigma: Mapping[str, float]  # per group g
    tau: float
    nu: float


def check_as_of(frame: pd.DataFrame, origin: int, name: str) -> None:
    """Raise :class:`LookAheadError` naming the frame and the rows if any ``as_of`` is after ``origin``."""
    if "as_of" not in frame.columns:
        raise LookAheadError(f"{name}: no 'as_of' column, so it cannot be shown to be known by {origin}")
    as_of = pd.to_numeric(frame["as_of"], errors="coerce")
    late = frame[~(as_of <= origin)]
    if len(late):
        raise LookAheadError(
            f"{name}: {len(late)} row(s) refer to after the origin {origin} (as_of "
            f"{sorted(set(late['as_of'].astype(str)))[:5]}); the hindcast may read only what was known by then"
        )


def _require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}; expected {list(columns)}")


def cell_rate(
    group_start: FloatArray,
    group_base: FloatArray,
    national_start: FloatArray,
    national_base: FloatArray,
    internal_rate: FloatArray,
    international_rate: FloatArray,
    params: EngineParams = DEFAULT,
) -> FloatArray:
    """r_lc, the annual log growth of each cell (module docstring), on aligned arrays. The LA rates are
    already relative to all LAs (m_l and x_l)."""
    gs, gb = np.asarray(group_start, float), np.asarray(group_base, float)
    ns, nb = np.asarray(national_start, float), np.asarray(national_base, float)
    decade = 10.0
    national = np.log(nb / ns) / decade
    rate = np.zeros_like(national)
    if params.national:
        rate = rate + params.rho_n * np.tanh(national / params.rho_n)
    if params.phi_l:
        relative = np.log((gb + 0.5) / (gs + 0.5)) / decade - national
        weight = np.divide(gs, gs + params.k, out=np.zeros_like(gs), where=(gs + params.k) > 0)
        rate = rate + params.phi_l * weight * params.rho_l * np.tanh(relative / params.rho_l)
    rate = rate + params.beta_int * np.asarray(international_rate, float)
    rate = rate + params.beta_dom * np.asarray(internal_rate, float)
    return np.asarray(rate, dtype=float)


def fit_dispersion(cells: pd.DataFrame, groups: pd.DataFrame, params: EngineParams = DEFAULT) -> Dispersion:
    """sigma_g, tau and nu from the decade before the origin: one row per LA and group of ``cells``
    (group_start, group_base), national totals per group in ``groups``."""
    decade = 10.0
    per_group = cells.drop_duplicates(["lad_code", "group"])
    nat = groups.set_index("group")
    sigma: dict[str, float] = {}
    xs: list[FloatArray] = []
    ys: list[FloatArray] = []
    saturated = []
    for g, rows in per_group.groupby("group", sort=True):
        gs = rows["group_start"].to_numpy(float)
        gb = rows["group_base"].to_numpy(float)
        national = math.log(float(nat.at[g, "national_base"]) / float(nat.at[g, "national_start"])) / decade
        deviation = decade * (np.log((gb + 0.5) / (gs + 0.5)) / decade - national)
        big = gs >= 100
        sigma[str(g)] = float(np.sqrt(np.average(deviation[big] ** 2, weights=gs[big]))) if big.any() else 0.0
        xs.append(1.0 / (gs + 1.0))
        ys.append(deviation**2 - sigma[str(g)] ** 2)
        saturated.append(decade * params.rho_n * math.tanh(national / params.rho_n))
    x, y = np.concatenate(xs), np.concatenate(ys)
    spread = np.asarray(saturated)
    return Dispersion(
        sigma=sigma,
        tau=float(np.sqrt(np.mean((spread - spread.mean()) ** 2))),
        nu=float((x * y).sum() / (x * x).sum()),
    )


def project_cells(
    cells: pd.DataFrame,
    groups: pd.DataFrame,
    las: pd.DataFrame,
    origin: int,
    params: EngineParams = DEFAULT,
    dispersion: Dispersion | None = None,
) -> pd.DataFrame:
    """P10/P50/P90 of every cell at origin + H.

    ``cells``: lad_code, community, group, base (P_lc,T0), group_start and group_base (G_lg at T0-10 and
    T0), as_of. ``groups``: group, national_start, national_base, as_of. ``las``: lad_code,
    internal_rate and international_rate (m_l, x_l: already relative to all LAs), as_of. Every as_of must
    be <= ``origin`` (else :class:`LookAheadError`). ``dispersion`` defaults to :func:`fit_dispersion`."""
    for frame, columns, name in (
        (cells, CELL_COLUMNS, "cells"),
        (groups, GROUP_COLUMNS, "groups"),
        (las, LA_COLUMNS, "las"),
    ):
        check_as_of(frame, origin, name)
        _require(frame, columns, name)
    frame = cells.merge(groups.drop(columns="as_of"), on="group", how="left", validate="many_to_one")
    frame = frame.merge(las.drop(columns="as_of"), on="lad_code", how="left", validate="many_to_one")
    unknown = frame[frame["national_start"].isna() | frame["internal_rate"].isna()]
    if len(unknown):
        raise ValueError(
            f"cells without national group totals or LA rates: {unknown[['lad_code', 'group']].head().values.tolist()}"
        )
    rate = cell_rate(
        frame["group_start"].to_numpy(float),
        frame["group_base"].to_numpy(float),
        frame["national_start"].to_numpy(float),
        frame["national_base"].to_numpy(float),
        frame["internal_rate"].to_numpy(float),
        frame["international_rate"].to_numpy(float),
        params,
    )
    base = frame["base"].to_numpy(float)
    p50 = base * np.exp(params.horizon * rate)
    spread = dispersion if dispersion is not None else fit_dispersion(cells, groups, params)
    sigma = frame["group"].map(spread.sigma).to_numpy(float)
    s = np.sqrt(sigma**2 + spread.tau**2 + spread.nu / (base + 1.0))
    out = frame[["lad_code", "community", "group"]].assign(
        base=base, p10=np.floor(p50 * np.exp(-Z80 * s)), p50=p50, p90=np.ceil(p50 * np.exp(Z80 * s))
    )
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Score:
    """WAPE and P10-P90 coverage of one forecast over a set of cells."""

    cells: int
    actual: float
    wape: float
    coverage: float  # nan where the forecast has no range


def score(forecast: pd.DataFrame, actual: pd.DataFrame, by: str | None = None) -> dict[str, Score]:
    """WAPE = sum |p50 - actual| / sum actual and the share of cells with p10 <= actual <= p90, over the
    cells of ``forecast`` (lad_code, community, p50 and optionally p10/p90, plus ``by``) joined to
    ``actual`` (lad_code, community, people; a cell missing from it counts as 0). Keyed by the values of
    ``by``, or ``"all"``."""
    frame = forecast.merge(
        actual[["lad_code", "community", "people"]], on=["lad_code", "community"], how="left"
    )
    frame["people"] = frame["people"].fillna(0.0)
    keys = frame[by].astype(str) if by else pd.Series("all", index=frame.index)
    out: dict[str, Score] = {}
    for key, rows in frame.groupby(keys, sort=True):
        a = rows["people"].to_numpy(float)
        p50 = rows["p50"].to_numpy(float)
        if {"p10", "p90"} <= set(rows.columns):
            inside = (a >= rows["p10"].to_numpy(float)) & (a <= rows["p90"].to_numpy(float))
            cover = float(inside.mean())
        else:
            cover = float("nan")
        out[str(key)] = Score(
            cells=len(rows),
            actual=float(a.sum()),
            wape=float(np.abs(p50 - a).sum() / a.sum()),
            coverage=cover,
        )
    return out


def oracle(forecast: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """Each community's true national growth base -> target applied in every LA (a bound no model that
    keeps LA shares can beat on average, not a forecast: it reads the target)."""
    national_actual = actual.groupby("community")["people"].sum()
    national_base = forecast.groupby("community")["base"].sum()
    growth = forecast["community"].map(national_actual / national_base).to_numpy(float)
    return forecast[["lad_code", "community", "group", "base"]].assign(
        p50=forecast["base"].to_numpy(float) * growth
    )
