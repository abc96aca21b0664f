"""Privacy by source, end to end through real Airflow DAG runs: recognisable values planted in a
personal-data delivery (a SYNTHETIC housing register, tests/support/sources/synthetic_register.py)
appear nowhere outside the encrypted archive — not in the warehouse (any table, any column), the
quarantine, the logs, the run reports, the Airflow metadata database, Data Docs, dbt docs or the
briefing pages — while the open-data sources beside it keep showing values as before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from housing_need.privacy.keys import new_key
from tests.conftest import ROOT, Project
from tests.support.sources import synthetic_register as register

pytestmark = pytest.mark.integration

SOURCE = register.NAME
PLANTED_NAME = "Zyxwvut Plantedname"
PLANTED_ID = "PLANTEDID-7731"
PLANTED_DOB = "1901-PLANTED-DOB"
PLANTED_POSTCODE = "ZZ9 9PL"
PLANTED_SIZE = "918273645"
PLANTED = (PLANTED_NAME, PLANTED_ID, PLANTED_DOB, PLANTED_POSTCODE, PLANTED_SIZE)

SUITE = {
    "name": "synthetic_register__applications.raw",
    "meta": {
        "table": "raw.synthetic_register__applications",
        "requires_loads_from": [SOURCE],
        "id_columns": ["_source_file", "_row_number"],
        "description": "SYNTHETIC register used by the privacy tests",
    },
    "expectations": [
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "household_size", "min_value": 1, "max_value": 20},
        },
        {"type": "expect_column_max_to_be_between", "kwargs": {"column": "household_size", "max_value": 20}},
        {
            "type": "expect_column_values_to_match_duckdb_regex",
            "kwargs": {"column": "application_id", "regex": "^[0-9a-f]{32}$"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "band", "value_set": ["1", "2", "3"]},
        },
    ],
}


@pytest.fixture(scope="module")
def register_deployment(fork) -> tuple[Project, list]:
    """The bundled deployment plus a personal-data feed: refresh 1 delivers a good snapshot (with a
    planted name, id and postcode) and one with a planted impossible date of birth (quarantined);
    refresh 2 delivers a snapshot whose planted household size fails the raw gate."""
    project = fork("privacy")
    expectations = project.var_dir.parent / "expectations"
    shutil.copytree(ROOT / "expectations", expectations)
    (expectations / "raw" / "synthetic_register__applications.raw.json").write_text(json.dumps(SUITE))
    project.extra_env.update(
        {
            "HOUSING_NEED_EXTRA_SOURCES": "tests.support.sources.synthetic_register",
            "HOUSING_NEED_EXPECTATIONS_DIR": str(expectations),
            "HOUSING_NEED_ARCHIVE_KEY": new_key(),
            "HOUSING_NEED_PSEUDONYMISATION_KEY": new_key(),
            "PYTHONPATH": str(ROOT),
        }
    )
    inbox = project.inbox(SOURCE)
    good = register.generate(40, seed=1)
    good[3] = {
        **good[3],
        "applicant_name": PLANTED_NAME,
        "application_id": PLANTED_ID,
        "postcode": PLANTED_POSTCODE,
    }
    (inbox / "register-2024-03.csv").write_bytes(register.to_csv(good))
    odd = register.generate(20, seed=2)
    odd[5] = {**odd[5], "date_of_birth": PLANTED_DOB}
    (inbox / "register-2024-03-late.csv").write_bytes(register.to_csv(odd))
    first = project.cli("refresh")
    bad = register.generate(20, seed=3)
    bad[7] = {**bad[7], "household_size": PLANTED_SIZE}
    (inbox / "register-2024-04.csv").write_bytes(register.to_csv(bad))
    second = project.cli("refresh")
    return project, [first, second]


def test_the_register_loads_pseudonymised_and_the_summary_says_which_policy_applied(
    register_deployment,
) -> None:
    project, (first, second) = register_deployment
    assert first.returncode == 0, first.stdout + first.stderr
    assert "personal data: archive encrypted (AES-256-GCM)" in first.stdout
    assert "identifiers pseudonymised at load" in first.stdout
    rows = project.query(
        "select count(*), count(distinct application_id), min(length(application_id)), "
        "count(*) filter (where regexp_full_match(age_band, '[0-9]+-[0-9]+|[0-9]+\\+')), "
        "count(*) filter (where postcode_district = 'ZZ9') from raw.synthetic_register__applications"
    )
    assert rows == [(59, 59, 32, 59, 1)]  # 40 + 20 rows less the quarantined one; bands like '35-44'
    columns = {
        c
        for (c,) in project.query(
            "select column_name from information_schema.columns where table_name = 'synthetic_register__applications'"
        )
    }
    assert not columns & {"applicant_name", "date_of_birth", "postcode"}
    quarantined = project.query(
        "select row_number, column_name, value, record, reason from quarantine.rows where source = ?",
        [SOURCE],
    )
    assert [(r[0], r[1], r[2], r[3]) for r in quarantined] == [(7, "date_of_birth", None, None)]
    assert "withheld" in quarantined[0][4]


def test_a_failed_gate_names_counts_and_columns_but_no_values(register_deployment) -> None:
    project, (_, second) = register_deployment
    assert second.returncode == 1, second.stdout + second.stderr
    out = second.stdout + second.stderr
    assert f"{SOURCE}: FAILED" in out and "household_size" in out and "1 of 20 rows" in out
    assert project.query("select count(*) from meta.loads where source = ?", [SOURCE]) == [(2,)]  # set aside


def test_planted_values_appear_nowhere_outside_the_encrypted_archive(register_deployment) -> None:
    project, results = register_deployment
    for result in results:
        for value in PLANTED:
            assert value not in result.stdout + result.stderr
    found = []
    for root in (project.var_dir, project.warehouse.parent):
        for path in root.rglob("*"):
            if not path.is_file() or path.suffix in (".duckdb", ".wal"):
                continue
            data = path.read_bytes()
            found += [(str(path), v) for v in PLANTED if v.encode() in data]
    assert found == []
    with duckdb.connect(str(project.warehouse), read_only=True) as con:
        # Every column of every stored table (views store nothing: what they show is in these). Text
        # is searched for the value anywhere in it; other types for the value itself, since a planted
        # number's digits can occur by chance inside a long decimal of a computed estimate.
        columns = con.execute(
            "select c.table_schema, c.table_name, c.column_name, c.data_type from information_schema.columns c "
            "join information_schema.tables t using (table_catalog, table_schema, table_name) "
            "where c.table_catalog = current_database() and t.table_type = 'BASE TABLE'"
        ).fetchall()
        for schema, table, column, kind in columns:
            text = kind.upper() in ("VARCHAR", "TEXT", "JSON") or kind.upper().startswith("VARCHAR")
            test = "like ?" if text else "= ?"
            for value in PLANTED:
                hits = con.execute(
                    f'select count(*) from "{schema}"."{table}" where cast("{column}" as varchar) {test}',
                    [f"%{value}%" if text else value],
                ).fetchone()
                assert hits == (0,), f"{value!r} found in {schema}.{table}.{column}"
    encrypted = list((project.var_dir / "archive" / SOURCE).rglob("*.enc"))
    assert len(encrypted) == 3 and all(p.read_bytes().startswith(b"HNENC1") for p in encrypted)
    assert not any(Path(project.inbox(SOURCE)).glob("*.csv"))  # no plaintext copy stays in the inbox
