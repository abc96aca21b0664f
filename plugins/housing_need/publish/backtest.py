"""The backtest report from the published warehouse: `housing-need backtest`.

Reads Asy_D11 (``marts.fct_asylum_support_by_la_quarter``) and the UK initial decisions
(``marts.mart_initial_decisions_by_quarter``) read-only, runs :func:`housing_need.model.backtest.backtest`
from every origin from 2016 Q1, and writes ``backtest.md`` and ``backtest-wape.svg`` (drawn here from the
model's scores: :func:`wape_chart`) to a folder (the
site's ``backtest/`` by default; ``docs/`` for the committed copy). The report's last section is the
move-on backtest (:mod:`housing_need.model.move_on_backtest`), which also reads the H-CLIC duties
(``marts.fct_homelessness_asylum_support_by_la_quarter``). The models themselves read nothing
published after each origin; this module only fetches and writes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ..model import move_on_backtest
from ..model.backtest import (
    BacktestReport,
    HorizonScore,
    backtest,
    origins_between,
    quarter_label,
    wape_by_year,
)
from ..model.move_on_backtest import MoveOnInputs, MoveOnScore
from .briefing.svg import line_chart

FIRST_ORIGIN = date(2016, 3, 31)
# The model's hyperparameters were chosen on these origins; the later ones are out of sample.
PERIODS = {
    "Origins 2016 Q1 - 2019 Q4 (hyperparameters chosen here)": (date(2016, 3, 31), date(2019, 12, 31)),
    "Origins 2020 Q1 onwards (out of sample)": (date(2020, 3, 31), date(2099, 12, 31)),
}
CHART = "backtest-wape.svg"
AIM_RATIO = 0.7  # WAPE at most 0.7 x the static baseline's, at every horizon
AIM_COVERAGE = (0.75, 0.85)  # P10-P90 should hold the actual figure this often


@dataclass(frozen=True)
class BacktestFiles:
    report: BacktestReport
    markdown: Path
    chart: Path
    move_on: tuple[MoveOnScore, ...] = ()


def wape_chart(report: BacktestReport, horizons: Sequence[int] = (1, 4)) -> str:
    """SVG lines of the projection's and the static baseline's WAPE by origin year."""
    series: dict[str, Sequence[tuple[str, float]]] = {}
    for k in horizons:
        rows = wape_by_year(report, k)
        ahead = f"{k} quarter{'s' if k > 1 else ''} ahead"
        series[f"Projection, {ahead}"] = [(year, w) for year, w, _ in rows]
        series[f"Static, {ahead}"] = [(year, s) for year, _, s in rows]
    return line_chart(series, title="Backtest WAPE by origin year", y_label="WAPE")


def _table(scores: Sequence[HorizonScore]) -> list[str]:
    lines = [
        "| Horizon | Origins | LA-quarters | WAPE projection | WAPE static | Ratio | P10–P90 coverage | P10–P90 width |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(
            f"| {s.horizon} quarter{'s' if s.horizon > 1 else ''} | {s.origins} | {s.n:,} | {s.wape:.3f} | "
            f"{s.wape_static:.3f} | {s.ratio:.2f} | {s.coverage:.1%} | {s.relative_width:.2f} |"
        )
    return lines


def render_markdown(
    report: BacktestReport,
    *,
    periods: Mapping[str, tuple[date, date]] | None = None,
    chart: str | None = "backtest-wape.svg",
) -> str:
    """The backtest as markdown: a table per horizon over all origins, one more per named origin
    period (e.g. in-sample and out-of-sample), and a link to the chart of :func:`wape_chart`."""
    if not report.origins:
        return "# Backtest: asylum support by local authority\n\nNo origin had a published target.\n"
    first = min(s.origin for s in report.origins)
    last = max(s.origin for s in report.origins)
    p = report.params
    lines = [
        "# Backtest: asylum support by local authority",
        "",
        f"People in receipt of asylum support per local authority (Asy_D11, all support types), projected from "
        f"every origin {quarter_label(first)} to {quarter_label(last)} with the data published by then and "
        "scored against the published figures. WAPE = sum |forecast − actual| / sum actual over the LAs with "
        "people at the origin or the target; the static baseline carries each LA's value at the origin forward; "
        "coverage is the share of those LA-quarters inside the projection's P10–P90 range; width is "
        "sum (P90 − P10) / sum actual.",
        "",
        f"Model: national_model={p.national_model}, phi={p.phi}, trend_quarters={p.trend_quarters}, "
        f"coverage target {p.coverage:.0%}, aci_gamma={p.aci_gamma}.",
        "",
        "## All origins",
        "",
        *_table(report.horizons),
    ]
    for name, (start, end) in (periods or {}).items():
        lines += ["", f"## {name}", "", *_table(report.between(start, end).horizons)]
    if chart:
        lines += ["", f"![WAPE by origin year, projection and static baseline]({chart})"]
    return "\n".join(lines) + "\n"


def read_inputs(warehouse: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(Asy_D11 rows, UK decisions per quarter) from the published warehouse."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        history = con.execute(
            "select period_end, lad_code, support_type, accommodation_type, people "
            "from marts.fct_asylum_support_by_la_quarter"
        ).df()
        decisions = con.execute(
            "select period_end, decisions_on_merits from marts.mart_initial_decisions_by_quarter"
        ).df()
    return history, decisions


def read_move_on_inputs(warehouse: Path) -> MoveOnInputs:
    """The move-on backtest's inputs from the published warehouse: the accommodated stock (section 95
    and 98 support except subsistence only, as ``int_asylum_accommodated_stock``; null lad_code =
    allocated to no LA), UK initial grants, and H-CLIC prevention or relief duties to households that
    had to leave asylum accommodation (null = not reported)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stock = con.execute(
            "select lad_code, period_end, sum(people) as people from marts.fct_asylum_support_by_la_quarter "
            "where support_type in ('section_95', 'section_98') and accommodation_type <> 'subsistence_only' "
            "group by lad_code, period_end order by period_end, lad_code"
        ).df()
        grants = con.execute(
            "select period_end, grants from marts.mart_initial_decisions_by_quarter order by period_end"
        ).df()
        duties = con.execute(
            "select lad_code, period_end, households_asylum_support as households "
            "from marts.fct_homelessness_asylum_support_by_la_quarter "
            "where duty = 'prevention_or_relief' order by period_end, lad_code"
        ).df()
    return MoveOnInputs(stock=stock, grants=grants, duties=duties)


