"""The command line as a user meets it: `./run` alone prints help, every option of every command says
what it does and its default, and `sql` answers quickly (it imports DuckDB and nothing heavy), with
a one-line error that keeps DuckDB's hint."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from housing_need.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("housing-need")


def commands(parser: argparse.ArgumentParser, path: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every parser under ``parser`` by its command path ("" for the top, "archive list", …)."""
    out = {path: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                out.update(commands(child, f"{path} {name}".strip()))
    return out


def test_every_option_of_every_command_says_what_it_does_and_its_default() -> None:
    every = commands(build_parser())
    assert {"refresh", "sql", "serve", "archive list", "generate register", "stack"} <= set(every)
    for path, parser in every.items():
        text = " ".join(parser.format_help().split())
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            name = "/".join(action.option_strings) or action.dest
            assert action.help, f"{path} {name}: no help text"
            default = action.default
            if default not in (None, False, []) and action.option_strings:
                shown = f"(default: {default})" in text or "default" in action.help
                assert shown, f"{path} {name}: its default {default!r} is not shown"
    sql = " ".join(every["sql"].format_help().split())
    assert (
        "rows shown by --format table on the terminal; csv, json and --out write every row (default: 60)"
        in sql
    )
    serve = " ".join(every["serve"].format_help().split())
    assert "(default: 127.0.0.1)" in serve and "(default: 8765)" in serve


def test_run_alone_prints_help_and_starts_nothing() -> None:
    result = subprocess.run(["./run"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ./run COMMAND [OPTIONS]")
    for line in ("./run refresh ", "./run sql ", "./run serve ", "    archive ", "    stack "):
        assert line in result.stdout
    assert "==>" not in result.stdout  # no set-up, no refresh
    result = subprocess.run(["./run", "sql", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("usage: ./run sql ")


@pytest.fixture
def warehouse(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "warehouse" / "housing_need.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.t as select 1 as a, 'x' as b")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOUSING_NEED_", "AIRFLOW"))}
    return {**env, "HOUSING_NEED_WAREHOUSE": str(path), "HOUSING_NEED_VAR_DIR": str(tmp_path / "var")}


def test_sql_imports_duckdb_and_nothing_heavy(warehouse: dict[str, str]) -> None:
    script = (
        "import sys, json; from housing_need.cli import main; code = main(['sql', 'select 42 as answer']); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr); sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", script], env=warehouse, capture_output=True, text=True)
    assert result.returncode == 0 and "42" in result.stdout, result.stderr
    loaded = set(json.loads(result.stderr.splitlines()[-1]))
    assert "duckdb" in loaded
    assert not loaded & {"airflow", "pandas", "numpy", "dbt", "great_expectations", "pyarrow", "yaml"}


def test_status_loads_every_feed_spec_without_pandas_numpy_or_pyarrow(warehouse: dict[str, str]) -> None:
    """`./run status` reads every feed's spec (its release calendar); the readers behind the specs load
    pandas, numpy and pyarrow only when a file is read."""
    from housing_need.pipeline.raw_schema import ensure_schema

    with duckdb.connect(warehouse["HOUSING_NEED_WAREHOUSE"]) as con:
        ensure_schema(con)  # the meta tables a refresh makes
    script = (
        "import sys, json; from housing_need.cli import main; code = main(['status']); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr); sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", script], env=warehouse, capture_output=True, text=True)
    assert "council_housing_register" in result.stdout, result.stdout + result.stderr
    # a feed without a release calendar says why, not only its schedule
    assert (
        "council_housing_register: 0 release(s) loaded; no release calendar (the council's own extract, "
        "dropped in the inbox on the council's schedule)" in result.stdout
    )
    assert "citizenship_survey: 0 release(s) loaded; no release calendar (a closed series" in result.stdout
    loaded = set(json.loads(result.stderr.splitlines()[-1]))
    assert "housing_need" in loaded
    assert not loaded & {"airflow", "pandas", "numpy", "dbt", "great_expectations", "pyarrow"}


def test_sql_errors_are_one_line_with_the_hint_and_copy_writes_its_file(
    warehouse: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [str(CLI), "sql", "select ab from marts.t"], env=warehouse, capture_output=True, text=True
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert 'Referenced column "ab" not found' in result.stderr and 'Candidate bindings: "a"' in result.stderr
    result = subprocess.run([str(CLI), "sql", "selec 1"], env=warehouse, capture_output=True, text=True)
    assert (
        result.returncode == 1
        and result.stderr == 'housing-need sql: Parser Error: syntax error at or near "selec"\n'
    )
    target = tmp_path / "t.csv"
    result = subprocess.run(
        [str(CLI), "sql", f"copy marts.t to '{target}' (header)"],
        env=warehouse,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "returned no rows" in result.stdout
    assert target.read_text() == "a,b\n1,x\n"
    result = subprocess.run(
        [str(CLI), "sql", "select 1", "--format", "csv", "--out", str(tmp_path / "no/such/dir/x.csv")],
        env=warehouse,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and result.stderr.startswith("housing-need sql: cannot write ")
    missing = {**warehouse, "HOUSING_NEED_WAREHOUSE": str(tmp_path / "none.duckdb")}
    result = subprocess.run([str(CLI), "sql", "select 1"], env=missing, capture_output=True, text=True)
    assert (
        result.returncode == 1
        and "no warehouse published yet" in result.stderr
        and "./run refresh" in result.stderr
    )
