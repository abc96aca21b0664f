"""Council housing registers through the README's refresh (real Airflow DAG runs): the SYNTHETIC
registers of Leicester, Nottingham and Derby are generated in three layouts, archived encrypted,
loaded pseudonymised, every row accounted for; no identifier of theirs reaches the warehouse, the
logs, Data Docs or the pages; no small count reaches a mart; and bad deliveries fail or quarantine
without changing what users see. The identifier scan and the small-cell check are proved to fail
when a name or a cell of 3 is planted."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from tests.conftest import Project
from tests.support.registers import SOURCE, generated, identifiers, scan_files, scan_warehouse, small_cells

pytestmark = pytest.mark.integration


def test_the_refresh_generates_loads_and_accounts_for_every_register_row(bundled: Project) -> None:
    files = generated(bundled)
    layouts = {re.match(r"SYNTHETIC-register-(E\d+)-(\w+)-", p.name).groups() for p in files}  # type: ignore[union-attr]
    assert layouts == {
        ("E06000016", "northgate_csv"),
        ("E06000018", "locata_json"),
        ("E06000015", "academy_fixed_width"),
    }
    assert len(files) == 9  # three councils x three monthly snapshots
    loads = bundled.query(
        "select source_file, rows_in_file, rows_loaded, rows_quarantined from meta.loads where source = ? order by 1",
        [SOURCE],
    )
    assert [r[0] for r in loads] == [p.name for p in files]
    assert all(r[1] == r[2] + r[3] and r[3] == 0 for r in loads)
    ((raw,),) = bundled.query("select count(*) from raw.council__housing_register")
    assert raw == sum(r[2] for r in loads)
    ((in_facts,),) = bundled.query(
        "select sum(rows) from audit.register_row_outcomes where outcome = 'in_facts'"
    )
    assert in_facts == raw
    # the register reconciles to the published LAHS figure for 1 April 2024 within 3%
    for lad, live, lahs in bundled.query(
        "select lad_code, live_applications, lahs_households_on_register from marts.mart_register_reconciliation_by_la "
        "where snapshot_date = '2024-03-31'"
    ):
        assert abs(live - lahs) / lahs < 0.03, lad
    assert bundled.query(
        "select count(*) filter (where not is_synthetic or data_label not like 'SYNTHETIC%') "
        "from marts.mart_register_pressure_by_la_community_band"
    ) == [(0,)]


def test_no_identifier_leaves_the_loader(bundled: Project) -> None:
    values = identifiers(bundled)
    assert len(values) > 400
    roots = [p for p in bundled.var_dir.iterdir() if p.name not in ("generated", "archive")]
    assert scan_files(roots, values) == []
    assert scan_warehouse(bundled.warehouse, values) == []
    assert not list((bundled.var_dir / "archive" / SOURCE).rglob("*.csv"))  # archived encrypted only
    assert all(
        p.read_bytes().startswith(b"HNENC1") for p in (bundled.var_dir / "archive" / SOURCE).rglob("*.enc")
    )


def test_no_small_count_reaches_a_register_mart(bundled: Project) -> None:
    assert small_cells(bundled.warehouse) == []
    ((suppressed, shown),) = bundled.query(
        "select count(*) filter (where is_suppressed), count(*) filter (where not is_suppressed) "
        "from marts.mart_register_pressure_by_la_community_band"
    )
    assert suppressed > 0 and shown > 0


def test_the_scans_find_a_planted_name_and_a_planted_cell_of_3(bundled: Project, fork) -> None:
    project = fork("register-planted")
    name = next(v for v in identifiers(bundled) if v.isalpha())
    with duckdb.connect(str(project.warehouse)) as con:
        con.execute("create table marts.leaked (note varchar)")
        con.execute("insert into marts.leaked values (?)", [f"applicant {name} moved"])
        con.execute(
            "update marts.mart_register_pressure_by_la_community_band set households = 3 "
            "where pressure_key = (select min(pressure_key) from marts.mart_register_pressure_by_la_community_band)"
        )
    assert scan_warehouse(project.warehouse, {name}) == [("marts.leaked.note", name)]
    assert [(t, c, v) for t, c, v in small_cells(project.warehouse)] == [
        ("mart_register_pressure_by_la_community_band", "households", 3)
    ]
    log = project.var_dir / "logs" / "planted.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"loaded {name}\n")
    assert scan_files([project.var_dir / "logs"], {name}) == [(str(log), name)]


def test_bad_register_deliveries_fail_or_quarantine_and_change_nothing_else(bundled: Project, fork) -> None:
    project = fork("register-bad")
    files = {p.suffix: p for p in generated(bundled)}
    before = project.query("select * from marts.mart_register_reconciliation_by_la order by 1")
    inbox = project.inbox(SOURCE)
    # the same snapshot again (nothing new), a truncated fixed-width file, a corrupt JSON file
    (inbox / files[".json"].name).write_bytes(files[".json"].read_bytes())
    fixed = files[".txt"].read_bytes().splitlines()
    (inbox / files[".txt"].name.replace("2024-03", "2024-04")).write_bytes(b"\n".join(fixed[:-3]) + b"\n")
    (inbox / files[".json"].name.replace("2024-03", "2024-04")).write_bytes(
        files[".json"].read_bytes()[:-500]
    )
    result = project.cli("refresh")
    assert result.returncode == 1, result.stdout + result.stderr  # refused deliveries make the run fail
    assert "truncated" in result.stdout and "not valid JSON" in result.stdout
    assert project.query("select * from marts.mart_register_reconciliation_by_la order by 1") == before

    # a re-issued Leicester snapshot with one unknown band code: that row is quarantined by column
    # and reason (no value); the snapshot's other rows replace the first issue
    csv_path = files[".csv"]
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("Band")] = "Band 7"
    (inbox / csv_path.name.replace(".csv", "_reissued.csv")).write_text(
        "\r\n".join([lines[0], ",".join(bad), *lines[2:]]) + "\r\n", encoding="utf-8"
    )
    second = project.cli("refresh")
    assert second.returncode == 0, second.stdout + second.stderr
    quarantined = project.query(
        "select row_number, column_name, value, record, reason from quarantine.rows where source = ?",
        [SOURCE],
    )
    assert [(r[0], r[1], r[2], r[3]) for r in quarantined] == [(2, "band_code", None, None)]
    assert "Band 7" not in json.dumps([str(r) for r in quarantined])
    ((live_before,),) = [
        (r[4],) for r in before if r[1] == "E06000016" and str(r[3]).startswith("2024-03-31")
    ]
    ((live_after,),) = project.query(
        "select live_applications from marts.mart_register_reconciliation_by_la "
        "where lad_code = 'E06000016' and snapshot_date = '2024-03-31'"
    )
    assert live_after == live_before - (1 if bad[header.index("Status")] in ("Active", "Suspended") else 0)
