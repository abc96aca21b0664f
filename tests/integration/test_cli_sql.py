"""`housing-need sql` on the bundled refresh as a user runs it: a table, CSV or JSON lines to a file
for a spreadsheet or a script, a COPY that returns nothing, and a bad statement that says why without
a traceback."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tests.conftest import Project

pytestmark = pytest.mark.integration

QUERY = (
    "select area_code, area_name, annual_need from marts.mart_housing_need_total "
    "where area_type = 'country' and horizon_years = 10 and scenario = 'central' order by area_code"
)


def test_sql_writes_csv_and_json_lines_that_hold_the_marts_rows(bundled: Project, tmp_path: Path) -> None:
    expected = bundled.query(QUERY)
    assert [r[0] for r in expected] == ["E92000001", "W92000004"]

    result = bundled.cli("sql", QUERY, "--out", str(tmp_path / "need.csv"))
    assert result.returncode == 0, result.stderr
    assert "wrote 2 row(s)" in result.stdout
    rows = list(csv.DictReader((tmp_path / "need.csv").open(encoding="utf-8")))
    assert [(r["area_code"], r["area_name"], float(r["annual_need"])) for r in rows] == expected

    result = bundled.cli("sql", QUERY, "--format", "json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["area_code"], r["area_name"], r["annual_need"]) for r in lines] == expected


def test_sql_copy_returns_nothing_and_a_bad_statement_fails_clearly(bundled: Project, tmp_path: Path) -> None:
    target = tmp_path / "copied.csv"
    result = bundled.cli("sql", f"copy ({QUERY}) to '{target}' (header)")
    assert result.returncode == 0, result.stderr
    assert "returned no rows" in result.stdout and target.read_text(encoding="utf-8").startswith("area_code,")

    result = bundled.cli("sql", "select no_such_column from marts.dim_community")
    assert result.returncode == 1
    assert "no_such_column" in result.stderr and "Traceback" not in result.stderr


def test_the_readme_answers_the_strategy_question_with_the_figures_it_prints(bundled: Project) -> None:
    """README's "The strategy question, answered": its query, run as printed, gives the table it shows."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## The strategy question, answered") :]
    query_block, table_block = re.findall(r"```text\n(.*?)```", part, re.S)[:2]
    query = re.search(r'\./run sql "(.*)"', query_block, re.S)
    assert query, "the README's strategy query is missing"
    result = bundled.cli("sql", query.group(1), "--format", "csv")
    assert result.returncode == 0, result.stderr
    got = [[cell.lower() for cell in row] for row in csv.reader(result.stdout.splitlines())][1:]
    printed = [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in table_block.splitlines()
        if line.startswith("│") and not line.startswith("│ years")
    ]
    assert got == printed and len(printed) == 3
