"""The backtest on the real Asy_D11 rows: written by the refresh's backtest step (a real Airflow DAG
task) from the published warehouse, reproduced by `housing-need backtest`, and the committed
docs/backtest.md is that same report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, Project

pytestmark = pytest.mark.integration


def scores(markdown: str) -> list[tuple[str, ...]]:
    """The rows of the first table (all origins): horizon, origins, LA-quarters, WAPEs, ratio, coverage."""
    table = markdown.split("## All origins", 1)[1].split("\n## ", 1)[0]
    return [
        tuple(c.strip() for c in line.strip("|").split("|"))
        for line in table.splitlines()
        if line.startswith("| ") and "quarter" in line and "Horizon" not in line
    ]


def move_on_rows(markdown: str) -> list[list[str]]:
    """The rows of the move-on section's first table: origin, held-out quarters, LAs, actual, WAPE
    model, WAPE static, ratio, rank correlations, coverage."""
    section = markdown.split("## Move-on: households owed a duty after leaving asylum support", 1)[1]
    table = section.split("\n\n| Origin", 1)[1].split("\n\n", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]


def test_the_refresh_writes_the_backtest_and_the_docs_hold_the_same(bundled: Project, tmp_path: Path) -> None:
    written = (bundled.var_dir / "site" / "backtest" / "backtest.md").read_text(encoding="utf-8")
    rows = scores(written)
    assert [r[0] for r in rows] == ["1 quarter", "2 quarters", "3 quarters", "4 quarters"]
    # 2016 Q1 to 2023 Q3: 31 origins one quarter ahead, one fewer per extra quarter
    assert [int(r[1]) for r in rows] == [31, 30, 29, 28]
    static = [float(r[4]) for r in rows]
    assert static == sorted(static) and 0.05 < static[0] < static[-1] < 0.5  # error grows with the horizon
    assert all(re.fullmatch(r"\d+\.\d%", r[6]) for r in rows)
    # move-on: the bundled H-CLIC (2018 Q2-2023 Q4) holds out 2020-2023 from the year-end origins 2019-2022
    move_on = move_on_rows(written)
    assert [r[0] for r in move_on] == ["2019 Q4", "2020 Q4", "2021 Q4", "2022 Q4", "All origins (pooled)"]
    assert move_on[-2][1] == "2023 Q1–Q4"
    for origin, _, las, actual, w_model, w_static, ratio, _, _, cover in move_on:
        assert int(las.replace(",", "")) > 100 and int(actual.replace(",", "")) > 1000, origin
        assert 0.1 < float(w_model) < 2 and 0.1 < float(w_static) < 2, origin
        assert float(ratio) == pytest.approx(float(w_model) / float(w_static), abs=0.01), origin
        assert 40 < float(cover.rstrip("%")) <= 100, origin
    # the held-out years' actual duties add up to the pooled row's
    assert sum(int(r[3].replace(",", "")) for r in move_on[:-1]) == int(move_on[-1][3].replace(",", ""))
    assert (ROOT / "docs" / "backtest.md").read_text(encoding="utf-8") == written, (
        "docs/backtest.md is stale: run ./run backtest --out docs"
    )

    result = bundled.cli("backtest", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "backtest.md").read_text(encoding="utf-8") == written
    assert "<svg" in (tmp_path / "backtest-wape.svg").read_text(encoding="utf-8")
    assert "WAPE projection" in result.stdout and "move-on origin" in result.stdout


def test_the_projection_mart_starts_at_the_latest_quarter_with_ordered_ranges(bundled: Project) -> None:
    rows = bundled.query(
        "select min(origin_period_end), max(origin_period_end), count(distinct lad_code), "
        "count(*) filter (where not (people_p10 <= people_p50 and people_p50 <= people_p90)), "
        "list(distinct horizon order by horizon) from marts.fct_asylum_support_projection"
    )
    ((first, last, lads, disordered, horizons),) = rows
    assert str(first) == str(last) == "2023-12-31" and lads > 300 and disordered == 0
    assert horizons == [1, 2, 3, 4, 5, 6, 7, 8]
    # one quarter ahead, the LAs' medians add up to about the people supported at the origin
    ((p50, origin),) = bundled.query(
        "select sum(people_p50), sum(people_at_origin) from marts.fct_asylum_support_projection where horizon = 1"
    )
    assert 0.8 < p50 / origin < 1.2