def move_on_origins(duties: pd.DataFrame) -> list[pd.Timestamp]:
    """Year-end origins T whose four following quarters have H-CLIC duties and whose own last four
    quarters do too (the range measures the local error on the year to T)."""
    quarters = pd.to_datetime(duties["period_end"]).dt.normalize()
    if quarters.empty:
        return []
    first, last = quarters.min(), quarters.max()
    return [
        t
        for t in pd.date_range(first, last, freq="QE-DEC")
        if t.quarter == 4 and first <= t - pd.offsets.QuarterEnd(3) and t + pd.offsets.QuarterEnd(4) <= last
    ]


def against_the_aim(report: BacktestReport) -> list[str]:
    """The report's verdict in words: the aim is a WAPE at most 0.7 x the static baseline's at every
    horizon and a P10-P90 coverage between 75% and 85%."""
    low, high = AIM_COVERAGE
    lines = ["", "## Against the aim", ""]
    for h in report.horizons:
        ratio = "met" if h.ratio <= AIM_RATIO else "missed"
        cover = "met" if low <= h.coverage <= high else "missed"
        lines.append(
            f"- {h.horizon} quarter{'s' if h.horizon > 1 else ''} ahead: WAPE {h.ratio:.2f} x the static "
            f"baseline's (aim {AIM_RATIO:.2f}: {ratio}); P10-P90 coverage {h.coverage:.0%} "
            f"(aim {low:.0%}-{high:.0%}: {cover})."
        )
    return lines


FOOTER = [
    "",
    "Generated from the published warehouse by every refresh that publishes (`var/site/backtest/`) and",
    "by `./run backtest --out docs` for this copy. What the figures mean and why the aim is hard:",
    "`docs/need-method.md`.",
]
MOVE_ON_HEADING = "## Move-on: households owed a duty after leaving asylum support"


