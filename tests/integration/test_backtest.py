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


def test_the_refresh_writes_the_backtest_and_the_docs_hold_the_same(bundled: Project, tmp_path: Path) -> None:
    written = (bundled.var_dir / "site" / "backtest" / "backtest.md").read_text(encoding="utf-8")
    rows = scores(written)
    assert [r[0] for r in rows] == ["1 quarter", "2 quarters", "3 quarters", "4 quarters"]
    # 2016 Q1 to 2023 Q3: 31 origins one quarter ahead, one fewer per extra quarter
    assert [int(r[1]) for r in rows] == [31, 30, 29, 28]
    static = [float(r[4]) for r in rows]
    assert static == sorted(static) and 0.05 < static[0] < static[-1] < 0.5  # error grows with the horizon
    assert all(re.fullmatch(r"\d+\.\d%", r[6]) for r in rows)
    assert (ROOT / "docs" / "backtest.md").read_text(encoding="utf-8") == written, (
        "docs/backtest.md is stale: run ./run backtest --out docs"
    )

    result = bundled.cli("backtest", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "backtest.md").read_text(encoding="utf-8") == written
    assert "<svg" in (tmp_path / "backtest-wape.svg").read_text(encoding="utf-8")
    assert "WAPE projection" in result.stdout
