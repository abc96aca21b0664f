"""The full refresh through real `airflow dags test` runs, real dbt builds and real GX gates, on the
real Home Office Asy_D11 data, then the ways a delivery can go wrong."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CSV, Project
from tests.support import asy_d11
from tests.support.warehouse import mart_tables, marts_fingerprint

pytestmark = pytest.mark.integration

EAST_MIDLANDS_CURRENT_LADS = 35  # 2024 LADs in the East Midlands region (ONS)


def file_totals() -> tuple[dict, dict]:
    """Totals straight from the publisher's file, without the project's parser."""
    by_region: dict[tuple, int] = defaultdict(int)
    national: dict[tuple, int] = defaultdict(int)
    with open(SAMPLE_CSV, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            support = row["Support Type"].strip().lower().replace(" ", "_")
            region = row["UK Region"].strip().lower()
            if row["LAD Code"].startswith("N/A"):
                region = "not allocated to a local authority"
            by_region[(row["Date"], region, support)] += int(row["People"])
            national[(row["Date"], support)] += int(row["People"])
    return by_region, national


@pytest.fixture(scope="module")
def refreshed(bundled: Project) -> Project:
    """The session's deployment refreshed by the README's first command (read only here)."""
    return bundled


@pytest.fixture
def deployment(fork) -> Project:
    """A copy of the bundled deployment for a test that delivers more."""
    return fork("deliveries")


def test_refresh_prints_summary(refreshed: Project) -> None:
    out = refreshed.first_output  # type: ignore[attr-defined]
    assert "home_office_asylum_support: 1 file(s), 19283 rows in, 19283 loaded, 0 quarantined" in out
    assert "marts.mart_dispersal_vs_deprivation" in out
    assert "dbt build:" in out and "Data Docs:" in out
    data_docs = [line.split("Data Docs:")[1].strip() for line in out.splitlines() if "Data Docs:" in line][0]
    assert Path(data_docs).exists()
    assert (refreshed.var_dir / "site" / "dbt-docs" / "static_index.html").exists()


def test_published_figures_are_reproduced(refreshed: Project) -> None:
    section_95_2016q1 = refreshed.query(
        "select sum(people) from marts.fct_asylum_support_by_la_quarter "
        "where period_end = date '2016-03-31' and support_type = 'section_95'",
    )[0][0]
    assert section_95_2016q1 == 35_683  # Press Association analysis
    hotel, accommodated = refreshed.query(
        "select sum(people) filter (where accommodation_type = 'contingency_hotel'), "
        "sum(people) filter (where accommodation_type <> 'subsistence_only') "
        "from marts.fct_asylum_support_by_la_quarter where period_end = date '2023-12-31'",
    )[0]
    assert hotel == 45_768  # NAO: "about 45,800"
    assert accommodated == 106_482  # NAO: "about 106,500"


def test_loaded_totals_equal_the_source_file(refreshed: Project) -> None:
    by_region, national = file_totals()
    warehouse = dict(
        ((str(p), r.lower(), s), n)
        for p, r, s, n in refreshed.query(
            "select period_end, region_name, support_type, sum(people) "
            "from marts.fct_asylum_support_by_la_quarter group by all",
        )
    )
    assert warehouse == dict(by_region)
    raw = dict(
        ((str(p), s), n)
        for p, s, n in refreshed.query(
            "select period_end, support_type, sum(people) from raw.home_office__asylum_support group by all",
        )
    )
    assert raw == dict(national)


def test_every_row_is_accounted_for(refreshed: Project) -> None:
    with open(SAMPLE_CSV, encoding="utf-8-sig") as handle:
        lines = sum(1 for _ in handle) - 1
    rows = refreshed.query(
        "select rows_in_file, rows_loaded, rows_quarantined, rows_in_facts, rows_set_aside from meta.loads "
        "where source = 'home_office_asylum_support'",
    )
    assert rows == [(lines, lines, 0, lines, 0)]
    assert refreshed.query(
        "select outcome, sum(rows) from meta.load_outcomes where source = 'home_office_asylum_support' group by 1"
    ) == [("in_facts", lines)]
    raw_rows, fact_rows, unresolved = refreshed.query(
        "select (select count(*) from raw.home_office__asylum_support), "
        "(select sum(source_rows) from marts.fct_asylum_support_by_la_quarter), "
        "(select count(*) from quarantine.asylum_support_unresolved_geography)",
    )[0]
    assert raw_rows == fact_rows + unresolved == lines


def test_east_midlands_dispersal_on_current_codes(refreshed: Project) -> None:
    rows = refreshed.query(
        "select period_end, lad_code, lad_name, people_in_dispersal_accommodation "
        "from marts.mart_dispersal_vs_deprivation where region_name = 'East Midlands' order by 1, 2",
    )
    quarters = sorted({r[0] for r in rows})
    assert len(quarters) == 40 and str(quarters[0]) == "2014-03-31" and str(quarters[-1]) == "2023-12-31"
    assert len({r[1] for r in rows}) == EAST_MIDLANDS_CURRENT_LADS
    codes = {r[1] for r in rows}
    assert "E06000062" in codes and "E07000154" not in codes  # Northampton is West Northamptonshire now
    by_region, _ = file_totals()
    _ = by_region
    expected: dict[str, int] = defaultdict(int)
    with open(SAMPLE_CSV, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["UK Region"] == "East Midlands" and row["Accommodation Type"] == "Dispersal Accommodation":
                expected[row["Date"]] += int(row["People"])
    got: dict[str, int] = defaultdict(int)
    for period, _code, _name, people in rows:
        got[str(period)] += people
    assert got == dict(expected)


def test_the_published_warehouse_describes_every_mart_and_column(refreshed: Project) -> None:
    """dbt's descriptions, written by persist_docs as DuckDB comments, reach the published file (the
    shadow is swapped in whole): what DBeaver or any DuckDB client shows beside each table and column."""
    manifest = json.loads(
        (refreshed.var_dir / "site" / "dbt-docs" / "manifest.json").read_text(encoding="utf-8")
    )
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    tables = refreshed.query(
        "select table_name, comment from duckdb_tables() where schema_name = 'marts' order by 1"
    )
    columns = refreshed.query(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts' order by 1"
    )
    assert len(tables) == len(mart_tables(refreshed.warehouse)) >= 30 and len(columns) > 500
    assert [t for t, comment in tables if not comment] == []
    assert [(t, c) for t, c, comment in columns if not comment] == []
    assert {t: comment for t, comment in tables} == {t: models[t]["description"] for t, _ in tables}
    assert {(t, c): comment for t, c, comment in columns} == {
        (t, c): models[t]["columns"][c]["description"] for t, c, _ in columns
    }
    (need_p90,) = refreshed.query(
        "select comment from duckdb_columns() where table_name = 'mart_housing_need_estimate' "
        "and column_name = 'annual_need_p90'"
    )[0]
    assert "90th percentile" in need_p90


def test_dbt_docs_open_on_the_warehouse_overview(refreshed: Project) -> None:
    """The dbt docs landing page is the project's overview (what the warehouse is, its layers, where
    to start, the worked need question, what SYNTHETIC means), not dbt's welcome text."""
    docs = refreshed.var_dir / "site" / "dbt-docs"
    manifest = json.loads((docs / "manifest.json").read_text(encoding="utf-8"))
    overview = manifest["docs"]["doc.housing_need.__overview__"]["block_contents"]
    for words in (
        "# Housing-need warehouse",
        "## Layers",
        "`mart_housing_need_total`",
        "Romanian-born community in Leicester",
        "where lad_name = 'Leicester' and community_name = 'Romania' and horizon_years = 10",
        "## SYNTHETIC",
    ):
        assert words in overview
    # the worked query runs on the published warehouse: one row per scenario, each saying it rests
    # on the SYNTHETIC register extract of the bundled deployment
    query = overview.split("```sql")[1].split("```")[0]
    rows = refreshed.query(query)
    assert [r[0] for r in rows] == ["low", "central", "high"]
    assert all(r[7] is True and "SYNTHETIC" in r[8] for r in rows)
    assert "Romanian-born community in Leicester" in (docs / "static_index.html").read_text(encoding="utf-8")