def _year(s: MoveOnScore) -> str:
    first, last = s.held_out
    if first.year == last.year:
        return f"{first.year} Q{first.quarter}–Q{last.quarter}"
    return f"{quarter_label(first)} – {quarter_label(last)}"


def _ratio(value: float) -> str:
    return "–" if value != value else f"{value:.2f}"  # NaN: no pooled figure


def move_on_section(scores: tuple[MoveOnScore, ...]) -> list[str]:
    """The move-on backtest as markdown: the method in a paragraph, the scores, the totals behind
    them, and a reading generated from the figures (so the report stays a function of the warehouse)."""
    lines = [
        "",
        MOVE_ON_HEADING,
        "",
        "Households owed a prevention or relief duty because they had to leave Home Office asylum "
        "accommodation (H-CLIC), per LA, over the four quarters after a year-end origin T, forecast with "
        "the data published by T (period_end <= T, enforced and tested). Model: 4 × the LA's share of "
        "the accommodated stock at T × last year's UK grants per quarter × 0.7 × the LA's calibration "
        "ratio c = observed duties / the move-on estimate over the quarters <= T (the median c where the "
        "LA has none; 0.7 cancels). Static: 4 × the LA's last reported quarter. Scored over the LAs "
        "reported in all four held-out quarters with a forecast or an actual above 0: WAPE = "
        "sum |forecast − actual| / sum actual; rank correlation = Spearman across LAs; coverage = share "
        "of LAs inside the model's P10–P90, built from how far next year's UK grants strayed from last "
        "year's (every year to T) and how far each LA's duties strayed from its calibrated share of the "
        "real grants in the year to T. Method: `plugins/housing_need/model/move_on_backtest.py`.",
        "",
    ]
    if not scores:
        return [*lines, "No year-end origin has four published H-CLIC quarters after it."]
    p = move_on_backtest.pooled(scores)
    lines += [
        "| Origin | Held-out quarters | LAs scored | Actual total | WAPE model | WAPE static | Ratio "
        "| Rank corr. model | Rank corr. static | P10–P90 coverage |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in (*scores, p):
        origin = "All origins (pooled)" if s is p else quarter_label(s.origin)
        held = f"{len(scores)} years" if s is p else _year(s)
        mean = " (mean)" if s is p else ""
        lines.append(
            f"| {origin} | {held} | {s.n:,} | {s.actual:,.0f} | {s.wape_model:.3f} | {s.wape_static:.3f} | "
            f"{s.ratio:.2f} | {s.rank_model:.2f}{mean} | {s.rank_static:.2f}{mean} | {s.coverage:.1%} |"
        )
    lines += [
        "",
        "What lies behind them: the forecast totals, UK grants (the model holds last year's flat), the share "
        "of the UK accommodated stock the Home Office allocated to LAs (at T, and its mean over the four "
        "quarters before, whose estimates the calibration ratios divide by), the last four quarters' mean "
        "as a second baseline, the model told the real grants of the held-out year (an oracle: it reads "
        f"the future), and the LAs whose calibration ratio exceeds {move_on_backtest.HIGH_RATIO:g}.",
        "",
        "| Origin | Forecast model | Forecast static | Actual | UK grants projected | UK grants actual "
        "| Allocated share at T (year before) | WAPE last-4 mean | WAPE oracle grants "
        f"| LAs with c > {move_on_backtest.HIGH_RATIO:g} (share of model error) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(
            f"| {quarter_label(s.origin)} | {s.model_total:,.0f} | {s.static_total:,.0f} | {s.actual:,.0f} | "
            f"{s.grants_projected:,.0f} | {s.grants_actual:,.0f} | "
            f"{s.allocated_share:.0%} ({s.allocated_share_before:.0%}) | {s.wape_mean4:.3f} | "
            f"{s.wape_oracle:.3f} | {s.high_ratio_n} ({s.abs_model_high_ratio / s.abs_model:.0%}) |"
        )
    return lines + ["", *move_on_reading(scores)]


def move_on_reading(scores: tuple[MoveOnScore, ...]) -> list[str]:
    """What the move-on scores say, in sentences whose figures and verdicts come from the scores."""
    p = move_on_backtest.pooled(scores)
    beats = [quarter_label(s.origin) for s in scores if s.ratio < 1]
    rank_gap = p.rank_model - p.rank_static
    ranks = "better than" if rank_gap > 0.02 else "worse than" if rank_gap < -0.02 else "about as well as"
    surprise = max(scores, key=lambda s: abs(math.log(s.grants_actual / s.grants_projected)))
    worst = max(scores, key=lambda s: s.ratio)
    lines = [
        "Reading:",
        "",
        f"- The model beats the static figure in {len(beats)} of {len(scores)} held-out years"
        + (f" ({', '.join(beats)} origin)" if beats else "")
        + f". Pooled, its WAPE is {p.wape_model:.3f} against the static figure's {p.wape_static:.3f} "
        f"(ratio {p.ratio:.2f}); the last four quarters' mean scores {p.wape_mean4:.3f}. "
        + (
            "The model does not beat the static figure overall: for a council's next-year figure, "
            "its own recent H-CLIC count is the better guide."
            if p.ratio >= 1
            else "The model beats the static figure overall."
        ),
        f"- It ranks LAs {ranks} the static figure (mean Spearman {p.rank_model:.2f} against "
        f"{p.rank_static:.2f}): both order councils well, since the dispersal areas are the same from year "
        "to year.",
        f"- Its worst year is the one after {quarter_label(worst.origin)} (ratio {worst.ratio:.2f}); "
        f"LAs whose calibration ratio exceeds {move_on_backtest.HIGH_RATIO:g} (duties their own supported "
        "stock does not explain: households moving on from elsewhere, often into London) carry "
        f"{p.abs_model_high_ratio / p.abs_model:.0%} of the model's error over all years: a small stock "
        "that grows is multiplied by a large ratio.",
        f"- The largest grant surprise followed {quarter_label(surprise.origin)}: UK grants were "
        f"{surprise.grants_actual / surprise.grants_projected:.1f} × last year's, duties "
        f"{surprise.actual / surprise.static_total:.1f} × the static figure. Told the real grants, the "
        f"model's WAPE would have been {surprise.wape_oracle:.3f} instead of {surprise.wape_model:.3f}"
        + (
            ": duties did not follow grants within the year, so a better grant forecast would not have "
            "rescued the model."
            if surprise.wape_oracle > surprise.wape_model
            else ": most of that year's error was the grant forecast."
        ),
        "- Context the figures do not carry: in 2020 the pandemic cut decisions and paused evictions "
        "from asylum accommodation, so grants and duties fell together; 2023 was the year of the legacy "
        "backlog clearance, its grants several times any earlier year's and concentrated in the second "
        "half. From 2022 Q4 the Home Office allocates hotel places to LAs (the allocated share jumps in "
        "the second table), so LA shares at T add up to more of the stock than the shares the calibration "
        "ratios were measured on, and the model's total rises with no change on the ground.",
        f"- P10–P90 holds the actual figure for {p.coverage:.0%} of LA-years (aim 80%), "
        f"{surprise.coverage:.0%} in the year of the largest grant surprise: the range knows only the "
        "grant changes of earlier years.",
        "",
        "So the move-on estimate is a measure of relative pressure, not a forecast to plan on: its value "
        "is the range and the ranking, and a council's own H-CLIC count remains the better point figure.",
    ]
    return lines


def write_backtest(warehouse: Path, out_dir: Path, first_origin: date = FIRST_ORIGIN) -> BacktestFiles:
    history, decisions = read_inputs(warehouse)
    report = backtest(history, decisions, origins_between(history, first_origin))
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown = out_dir / "backtest.md"
    chart = out_dir / CHART
    move_on = read_move_on_inputs(warehouse)
    scores = move_on_backtest.backtest(move_on, move_on_origins(move_on.duties))
    sections = [*against_the_aim(report), *move_on_section(scores), *FOOTER]
    text = render_markdown(report, periods=PERIODS, chart=CHART) + "\n".join(sections) + "\n"
    markdown.write_text(text, encoding="utf-8")
    chart.write_text(wape_chart(report), encoding="utf-8")
    return BacktestFiles(report=report, markdown=markdown, chart=chart, move_on=scores)
