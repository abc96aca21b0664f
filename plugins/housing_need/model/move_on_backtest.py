"""Out-of-sample backtest of move-on duties: households owed a homelessness duty (H-CLIC prevention or
relief) because they had to leave Home Office asylum accommodation, forecast per LA for the four
quarters after an origin T from the data published by T, and scored against what councils recorded.

Inputs (all pure frames, the caller reads the marts):

- ``stock``: people on section 95/98 support in Home Office accommodation (not subsistence only) per
  LA and quarter end (lad_code, null = allocated to no LA; period_end; people);
- ``grants``: UK initial grants per quarter (period_end, grants);
- ``duties``: H-CLIC households owed a prevention or relief duty for this reason per LA and quarter
  (lad_code, period_end, households; null = not reported by the council).

Every forecast reads only rows with ``period_end <= T`` (filtered and asserted: :func:`known_by`).
For LA i, with S the stock, G the grants and s = 0.7 the central share of grants to supported people
(docs/flows.md)::

    E_i,q   = S_i,q-1 / S_UK,q-1 x G_q x s                      (the move-on estimate, q <= T)
    c_i     = sum_q obs_i,q / sum_q E_i,q                       (q <= T with obs reported and S_i,q-1
                                                                 published; the median c over LAs
                                                                 where the LA has none or sum E = 0)
    G^      = (G_T-3 + G_T-2 + G_T-1 + G_T) / 4                 (last year's grants, held flat: the
                                                                 last four quarters' grant rate x
                                                                 their decisions)
    model_i = 4 x S_i,T / S_UK,T x G^ x s x c_i                  (the year T+1..T+4)
    static_i = 4 x obs_i,last                                   (last reported quarter <= T)
    mean4_i  = 4 x mean(obs_i,q reported, T-3 <= q <= T)         (static when none reported)
    oracle_i = S_i,T / S_UK,T x (G_T+1 + ... + G_T+4) x s x c_i   (the model told the real grants:
                                                                 reads the future, a reference only)

s cancels in model_i (c_i divides by it); it is kept so c_i is the published ratio
(``mart_move_on_calibration_by_la``, there over every quarter).

Range. P10/P90 of model_i combine two error samples, both measured by T:
national n_t = ln(sum of G over t+1..t+4 / (4 x mean G over t-3..t)) for every t with t + 4 <= T
(how far next year's grants strayed from last year's), and local e_j = ln(1 + y_j) - ln(1 + F_j)
over the LAs j of the same forecast made at T-4 with the real grants of T-3..T (how far an LA's duties
strayed from its calibrated share of them). For each LA the quantiles over every pair (n, e) of
ln(1 + model_i x exp(n)) + e give P10 and P90 (floored at 0).

Scores over the LAs reported in all four held-out quarters with a forecast or an actual above 0::

    WAPE = sum_i |F_i - y_i| / sum_i y_i                       (y_i: duties T+1..T+4)
    rho  = Spearman rank correlation across LAs of F_i and y_i  (average ranks for ties)
    coverage = share of LAs with P10_i <= y_i <= P90_i
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .backtest import per
from .projection import quarter_end

STOCK_COLUMNS = ("lad_code", "period_end", "people")
GRANT_COLUMNS = ("period_end", "grants")
DUTY_COLUMNS = ("lad_code", "period_end", "households")
SUPPORTED_SHARE = 0.7  # s, central (ref_move_on_assumptions)
TAILS = (0.1, 0.9)
HIGH_RATIO = 3.0  # a calibration ratio above this: duties the LA's own stock does not explain
FORECAST_COLUMNS = (
    "lad_code",
    "share_at_origin",
    "calibration_ratio",
    "model",
    "model_p10",
    "model_p90",
    "static",
    "mean4",
)


@dataclass(frozen=True)
class MoveOnInputs:
    stock: pd.DataFrame
    grants: pd.DataFrame
    duties: pd.DataFrame


@dataclass(frozen=True)
class MoveOnScore:
    """One origin's held-out year, scored across LAs: the sums behind the scores, so origins pool."""

    origin: pd.Timestamp
    n: int  # LAs scored
    actual: float  # sum of y_i: duties over the four held-out quarters
    model_total: float
    static_total: float
    grants_projected: float  # 4 x G^
    grants_actual: float  # G over the held-out quarters
    abs_model: float  # sum |model_i - y_i|
    abs_static: float
    abs_mean4: float
    abs_oracle: float
    covered: int  # LAs with P10 <= y <= P90
    rank_model: float
    rank_static: float
    abs_model_high_ratio: float = 0.0  # the part of abs_model from LAs with c_i > HIGH_RATIO
    high_ratio_n: int = 0  # scored LAs with c_i > HIGH_RATIO
    allocated_share: float = float("nan")  # share of the UK stock allocated to LAs at T
    allocated_share_before: float = float("nan")  # the same, mean over T-4..T-1

    @property
    def wape_model(self) -> float:
        return per(self.abs_model, self.actual)

    @property
    def wape_static(self) -> float:
        return per(self.abs_static, self.actual)

    @property
    def wape_mean4(self) -> float:
        return per(self.abs_mean4, self.actual)

    @property
    def wape_oracle(self) -> float:
        return per(self.abs_oracle, self.actual)

    @property
    def ratio(self) -> float:
        return per(self.abs_model, self.abs_static)

    @property
    def coverage(self) -> float:
        return per(self.covered, self.n)

    @property
    def held_out(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return quarter_end(self.origin, 1), quarter_end(self.origin, 4)


def _check(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")


def known_by(inputs: MoveOnInputs, origin: pd.Timestamp) -> MoveOnInputs:
    """The rows of every input with period_end <= origin (period_end as a normalised timestamp),
    asserted: nothing published after the origin reaches a forecast."""
    _check(inputs.stock, STOCK_COLUMNS, "stock")
    _check(inputs.grants, GRANT_COLUMNS, "grants")
    _check(inputs.duties, DUTY_COLUMNS, "duties")
    out = []
    for frame in (inputs.stock, inputs.grants, inputs.duties):
        period = pd.to_datetime(frame["period_end"]).dt.normalize()
        kept = frame.loc[period <= origin].assign(period_end=period[period <= origin])
        assert bool((kept["period_end"] <= origin).all()), "a row after the origin reached the forecast"
        out.append(kept)
    return MoveOnInputs(*out)


def _grants(grants: pd.DataFrame) -> pd.Series:
    return grants.groupby("period_end")["grants"].sum().astype(float)


def _stock(stock: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """(LA x quarter people, rows quarters and columns LAs; UK people per quarter incl. unallocated)."""
    people = pd.to_numeric(stock["people"]).astype(float)
    uk = people.groupby(stock["period_end"]).sum()
    allocated = stock["lad_code"].notna()
    la = people[allocated].groupby([stock["period_end"][allocated], stock["lad_code"][allocated]]).sum()
    return la.unstack("lad_code").sort_index(), uk


def _duties(duties: pd.DataFrame) -> pd.DataFrame:
    """LA x quarter households (rows quarters, columns LAs), NaN where not reported."""
    households = pd.to_numeric(duties["households"]).astype(float)
    by = households.groupby([duties["period_end"], duties["lad_code"]]).sum(min_count=1)
    return by.unstack("lad_code").sort_index()


def calibration_ratios(known: MoveOnInputs, share: float = SUPPORTED_SHARE) -> pd.Series:
    """c_i = sum obs / sum E over the quarters with both (the rows handed in: the caller filters)."""
    la, uk = _stock(known.stock)
    grants = _grants(known.grants)
    duties = _duties(known.duties)
    observed_sum: dict[str, float] = {}
    estimated_sum: dict[str, float] = {}
    for q in duties.index:
        start = quarter_end(q, -1)
        if start not in la.index or q not in grants.index or not uk.get(start, 0.0):
            continue
        estimate = la.loc[start] / uk[start] * grants[q] * share
        row = duties.loc[q]
        for lad, obs in row[row.notna()].items():
            e = estimate.get(lad, np.nan)
            if pd.isna(e):  # no stock row for the LA at q-1: no estimate, as in the mart
                continue
            observed_sum[lad] = observed_sum.get(lad, 0.0) + float(obs)
            estimated_sum[lad] = estimated_sum.get(lad, 0.0) + float(e)
    ratios = {lad: observed_sum[lad] / e for lad, e in estimated_sum.items() if e > 0}
    return pd.Series(ratios, dtype=float).sort_index()


def _model(
    known: MoveOnInputs, origin: pd.Timestamp, grants_ahead: float | None, share: float
) -> tuple[pd.Series, float, pd.Series, float]:
    """(c_i per LA, the median where the LA has none; that median; the model's forecast for the year
    per LA with a stock at T; the UK grants over the year it used)."""
    la, uk = _stock(known.stock)
    if origin not in la.index or not uk.get(origin, 0.0):
        raise ValueError(f"no accommodated stock published for the origin quarter {origin.date()}")
    shares = (la.loc[origin].fillna(0.0) / uk[origin]).rename("share_at_origin")
    if grants_ahead is None:
        grants = _grants(known.grants)
        last = [quarter_end(origin, -k) for k in range(4)]
        missing = [str(q.date()) for q in last if q not in grants.index]
        if missing:
            raise ValueError(
                f"no UK grants published for {', '.join(missing)}: the grant projection needs the "
                f"four quarters to {origin.date()}"
            )
        grants_ahead = float(grants[last].sum())
    ratios = calibration_ratios(known, share)
    median = float(ratios.median()) if len(ratios) else 1.0
    c = ratios.reindex(shares.index.union(ratios.index)).fillna(median)
    return c, median, shares * grants_ahead * share * c.reindex(shares.index), grants_ahead


def forecast(
    inputs: MoveOnInputs,
    origin: pd.Timestamp | str,
    *,
    grants_ahead: float | None = None,
    share: float = SUPPORTED_SHARE,
    tails: tuple[float, float] = TAILS,
) -> pd.DataFrame:
    """Each LA's duties over the four quarters after ``origin`` from the rows published by then: one
    row per LA with a stock or a reported duty by the origin (columns :data:`FORECAST_COLUMNS`).
    ``grants_ahead`` (UK grants over the year) replaces the flat projection: the oracle only."""
    at = pd.Timestamp(origin).normalize()
    if not at.is_quarter_end:
        raise ValueError(f"origin {at.date()} is not a quarter end")
    known = known_by(inputs, at)
    c, median, model, _ = _model(known, at, grants_ahead, share)

    duties = _duties(known.duties)
    reported = duties.ffill()
    last = reported.iloc[-1] if len(reported) else pd.Series(dtype=float)
    recent = duties.loc[duties.index > quarter_end(at, -4)].mean()
    lads = model.index.union(duties.columns)
    out = pd.DataFrame(index=lads.rename("lad_code"))
    la, uk = _stock(known.stock)
    out["share_at_origin"] = (la.loc[at] / uk[at]).reindex(lads).fillna(0.0)
    out["calibration_ratio"] = c.reindex(lads).fillna(median)
    out["model"] = model.reindex(lads).fillna(0.0)
    out["static"] = 4.0 * last.reindex(lads).fillna(0.0)
    out["mean4"] = (4.0 * recent.reindex(lads)).fillna(out["static"])
    low, high = model_range(inputs, at, out["model"].to_numpy(dtype=float), share, tails)
    out["model_p10"], out["model_p90"] = low, high
    return out.reset_index()[list(FORECAST_COLUMNS)]


def national_errors(grants: pd.Series) -> np.ndarray:
    """n_t = ln(G over t+1..t+4 / G over t-3..t) for every t with all eight quarters in ``grants``."""
    out = []
    for t in grants.index:
        before = [quarter_end(t, -k) for k in range(4)]
        after = [quarter_end(t, k) for k in range(1, 5)]
        if all(q in grants.index for q in before + after):
            b, a = grants[before].sum(), grants[after].sum()
            if a > 0 and b > 0:
                out.append(np.log(a / b))
    return np.asarray(out, dtype=float)


def model_range(
    inputs: MoveOnInputs, origin: pd.Timestamp, model: np.ndarray, share: float, tails: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """P10/P90 of the model's annual forecasts from the national and local errors known at ``origin``
    (see the module docstring); the forecast itself where either sample is empty."""
    known = known_by(inputs, origin)
    grants = _grants(known.grants)
    national = national_errors(grants)
    local = local_errors(known, quarter_end(origin, -4), share)
    return range_from_errors(model, national, local, tails)


def range_from_errors(
    model: np.ndarray, national: np.ndarray, local: np.ndarray, tails: tuple[float, float] = TAILS
) -> tuple[np.ndarray, np.ndarray]:
    """Per LA, the ``tails`` quantiles of ln(1 + F e^n) + e over every pair (n, e) of a national and a
    local error, back on the count scale, floored at 0 and kept either side of F; F itself where
    either sample is empty."""
    if not len(national) or not len(local):
        return model.copy(), model.copy()
    scaled = np.log1p(model[:, None] * np.exp(national)[None, :])  # LAs x national
    flat = (scaled[:, :, None] + local[None, None, :]).reshape(len(model), -1)
    low = np.expm1(np.quantile(flat, tails[0], axis=1)).clip(min=0.0)
    high = np.expm1(np.quantile(flat, tails[1], axis=1)).clip(min=0.0)
    return np.minimum(low, model), np.maximum(high, model)


def _held_out(duties: pd.DataFrame, origin: pd.Timestamp) -> pd.Series:
    """Each LA's duties over the four quarters after ``origin``, for LAs reported in all four."""
    d = _duties(duties.assign(period_end=pd.to_datetime(duties["period_end"]).dt.normalize()))
    quarters = [quarter_end(origin, k) for k in range(1, 5)]
    if any(q not in d.index for q in quarters):
        raise ValueError(
            f"no H-CLIC duties for every quarter {quarters[0].date()} to {quarters[-1].date()}: nothing to score"
        )
    year = d.loc[quarters]
    return year.loc[:, year.notna().all()].sum().astype(float)


def local_errors(known: MoveOnInputs, inner: pd.Timestamp, share: float) -> np.ndarray:
    """e_j = ln(1 + y_j) - ln(1 + F_j) of the model at ``inner`` told the real grants of the four
    quarters after it, over the LAs reported in all of them: all rows read are in ``known``."""
    grants = _grants(known.grants)
    after = [quarter_end(inner, k) for k in range(1, 5)]
    if any(q not in grants.index for q in after):
        return np.asarray([], dtype=float)
    try:
        actual = _held_out(known.duties, inner)
        _, _, model, _ = _model(known_by(known, inner), inner, float(grants[after].sum()), share)
    except ValueError:
        return np.asarray([], dtype=float)
    f = model.reindex(actual.index, fill_value=0.0)
    scored = (actual > 0) | (f > 0)
    return np.asarray(np.log1p(actual[scored]) - np.log1p(f[scored]), dtype=float)


def wape(forecast: Sequence[float] | np.ndarray, actual: Sequence[float] | np.ndarray) -> float:
    """sum |forecast - actual| / sum actual."""
    f, a = np.asarray(forecast, dtype=float), np.asarray(actual, dtype=float)
    return float(per(np.abs(f - a).sum(), a.sum()))


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman rank correlation: Pearson's r of the average ranks (ties share their mean rank);
    written out because scipy is not a declared dependency and pandas' version needs it."""
    rx = pd.Series(np.asarray(x, dtype=float)).rank(method="average").to_numpy()
    ry = pd.Series(np.asarray(y, dtype=float)).rank(method="average").to_numpy()
    if len(rx) < 2 or rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def score(inputs: MoveOnInputs, origin: pd.Timestamp | str, share: float = SUPPORTED_SHARE) -> MoveOnScore:
    """Forecast from ``origin`` (data published by then) and score against the four held-out quarters
    (the actuals, and the oracle's real grants, are the only rows read after the origin)."""
    at = pd.Timestamp(origin).normalize()
    f = forecast(inputs, at, share=share).set_index("lad_code")
    la, uk = _stock(known_by(inputs, at).stock)
    allocated = la.sum(axis=1) / uk
    before = allocated.reindex([quarter_end(at, -k) for k in range(1, 5)]).mean()
    actual = _held_out(inputs.duties, at)
    grants = _grants(
        inputs.grants.assign(period_end=pd.to_datetime(inputs.grants["period_end"]).dt.normalize())
    )
    grants_actual = float(grants.reindex([quarter_end(at, k) for k in range(1, 5)]).sum())
    oracle = forecast(inputs, at, grants_ahead=grants_actual, share=share).set_index("lad_code")["model"]
    _, _, _, projected = _model(known_by(inputs, at), at, None, share)
    f = f.reindex(actual.index)
    f = f.fillna({c: 0.0 for c in f.columns if c != "calibration_ratio"})
    scored = (actual > 0) | (f[["model", "static", "mean4"]] > 0).any(axis=1)
    y, f, oracle = actual[scored], f[scored], oracle.reindex(actual.index).fillna(0.0)[scored]
    error = (f["model"] - y).abs()
    high = f["calibration_ratio"] > HIGH_RATIO
    return MoveOnScore(
        origin=at,
        n=len(y),
        actual=float(y.sum()),
        model_total=float(f["model"].sum()),
        static_total=float(f["static"].sum()),
        grants_projected=projected,
        grants_actual=grants_actual,
        abs_model=float(error.sum()),
        abs_static=float((f["static"] - y).abs().sum()),
        abs_mean4=float((f["mean4"] - y).abs().sum()),
        abs_oracle=float((oracle - y).abs().sum()),
        covered=int(((f["model_p10"] <= y) & (y <= f["model_p90"])).sum()),
        rank_model=spearman(f["model"], y),
        rank_static=spearman(f["static"], y),
        abs_model_high_ratio=float(error[high].sum()),
        high_ratio_n=int(high.sum()),
        allocated_share=float(allocated[at]),
        allocated_share_before=float(before),
    )


def pooled(scores: Sequence[MoveOnScore]) -> MoveOnScore:
    """The origins' sums added up (WAPE and coverage pooled); rank correlations are per origin, so
    the pooled one is their mean."""
    if not scores:
        raise ValueError("no origin to pool")
    add = lambda name: sum(getattr(s, name) for s in scores)  # noqa: E731
    return MoveOnScore(
        origin=min(s.origin for s in scores),
        n=add("n"),
        actual=add("actual"),
        model_total=add("model_total"),
        static_total=add("static_total"),
        grants_projected=add("grants_projected"),
        grants_actual=add("grants_actual"),
        abs_model=add("abs_model"),
        abs_static=add("abs_static"),
        abs_mean4=add("abs_mean4"),
        abs_oracle=add("abs_oracle"),
        covered=add("covered"),
        rank_model=float(np.mean([s.rank_model for s in scores])),
        rank_static=float(np.mean([s.rank_static for s in scores])),
        abs_model_high_ratio=add("abs_model_high_ratio"),
        high_ratio_n=add("high_ratio_n"),
    )


def backtest(inputs: MoveOnInputs, origins: Sequence[pd.Timestamp | str]) -> tuple[MoveOnScore, ...]:
    return tuple(score(inputs, origin) for origin in origins)
