"""Projection of people in receipt of asylum support (Home Office Asy_D11) per current local authority,
1 to 8 quarters ahead of an origin quarter, with a P10-P90 range.

The origin T is the latest quarter published: the model reads support and decisions rows with
``period_end <= T`` only (filtered here and asserted), so a backtest can hand it the full history.

Components. Each LA's stock is split by support and accommodation type into components c:
``dispersal`` (section 95 in dispersal or other accommodation), ``subsistence`` (section 95
subsistence only), ``section_4`` (section 4 outside contingency accommodation) and ``contingency``
(hotels, other contingency, initial accommodation, and every section 98 row). The national series
N_c,t sums every row of c *including the rows the publisher allocated to no LA*, so it runs through
the 2018 Q1 (section 4) and 2022 Q4 (section 98) changes in what Asy_D11 allocates to LAs.

Median (``national_model="damped_trend"``, the default)::

    P50_i,T+h = sum_c y_i,c,T * G_c,h        G_c,h = exp(b_c * (phi + phi^2 + ... + phi^h))
    b_c = (ln N_c,T - ln N_c,T-m) / m        (mean quarterly log growth over the last m quarters)

with b_c = 0 when N_c is zero in the window or moved by more than ``max_quarterly_jump`` (in log)
in any of its quarters: a change of regime, not a trend. Each LA keeps its share of every component;
only the national component totals move. ``"decisions"`` instead drives the national total by the
initial decisions of the quarter (an exit driver, see :func:`decisions_growth`); ``"none"`` is the
static baseline (each LA's last value carried forward).

Range. From every past origin t < T whose target t+k is published by T the model's own log error
is known::

    e_i,t,k = ln(1 + y_i,t+k) - ln(1 + P50_i,t,k)

except across a reallocation quarter (see :func:`reallocations`): those changes are the publisher's,
not people moving, and would make every later range absurdly wide. The errors are pooled over LAs and
past origins within B bins of the LA's recent volatility at the origin::

    s_i,t = sqrt((SS_i,t + kappa * S_band) / (n + kappa)) + floor

where SS_i,t sums the squared quarterly changes of ln(1 + y_i) over the last n = ``vol_quarters``
quarters and S_band is the mean of SS/n over the LAs in the same size band (1-9, 10-99, 100-999,
1000+ people); the bin edges are the B-quantiles of s over the one-quarter-ahead errors. Then, with
q the empirical quantiles of the errors at horizon k in LA i's bin::

    P10 = min(P50, exp(ln(1 + P50) + q_a_low(e_k)) - 1)        (and >= 0)
    P90 = max(P50, exp(ln(1 + P50) + q_1-a_high(e_k)) - 1)

(a shorter horizon's errors, scaled by sqrt(k/k'), while a bin of horizon k has too few). The tail
probabilities start at (1 - ``coverage``) / 2 each and adapt (adaptive conformal inference, Gibbs and
Candes 2021, one update per tail): each time a past interval's target is published,
a_low <- a_low + gamma * ((1 - coverage) / 2 - share below P10) and likewise a_high with the share
above P90, over the LAs with people at the origin or the target; so the range widens, on the side
that missed, once the stock turns more volatile. An LA at 0 at the origin has P10 = P50 = 0 and, if
it had people before, P90 = the 1 - a_high quantile of the people such LAs had k quarters later.
Deterministic: no random draws, so no seed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from .asylum_panel import COMPONENTS, BoolArray, FloatArray, Panel, build_panel

HISTORY_COLUMNS = ("period_end", "lad_code", "support_type", "accommodation_type", "people")
DECISION_COLUMNS = ("period_end", "decisions_on_merits")
SIZE_BANDS = (1.0, 10.0, 100.0, 1000.0)
OUTPUT_COLUMNS = (
    "lad_code",
    "origin_period_end",
    "period_end",
    "horizon",
    "people_at_origin",
    "people_p10",
    "people_p50",
    "people_p90",
)
_EPS = 1e-9


@dataclass(frozen=True)
class ProjectionParams:
    """Hyperparameters; the defaults were chosen on backtest origins 2016 Q1-2019 Q4 only."""

    national_model: Literal["damped_trend", "decisions", "none"] = "damped_trend"
    phi: float = 0.65  # damping of the national trend per quarter
    trend_quarters: int = 12  # m: quarters the national trend is measured over
    max_quarterly_jump: float = math.log(1.5)  # |quarterly log change| that switches a trend off
    coverage: float = 0.8  # target share of LA-quarters inside [P10, P90]
    vol_quarters: int = 4  # n: quarters of an LA's own volatility
    vol_shrink: float = 4.0  # kappa: weight (in quarters) of the size band's volatility
    vol_floor: float = 0.05  # added to every s_i
    aci_gamma: float = 0.05  # gamma: adaptation step of each tail probability (0 = fixed)
    calibration_origins: int | None = None  # past origins the error quantiles use (None = all)
    volatility_bins: int = 3  # B: the errors are pooled within bins of s (terciles)
    min_calibration_errors: int = 20  # per bin; fewer at a horizon: borrow a shorter horizon's
    reallocation_drop: float = 0.05  # fall in the unallocated share of the stock that marks a break
    decisions_min_quarters: int = 8  # quarters the decisions regression needs


DEFAULT = ProjectionParams()


def quarter_end(origin: date | pd.Timestamp, quarters: int) -> pd.Timestamp:
    """The quarter end ``quarters`` after the quarter end ``origin``."""
    return pd.Timestamp(origin).normalize() + pd.offsets.QuarterEnd(quarters)


def published_by(frame: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
    """The rows of ``frame`` with period_end <= origin, period_end as a normalised timestamp."""
    period = pd.to_datetime(frame["period_end"]).dt.normalize()
    kept = frame.loc[period <= origin].assign(period_end=period[period <= origin])
    assert bool((kept["period_end"] <= origin).all()), "a row after the origin reached the model"
    return kept


def trend_growth(national: FloatArray, horizons: int, params: ProjectionParams) -> FloatArray:
    """G_h = exp(b * sum_{j=1..h} phi^j) for h = 1..horizons, from the national series to the origin;
    b = (ln N_T - ln N_T-m) / m, or 0 if N is zero in the window, the window is incomplete or a
    quarter in it moved by more than ``max_quarterly_jump`` in log."""
    m = params.trend_quarters
    window = national[-(m + 1) :]
    slope = 0.0
    if len(window) == m + 1 and bool((window > 0).all()):
        steps = np.diff(np.log(window))
        if float(np.abs(steps).max()) <= params.max_quarterly_jump:
            slope = float(steps.mean())
    return np.exp(slope * np.cumsum(params.phi ** np.arange(1, horizons + 1)))


def decisions_growth(
    national: FloatArray, decisions: FloatArray, horizons: int, params: ProjectionParams
) -> FloatArray:
    """Growth of the national stock N driven by initial decisions D (an exit driver)::

        ln N_s+1 - ln N_s = a + c * D_s / N_s    (least squares over the past quarters)
        g_1 = a + c * D_T / N_T,  g_j = g_1 * phi^(j-1),  G_h = exp(g_1 + ... + g_h)

    G = 1 when fewer than ``decisions_min_quarters`` quarters have both, or D_T is unknown."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = decisions / national
        growth = np.diff(np.log(national))
    usable = np.isfinite(ratio[:-1]) & np.isfinite(growth)
    if int(usable.sum()) < params.decisions_min_quarters or not math.isfinite(float(ratio[-1])):
        return np.ones(horizons)
    design = np.column_stack([np.ones(int(usable.sum())), ratio[:-1][usable]])
    coef = np.linalg.lstsq(design, growth[usable], rcond=None)[0]
    first = float(coef[0] + coef[1] * ratio[-1])
    return np.exp(np.cumsum(first * params.phi ** np.arange(horizons)))


