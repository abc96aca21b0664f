"""The backtest report from the published warehouse: `housing-need backtest`.

Reads Asy_D11 (``marts.fct_asylum_support_by_la_quarter``) and the UK initial decisions
(``marts.mart_initial_decisions_by_quarter``) read-only, runs :func:`housing_need.model.backtest.backtest`
from every origin from 2016 Q1, and writes ``backtest.md`` and ``backtest-wape.svg`` to a folder (the
site's ``backtest/`` by default; ``docs/`` for the committed copy). The model itself reads nothing
published after each origin; this module only fetches and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ..model.backtest import BacktestReport, backtest, origins_between, render_markdown, wape_chart

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
    lines += [
        "",
        "Generated from the published warehouse by every refresh that publishes (`var/site/backtest/`) and",
        "by `./run backtest --out docs` for this copy. What the figures mean and why the aim is hard:",
        "`docs/need-method.md`.",
    ]
    return lines


def write_backtest(warehouse: Path, out_dir: Path, first_origin: date = FIRST_ORIGIN) -> BacktestFiles:
    history, decisions = read_inputs(warehouse)
    report = backtest(history, decisions, origins_between(history, first_origin))
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown = out_dir / "backtest.md"
    chart = out_dir / CHART
    text = render_markdown(report, periods=PERIODS, chart=CHART) + "\n".join(against_the_aim(report)) + "\n"
    markdown.write_text(text, encoding="utf-8")
    chart.write_text(wape_chart(report), encoding="utf-8")
    return BacktestFiles(report=report, markdown=markdown, chart=chart)