def test_a_delivery_that_fails_its_gate_is_set_aside_until_someone_rejects_it(deployment: Project) -> None:
    """A count that parses but fails the raw GX range (250,000): the source is reported failed and its
    delivery set aside, what users see is unchanged; the next refresh fails the same way (the delivery
    stays archived); `housing-need archive reject` ends it without touching files; restore undoes it."""
    before = marts_fingerprint(deployment.warehouse)
    loads_before = deployment.query("select count(*) from meta.loads")
    rows = [r for r in asy_d11.real_rows() if r["Date"] == "2023-09-30"]
    rows[0] = {**rows[0], "People": "250000"}
    (deployment.inbox() / "asy_d11_implausible.csv").write_bytes(asy_d11.to_publisher_csv(rows))

    for attempt in (1, 2):
        result = deployment.cli("refresh")
        out = result.stdout + result.stderr
        assert result.returncode == 1, out
        assert "home_office_asylum_support: FAILED" in out and "250000" in out, attempt
        assert "raw gate:" in out
        assert marts_fingerprint(deployment.warehouse) == before
        assert deployment.query("select count(*) from meta.loads") == loads_before
        assert not (deployment.warehouse.parent / ".shadow").exists()

    listing = deployment.cli("archive", "list", "--source", "home_office_asylum_support").stdout
    line = next(ln for ln in listing.splitlines() if "asy_d11_implausible.csv" in ln)
    sha = line.split()[0]
    assert "waiting for the next refresh" in listing.split(line, 1)[1].splitlines()[1]
    rejected = deployment.cli(
        "archive", "reject", sha, "--reason", "People 250000 is a typo; re-issue asked for"
    )
    assert rejected.returncode == 0 and "the next refresh skips it" in rejected.stdout

    result = deployment.cli("refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped (rejected in the archive): asy_d11_implausible.csv" in result.stdout
    assert marts_fingerprint(deployment.warehouse) == before
    listing = deployment.cli("archive", "list").stdout
    assert "REJECTED" in listing and "People 250000 is a typo" in listing

    restored = deployment.cli("archive", "restore", sha)
    assert restored.returncode == 0 and "the next refresh loads it" in restored.stdout
    assert "waiting for the next refresh" in deployment.cli("archive", "list").stdout


def test_a_refresh_with_nothing_new_starts_no_dag_run_and_one_delivery_runs_only_its_extract(fork) -> None:
    """Nothing to collect and a current warehouse: the refresh answers without starting Airflow and
    changes nothing. A file in one source's inbox (here the bundled Asy_D11 file again) runs that
    source's extract DAG and the refresh DAG only; the refresh finds it archived already."""
    project = fork("nothing-new")
    before = marts_fingerprint(project.warehouse)
    logs = project.var_dir / "logs"
    logs_before = sorted(logs.glob("*dag-runs.log")) if logs.exists() else []

    quiet = project.cli("refresh")
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "Refresh: nothing new, no DAG run started" in quiet.stdout
    assert "council_housing_register: 9 file(s), 75469 rows in" in quiet.stdout  # the status follows
    assert (sorted(logs.glob("*dag-runs.log")) if logs.exists() else []) == logs_before
    assert marts_fingerprint(project.warehouse) == before

    (project.inbox() / "asy_d11_again.csv").write_bytes(SAMPLE_CSV.read_bytes())
    one = project.cli("refresh")
    assert one.returncode == 0, one.stdout + one.stderr
    assert "==> 2 DAG runs: extract_home_office_asylum_support, housing_need_refresh" in one.stdout
    assert "extract_home_office_asylum_support: files are waiting in its inbox" in one.stdout
    skipped = next(
        ln for ln in one.stdout.splitlines() if "no extract DAG run (nothing new to collect)" in ln
    )
    assert "ons_census" in skipped and "home_office_asylum_support" not in skipped
    assert "build: none" in one.stdout
    assert marts_fingerprint(project.warehouse) == before


def imported(package: str, line: str) -> bool:
    """``line`` is Python's report of importing ``package`` itself ("import time: 12 | 345 | airflow",
    indented by how deep the import was made), wherever it stands in a log line."""
    return re.search(rf"import time: +\d+ \| +\d+ \| +{re.escape(package)}(\s|$)", line) is not None


def test_the_dag_runner_never_imports_great_expectations(fork) -> None:
    """The gates run in a process of their own (quality/child.py), so the DAG runner, alive for the
    whole run and while dbt builds, never holds GX. Python reports every import of every process of
    the run (PYTHONPROFILEIMPORTTIME, inherited): the runner's own reach its log as they are, the
    gate process's come back as its output ("raw gate process: import time: ..."). A revised
    Asy_D11 release makes both gates run: the raw gate on its load, the marts gate on what dbt rebuilt."""
    project = fork("gates-in-a-child")
    project.extra_env["PYTHONPROFILEIMPORTTIME"] = "1"
    release = asy_d11.revised_release(asy_d11.real_rows())
    (project.inbox() / "asy_d11_revised.csv").write_bytes(asy_d11.to_publisher_csv(release.rows))

    result = project.cli("refresh")

    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    report = json.loads((project.var_dir / "runs" / "latest.json").read_text(encoding="utf-8"))
    assert report["gates"]["raw"]["passed"] and report["gates"]["marts"]["passed"]
    assert report["gates"]["raw"]["expectations"] > 0 and report["gates"]["marts"]["expectations"] > 0
    imports = [
        line
        for log in project.var_dir.rglob("*.log")
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        if "import time:" in line
    ]
    by_gate_process = [ln for ln in imports if " gate process: import time:" in ln]
    by_the_runner = [ln for ln in imports if ln.startswith("import time:")]
    # Both are seen: the runner imports Airflow; each gate's process imports GX.
    assert any(imported("airflow", ln) for ln in by_the_runner), "the runner's imports were not captured"
    for gate in ("raw", "marts"):
        assert any(
            f"{gate} gate process: import time:" in ln and imported("great_expectations", ln)
            for ln in by_gate_process
        ), gate
    # Every import of GX anywhere in the run was one of the gate processes'.
    gx_imports = [ln for ln in imports if "great_expectations" in ln]
    assert gx_imports and all(ln in by_gate_process for ln in gx_imports), [
        ln for ln in gx_imports if ln not in by_gate_process
    ][:5]