def point_forecast(
    panel: Panel, t: int, horizons: int, params: ProjectionParams, decisions: FloatArray
) -> FloatArray:
    """P50 from origin index t, shape (horizons, LAs): sum_c y_i,c,t * G_c,h."""
    if params.national_model == "decisions":
        national = np.sum([panel.national[c][: t + 1] for c in COMPONENTS], axis=0)
        growth = decisions_growth(national, decisions[: t + 1], horizons, params)
        return np.asarray(panel.total[t][None, :] * growth[:, None])
    out = np.zeros((horizons, len(panel.lads)))
    for c in COMPONENTS:
        if params.national_model == "none":
            growth = np.ones(horizons)
        else:
            growth = trend_growth(panel.national[c][: t + 1], horizons, params)
        out += panel.local[c][t][None, :] * growth[:, None]
    return out


def reallocations(panel: Panel, drop: float) -> BoolArray:
    """Quarters in which the share of the national stock allocated to no LA fell by more than
    ``drop``: a change in what Asy_D11 allocates to LAs (section 4 in 2018 Q1, section 98 in 2022 Q4),
    not people moving. LAs' changes across such a quarter say nothing about the model's errors."""
    national = np.sum([panel.national[c] for c in COMPONENTS], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        unallocated = np.where(national > 0, 1.0 - panel.total.sum(axis=1) / national, 0.0)
    return np.concatenate([[False], (unallocated[:-1] - unallocated[1:]) > drop])


def size_band(people: FloatArray) -> npt.NDArray[np.intp]:
    """0 for under 1 person, then 1-9, 10-99, 100-999 and 1000+ as 1 to 4."""
    return np.searchsorted(np.asarray(SIZE_BANDS), people, side="right")


def volatility(total: FloatArray, t: int, params: ProjectionParams) -> FloatArray:
    """s_i,t = sqrt((SS_i + kappa * S_band) / (n + kappa)) + floor (see the module docstring)."""
    steps = np.diff(np.log1p(total[max(0, t - params.vol_quarters) : t + 1]), axis=0)
    n = steps.shape[0]
    if n == 0:
        return np.full(total.shape[1], params.vol_floor)
    own = (steps**2).sum(axis=0)
    bands = size_band(total[t])
    pooled = np.zeros_like(own)
    for band in np.unique(bands):
        pooled[bands == band] = own[bands == band].mean() / n
    return np.asarray(
        np.sqrt((own + params.vol_shrink * pooled) / (n + params.vol_shrink)) + params.vol_floor
    )


@dataclass(frozen=True)
class _Offsets:
    low: FloatArray  # per LA: ln(1 + P10) - ln(1 + P50)
    high: FloatArray  # per LA: ln(1 + P90) - ln(1 + P50)
    zero_high: float  # P90 for LAs seen before but at 0 at the origin


class _Calibration:
    """The model's own past errors, known at origin T (the panel's last quarter), and the ranges."""

    def __init__(self, panel: Panel, horizons: int, params: ProjectionParams, decisions: FloatArray) -> None:
        self.panel, self.horizons, self.params = panel, horizons, params
        last = len(panel.periods) - 1
        self.last = last
        self.p50 = np.stack([point_forecast(panel, t, horizons, params, decisions) for t in range(last + 1)])
        self.sigma = np.stack([volatility(panel.total, t, params) for t in range(last + 1)])
        self.breaks = np.cumsum(reallocations(panel, params.reallocation_drop))
        self.errors: dict[int, dict[int, tuple[FloatArray, FloatArray, FloatArray]]] = {
            k: {t: self._errors(t, k) for t in range(1, last - k + 1) if not self.straddles(t, t + k)}
            for k in range(1, horizons + 1)
        }

    def straddles(self, origin: int, target: int) -> bool:
        """Whether a reallocation quarter lies in (origin, target]."""
        return bool(self.breaks[target] > self.breaks[origin])

    def _errors(self, t: int, k: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(log errors, s of those LAs, people at t+k of the LAs at 0) of origin t at horizon k."""
        total, seen = self.panel.total, self.panel.seen[t]
        positive = seen & (total[t] >= 1)
        error = np.log1p(total[t + k]) - np.log1p(np.maximum(self.p50[t, k - 1], 0.0))
        return error[positive], self.sigma[t][positive], total[t + k][seen & (total[t] < 1)]

    def _samples(self, t: int, k: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        window = self.params.calibration_origins
        first = 1 if window is None else max(1, t - k - window + 1)
        known = [self.errors[k][s] for s in range(first, t - k + 1) if s in self.errors[k]]
        if not known:
            return np.zeros(0), np.zeros(0), np.zeros(0)
        error, sigma, zero = (np.concatenate(parts) for parts in zip(*known, strict=True))
        return error, sigma, zero

    def _edges(self, t: int) -> FloatArray:
        """Edges of the volatility bins at origin t: the 1/B, ..., (B-1)/B quantiles of s over the
        one-quarter-ahead errors known at t (the same bins at every horizon; tied edges merged)."""
        sigma = self._samples(t, 1)[1]
        if len(sigma) == 0:
            return np.zeros(0)
        bins = self.params.volatility_bins
        return np.unique(np.quantile(sigma, np.arange(1, bins) / bins))

    def offsets(self, t: int, k: int, tails: tuple[float, float]) -> _Offsets | None:
        """Quantiles a_low and 1 - a_high of the log errors known at origin t within each volatility
        bin, for the LAs of origin t by their s. A shorter horizon k' (scaled by sqrt(k/k')) stands
        in while a bin of horizon k has fewer than ``min_calibration_errors``; None if none has."""
        edges = self._edges(t)
        for shorter in range(k, 0, -1):
            error, sigma, zero = self._samples(t, shorter)
            of_error = np.searchsorted(edges, sigma, side="right")
            counts = np.bincount(of_error, minlength=len(edges) + 1)
            if counts.min() < self.params.min_calibration_errors:
                continue
            quantiles = [
                np.quantile(error[of_error == b], [tails[0], 1 - tails[1]]) for b in range(len(counts))
            ]
            bounds = np.array(quantiles) * math.sqrt(k / shorter)
            of_la = np.searchsorted(edges, self.sigma[t], side="right")
            zero_high = float(np.quantile(zero, 1 - tails[1])) if len(zero) else 0.0
            return _Offsets(bounds[of_la, 0], bounds[of_la, 1], zero_high)
        return None

    def interval(self, t: int, k: int, tails: tuple[float, float]) -> tuple[FloatArray, FloatArray] | None:
        """(P10, P90) over the LAs from origin t at horizon k, or None if no errors are known yet."""
        q = self.offsets(t, k, tails)
        if q is None:
            return None
        total, p50 = self.panel.total[t], self.p50[t, k - 1]
        centre = np.log1p(np.maximum(p50, 0.0))
        positive = total >= 1
        low = np.where(positive, np.clip(np.expm1(centre + q.low), 0.0, p50), 0.0)
        zero_high = np.where(self.panel.seen[t], q.zero_high, 0.0)
        high = np.where(positive, np.maximum(np.expm1(centre + q.high), p50), zero_high)
        return low, high

    def tails(self) -> dict[int, tuple[float, float]]:
        """The adapted tail probabilities (a_low, a_high) per horizon at the origin: replay the origins
        in order and, each time a past interval's target is published, move each tail by gamma times
        (its target (1 - coverage) / 2 minus the share of LAs that fell beyond it), kept within
        0.005-0.3. Pairs across a reallocation quarter are skipped."""
        target = (1.0 - self.params.coverage) / 2
        tails = dict.fromkeys(range(1, self.horizons + 1), (target, target))
        if self.params.aci_gamma == 0:
            return tails
        made: dict[tuple[int, int], tuple[FloatArray, FloatArray]] = {}
        total = self.panel.total
        for t in range(1, self.last + 1):
            for k in range(1, self.horizons + 1):
                past = made.pop((t - k, k), None)
                if past is not None and not self.straddles(t - k, t):
                    tails[k] = self._adapt(tails[k], past, total[t - k], total[t])
                if t + k <= self.last:
                    made_now = self.interval(t, k, tails[k])
                    if made_now is not None:
                        made[(t, k)] = made_now
        return tails

    def _adapt(
        self,
        tails: tuple[float, float],
        band: tuple[FloatArray, FloatArray],
        base: FloatArray,
        actual: FloatArray,
    ) -> tuple[float, float]:
        scored = (base > 0) | (actual > 0)
        if not scored.any():
            return tails
        below = float((actual[scored] < band[0][scored] - _EPS).mean())
        above = float((actual[scored] > band[1][scored] + _EPS).mean())
        target, gamma = (1.0 - self.params.coverage) / 2, self.params.aci_gamma
        return (
            min(max(tails[0] + gamma * (target - below), 0.005), 0.3),
            min(max(tails[1] + gamma * (target - above), 0.005), 0.3),
        )


def _check_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")


def _decisions_by_quarter(decisions: pd.DataFrame, periods: pd.DatetimeIndex) -> FloatArray:
    by_quarter = decisions.groupby("period_end")["decisions_on_merits"].sum()
    return np.asarray(by_quarter.reindex(periods).to_numpy(dtype=float, na_value=np.nan))


def project(
    history: pd.DataFrame,
    decisions: pd.DataFrame,
    origin: date | pd.Timestamp,
    horizons: int = 8,
    params: ProjectionParams = DEFAULT,
) -> pd.DataFrame:
    """People supported per LA at each of ``horizons`` quarters after ``origin``.

    ``history``: Asy_D11 rows (period_end, lad_code (null = unallocated), support_type,
    accommodation_type, people), any period; ``decisions``: initial decisions per quarter
    (period_end, decisions_on_merits). Only rows with period_end <= origin are read. One row per
    LA with a row in the history by the origin and per horizon: lad_code, origin_period_end,
    period_end (the projected quarter end), horizon, people_at_origin, people_p10, people_p50,
    people_p90."""
    _check_columns(history, HISTORY_COLUMNS, "history")
    _check_columns(decisions, DECISION_COLUMNS, "decisions")
    if horizons < 1:
        raise ValueError("horizons must be at least 1")
    at = pd.Timestamp(origin).normalize()
    if not at.is_quarter_end:
        raise ValueError(f"origin {at.date()} is not a quarter end")
    known = published_by(history, at)
    if known.empty or known["period_end"].max() != at:
        raise ValueError(f"no support rows for the origin quarter {at.date()}")
    panel = build_panel(known)
    decided = _decisions_by_quarter(published_by(decisions, at), panel.periods)
    calibration = _Calibration(panel, horizons, params, decided)
    tails = calibration.tails()
    last = len(panel.periods) - 1
    frames = []
    for k in range(1, horizons + 1):
        p50 = calibration.p50[last, k - 1]
        band = calibration.interval(last, k, tails[k]) or (p50, p50)
        frames.append(
            pd.DataFrame(
                {
                    "lad_code": panel.lads.to_numpy(),
                    "origin_period_end": at,
                    "period_end": quarter_end(at, k),
                    "horizon": k,
                    "people_at_origin": panel.total[last],
                    "people_p10": band[0],
                    "people_p50": p50,
                    "people_p90": band[1],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["lad_code", "horizon"], ignore_index=True)[list(OUTPUT_COLUMNS)]


MOVE_ON_COLUMNS = (
    "move_on_households_p10",
    "move_on_households_p50",
    "move_on_households_p90",
    "move_on_calibration_ratio",
    "move_on_duties_p50",
)


def apply_known_events(projected: pd.DataFrame, events: Sequence[tuple[str, str, int]]) -> pd.DataFrame:
    """A :func:`project` frame with known events (a what-if scenario's: docs/scenarios.md) applied:
    each event ``(lad_code, date, people)`` adds ``people`` (negative: a site closing) to the LA's
    P10, P50 and P90 from the first projected quarter ending on or after ``date``, never below 0.
    :func:`project_move_on` then carries the change into move-on at the LA's rate per person."""
    out = projected.copy()
    ends = pd.to_datetime(out["period_end"]).dt.normalize()
    for lad_code, day, people in events:
        hit = (out["lad_code"] == lad_code) & (ends >= pd.Timestamp(day).normalize())
        for column in ("people_p10", "people_p50", "people_p90"):
            out.loc[hit, column] = (out.loc[hit, column].astype(float) + people).clip(lower=0.0)
    return out


def project_move_on(
    projected: pd.DataFrame, move_on: pd.DataFrame, calibration: pd.DataFrame
) -> pd.DataFrame:
    """Add projected move-on to a :func:`project` frame: households leaving Home Office accommodation
    after a grant in each projected quarter, and those expected at the council's homelessness service.

    ``move_on``: the move-on estimate per LA and quarter (lad_code, period_end,
    estimated_households_central: the LA's share of the accommodated stock x UK grants x the central
    share of grants made to supported people; docs/flows.md). ``calibration``: lad_code,
    observed_to_estimate_ratio (H-CLIC duties / that estimate, per LA). For LA i::

        r_i = (estimated move-on households in the last 4 quarters to the origin) / (4 x people at origin)
        move_on_households_pX(h) = r_i x people_pX(h)
        move_on_duties_p50(h)    = move_on_households_p50(h) x c_i

    with c_i the LA's calibration ratio, or the median over calibrated LAs where it has none: the
    move-on rate per person supported is held at its last year's level, and the range is the people
    range's (the grant rate's own uncertainty is not added)."""
    _check_columns(move_on, ("lad_code", "period_end", "estimated_households_central"), "move_on")
    _check_columns(calibration, ("lad_code", "observed_to_estimate_ratio"), "calibration")
    origin = pd.Timestamp(projected["origin_period_end"].max()).normalize()
    recent = move_on.assign(period_end=pd.to_datetime(move_on["period_end"]).dt.normalize())
    recent = recent[(recent["period_end"] <= origin) & (recent["period_end"] > quarter_end(origin, -4))]
    yearly = recent.groupby("lad_code")["estimated_households_central"].sum()
    ratios = calibration.dropna(subset=["observed_to_estimate_ratio"]).set_index("lad_code")[
        "observed_to_estimate_ratio"
    ]
    median = float(ratios.median()) if len(ratios) else 1.0
    out = projected.copy()
    at_origin = out["people_at_origin"].to_numpy(dtype=float)
    moved = out["lad_code"].map(yearly).fillna(0.0).to_numpy(dtype=float)
    rate = np.divide(moved, 4.0 * at_origin, out=np.zeros_like(moved), where=at_origin > 0)
    for level in ("p10", "p50", "p90"):
        out[f"move_on_households_{level}"] = rate * out[f"people_{level}"].to_numpy(dtype=float)
    out["move_on_calibration_ratio"] = out["lad_code"].map(ratios).fillna(median).astype(float)
    out["move_on_duties_p50"] = out["move_on_households_p50"] * out["move_on_calibration_ratio"]
    return out
