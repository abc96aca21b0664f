"""Backtest of the projection: re-run it from past origins on the data published by then and score it
against what happened, next to the static baseline (each LA's value at the origin carried forward).

For an origin T and a horizon k whose target quarter T+k is in the history, the scored LAs are those
with people at T or at T+k (an LA the projection has no row for is forecast 0, P10 = P90 = 0)::

    WAPE     = sum_i |P50_i - y_i,T+k| / sum_i y_i,T+k      (pooled over the origins of a horizon)
    static   = the same with y_i,T in place of P50_i
    ratio    = WAPE / WAPE_static
    coverage = share of scored LA-quarters with P10_i <= y_i,T+k <= P90_i
    width    = sum_i (P90_i - P10_i) / sum_i y_i,T+k                (how wide the ranges are)

``project`` reads the full history and keeps the rows published by each origin itself; the actuals
come from the full history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from .projection import DEFAULT, ProjectionParams, project, published_by, quarter_end


def per(value: float, base: float) -> float:
    """``value / base``, or NaN where ``base`` is zero: a score over nothing is not a number."""
    return value / base if base else float("nan")


@dataclass(frozen=True)
class OriginScore:
    """The sums behind the scores of one origin at one horizon."""

    origin: date
    horizon: int
    n: int  # scored LAs
    actual: float  # sum of y_i,T+k
    abs_error: float  # sum of |P50_i - y_i,T+k|
    abs_error_static: float  # sum of |y_i,T - y_i,T+k|
    covered: int  # LAs with P10 <= y <= P90
    width: float = 0.0  # sum of P90_i - P10_i

    @property
    def relative_width(self) -> float:
        return per(self.width, self.actual)

    @property
    def wape(self) -> float:
        return per(self.abs_error, self.actual)

    @property
    def wape_static(self) -> float:
        return per(self.abs_error_static, self.actual)

    @property
    def coverage(self) -> float:
        return per(self.covered, self.n)


@dataclass(frozen=True)
class HorizonScore:
    """Scores at one horizon, pooled over origins."""

    horizon: int
    origins: int
    n: int
    wape: float
    wape_static: float
    coverage: float
    relative_width: float  # sum (P90 - P10) / sum actual: how wide the ranges are

    @property
    def ratio(self) -> float:
        return per(self.wape, self.wape_static)


@dataclass(frozen=True)
class BacktestReport:
    params: ProjectionParams
    horizons: tuple[HorizonScore, ...]
    origins: tuple[OriginScore, ...]  # one per origin and horizon, for charts

    def between(self, first: date, last: date) -> BacktestReport:
        """The report restricted to origins from ``first`` to ``last`` (inclusive)."""
        kept = tuple(s for s in self.origins if first <= s.origin <= last)
        return replace(self, horizons=summarise(kept), origins=kept)


def la_totals(history: pd.DataFrame) -> pd.DataFrame:
    """People per quarter (rows, timestamps) and LA (columns), all support types; unallocated rows
    (null lad_code) left out."""
    allocated = history[history["lad_code"].notna()].assign(
        period_end=pd.to_datetime(history["period_end"]).dt.normalize(),
        people=pd.to_numeric(history["people"]).astype(float),
    )
    return allocated.groupby(["period_end", "lad_code"])["people"].sum().unstack(fill_value=0.0)


def static_baseline(history: pd.DataFrame, origin: date, horizons: int) -> pd.DataFrame:
    """Each LA's people at the origin carried forward: lad_code, origin_period_end, period_end,
    horizon, people (one row per LA with people at the origin and per horizon)."""
    at = pd.Timestamp(origin).normalize()
    totals = la_totals(published_by(history, at))
    last = totals.loc[at] if at in totals.index else pd.Series(dtype=float)
    last = last[last > 0]
    return pd.DataFrame(
        [
            {
                "lad_code": lad,
                "origin_period_end": at,
                "period_end": quarter_end(at, k),
                "horizon": k,
                "people": v,
            }
            for k in range(1, horizons + 1)
            for lad, v in last.items()
        ],
        columns=["lad_code", "origin_period_end", "period_end", "horizon", "people"],
    )


def wape(forecast: Sequence[float] | np.ndarray, actual: Sequence[float] | np.ndarray) -> float:
    """sum |forecast - actual| / sum actual."""
    f, a = np.asarray(forecast, dtype=float), np.asarray(actual, dtype=float)
    return float(np.abs(f - a).sum() / a.sum())


def coverage(
    actual: Sequence[float] | np.ndarray,
    low: Sequence[float] | np.ndarray,
    high: Sequence[float] | np.ndarray,
) -> float:
    """Share of the actuals inside [low, high]."""
    a = np.asarray(actual, dtype=float)
    inside = (a >= np.asarray(low, dtype=float)) & (a <= np.asarray(high, dtype=float))
    return float(inside.mean())


def score_origin(
    projection: pd.DataFrame, static: pd.DataFrame, actual: pd.Series, origin: date, horizon: int
) -> OriginScore:
    """Score one origin at one horizon: ``projection`` and ``static`` rows of that horizon, ``actual``
    people per LA (index lad_code) at the target quarter."""
    p = projection.set_index("lad_code")
    s = static.set_index("lad_code")["people"]
    lads = p.index.union(s.index).union(actual.index)
    a = actual.reindex(lads, fill_value=0.0).to_numpy(dtype=float)
    base = s.reindex(lads, fill_value=0.0).to_numpy(dtype=float)
    p50, p10, p90 = (
        p[c].reindex(lads, fill_value=0.0).to_numpy(dtype=float)
        for c in ("people_p50", "people_p10", "people_p90")
    )
    scored = (base > 0) | (a > 0)
    inside = (a >= p10) & (a <= p90)
    return OriginScore(
        origin=pd.Timestamp(origin).date(),
        horizon=horizon,
        n=int(scored.sum()),
        actual=float(a[scored].sum()),
        abs_error=float(np.abs(p50 - a)[scored].sum()),
        abs_error_static=float(np.abs(base - a)[scored].sum()),
        covered=int(inside[scored].sum()),
        width=float((p90 - p10)[scored].sum()),
    )


def summarise(scores: Sequence[OriginScore]) -> tuple[HorizonScore, ...]:
    """Pool the per-origin sums into one score per horizon."""
    out = []
    for k in sorted({s.horizon for s in scores}):
        at = [s for s in scores if s.horizon == k]
        actual = sum(s.actual for s in at)
        n = sum(s.n for s in at)
        out.append(
            HorizonScore(
                horizon=k,
                origins=len(at),
                n=n,
                wape=per(sum(s.abs_error for s in at), actual),
                wape_static=per(sum(s.abs_error_static for s in at), actual),
                coverage=per(sum(s.covered for s in at), n),
                relative_width=per(sum(s.width for s in at), actual),
            )
        )
    return tuple(out)


def origins_between(history: pd.DataFrame, first: date, last: date | None = None) -> list[date]:
    """The quarters of the history from ``first`` to ``last`` (default: the one before the latest,
    the last origin with something to score)."""
    periods = sorted(pd.to_datetime(history["period_end"]).dt.normalize().unique())
    end = pd.Timestamp(last) if last is not None else periods[-2]
    return [p.date() for p in periods if pd.Timestamp(first) <= p <= end]


def backtest(
    history: pd.DataFrame,
    decisions: pd.DataFrame,
    origins: Sequence[date],
    horizons: int = 4,
    params: ProjectionParams = DEFAULT,
) -> BacktestReport:
    """Project from each origin with the full ``history`` and ``decisions`` (the projection keeps what
    was published by the origin) and score horizons 1..``horizons`` whose target is in the history."""
    totals = la_totals(history)
    scores = []
    for origin in origins:
        projected = project(history, decisions, origin, horizons, params)
        static = static_baseline(history, origin, horizons)
        for k in range(1, horizons + 1):
            target = quarter_end(origin, k)
            if target not in totals.index:
                continue
            scores.append(
                score_origin(
                    projected[projected["horizon"] == k],
                    static[static["horizon"] == k],
                    totals.loc[target],
                    origin,
                    k,
                )
            )
    return BacktestReport(params=params, horizons=summarise(scores), origins=tuple(scores))


def quarter_label(day: date) -> str:
    stamp = pd.Timestamp(day)
    return f"{stamp.year} Q{stamp.quarter}"


def wape_by_year(report: BacktestReport, horizon: int) -> list[tuple[str, float, float]]:
    """(origin year, WAPE, static WAPE) at one horizon, pooled over the origins of each year."""
    years: dict[int, list[OriginScore]] = {}
    for s in report.origins:
        if s.horizon == horizon:
            years.setdefault(s.origin.year, []).append(s)
    out = []
    for year, at in sorted(years.items()):
        actual = sum(s.actual for s in at)
        out.append(
            (str(year), sum(s.abs_error for s in at) / actual, sum(s.abs_error_static for s in at) / actual)
        )
    return out
