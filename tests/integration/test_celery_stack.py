"""The production-shaped stack, natively: Airflow on PostgreSQL with a Celery worker on Redis and an
authenticated api-server (housing_need.ops.stack). Real processes, no mocks. A user unpauses the DAGs and
triggers the extract over the REST API; its Asset event schedules the refresh, which runs on the Celery
worker and publishes the warehouse and the BI marts. Then stop() ends exactly what start() started."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import psutil
import psycopg
import pytest
import requests

from housing_need.config import settings
from housing_need.ops import processes
from housing_need.ops import stack as st
from housing_need.refresh.steps import STEPS
from tests.conftest import ROOT, Project, temporary_database

pytestmark = pytest.mark.integration

EXTRACT = "extract_home_office_asylum_support"
REFRESH = "housing_need_refresh"
REFRESH_TASKS = {step.name for step in STEPS}  # one task per step of the registry
HOTEL_2023Q4 = (
    "select sum(people) from marts.fct_asylum_support_by_la_quarter "
    "where period_end = date '2023-12-31' and accommodation_type = 'contingency_hotel'"
)
# publish_postgres.py and the DAG's publish_postgres task exist: the stack is pointed at a throwaway BI
# database and the marts must arrive there too.
PUBLISHES_TO_POSTGRES = (
    ROOT / "plugins/housing_need/publish_postgres.py"
).exists() and "publish_postgres" in (ROOT / "dags/housing_need_refresh.py").read_text(encoding="utf-8")

T = TypeVar("T")


@dataclass
class Running:
    project: Project
    stack: st.Stack
    bi_uri: str
    outside: dict[str, tuple[int, float | None]]  # servers this test did not start: name -> (pid, start)
    timings: dict[str, float] = field(default_factory=dict)
    token: str = ""


def _local_process(pid: int, name: str) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip().startswith(name)
    except OSError:
        return False


def _postmaster(uri: str) -> tuple[int, float | None] | None:
    """The PostgreSQL server process behind ``uri`` (the parent of our backend), if on this machine."""
    with psycopg.connect(uri) as conn:
        backend = conn.execute("select pg_backend_pid()").fetchone()
        if backend is None or not _local_process(int(backend[0]), "postgres"):
            return None
        try:
            pid = psutil.Process(int(backend[0])).ppid()
        except psutil.NoSuchProcess:
            return None
    return pid, processes.start_time(pid)


def _redis_server(url: str) -> tuple[int, float | None] | None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        pid = int(client.info("server")["process_id"])
    finally:
        client.close()
    return (pid, processes.start_time(pid)) if _local_process(pid, "redis-server") else None


def diagnostics(stack: st.Stack) -> str:
    """The tail of every process log and of the newest task logs, for assertion messages."""
    task_logs = sorted(
        Path(stack.env.get("AIRFLOW_HOME", stack.stack_dir)).glob("logs/dag_id=*/**/*.log"),
        key=lambda p: p.stat().st_mtime,
    )[-3:]
    tails = [stack.log_tail(30)]
    for path in task_logs:
        lines = path.read_text(errors="replace").splitlines()[-20:]
        tails.append(f"--- task log {path.relative_to(stack.stack_dir)} ---\n" + "\n".join(lines))
    return "\n".join(tails)


@pytest.fixture(scope="module")
def running(make_project, pg_server: str, tmp_path_factory: pytest.TempPathFactory):
    project: Project = make_project("celery-stack")
    with temporary_database(pg_server, "hn_test_stack_bi") as bi_uri:
        env = {**project.env, "HOUSING_NEED_PG_URI": bi_uri} if PUBLISHES_TO_POSTGRES else project.env
        outside: dict[str, tuple[int, float | None]] = {}
        if (pg := _postmaster(pg_server)) is not None:
            outside["postgresql"] = pg
        started = time.monotonic()
        # PostgreSQL: the test server (the machine's, or conftest's throwaway one). Redis: the stack's
        # own choice (HOUSING_NEED_TEST_REDIS_URL if set, else the local server with a free database
        # of its own, else a throwaway redis-server).
        stack = st.start(
            settings(env),
            tmp_path_factory.mktemp("stack"),
            pg_uri=pg_server,
            redis_url=os.environ.get("HOUSING_NEED_TEST_REDIS_URL"),
            base_env=env,
        )
        try:
            ours = any(s.name == "redis" for s in stack.servers)
            if stack.redis_url and not ours and (server := _redis_server(stack._broker_uri() or "")):
                outside["redis"] = server
            yield Running(project, stack, bi_uri, outside, {"stack start (s)": time.monotonic() - started})
        finally:
            stack.stop()  # idempotent: the last test has normally stopped it already


def api(run: Running, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {run.token}"} if auth else {}
    return requests.request(
        method, f"{run.stack.base_url}/api/v2{path}", headers=headers, timeout=30, **kwargs
    )


def wait_for(run: Running, what: str, timeout: float, probe: Callable[[], T | None]) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := probe()) is not None:
            return value
        if dead := run.stack.exited():
            raise AssertionError(
                f"stack processes exited while waiting for {what}: {dead}\n{diagnostics(run.stack)}"
            )
        time.sleep(2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{diagnostics(run.stack)}")


def dag_runs(run: Running, dag_id: str) -> list[dict[str, Any]]:
    response = api(run, "GET", f"/dags/{dag_id}/dagRuns", params={"order_by": "run_after"})
    assert response.ok, response.text
    return list(response.json()["dag_runs"])


def task_instances(run: Running, dag_id: str, run_id: str) -> list[dict[str, Any]]:
    response = api(run, "GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances")
    assert response.ok, response.text
    return list(response.json()["task_instances"])


def listening_sockets(pgids: list[int]) -> set[tuple[str, int]]:
    """(address, port) of every listening TCP socket held by a process in one of ``pgids``."""
    inodes: set[str] = set()
    for pgid in pgids:
        for pid in processes.group_members(pgid):
            try:
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
            except OSError:
                continue
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A: LISTEN
                hex_addr, hex_port = cols[1].split(":")
                raw = bytes.fromhex(hex_addr)
                if len(raw) == 4:
                    addr = ".".join(str(b) for b in reversed(raw))
                elif raw[:12] == bytes(10) + b"\xff\xff":  # IPv4-mapped, stored as 4 little-endian words
                    addr = ".".join(str(b) for b in reversed(raw[12:]))
                else:
                    addr = ":".join(raw[i : i + 4][::-1].hex() for i in range(0, 16, 4))
                found.add((addr, int(hex_port, 16)))
    return found


# --- 1. authentication ---------------------------------------------------------------------------


def test_unauthenticated_requests_are_refused(running: Running) -> None:
    stack = running.stack
    assert api(running, "GET", "/dags", auth=False).status_code in (401, 403)
    forged = requests.get(
        f"{stack.base_url}/api/v2/dags", headers={"Authorization": "Bearer not-a-jwt"}, timeout=30
    )
    assert forged.status_code in (401, 403)
    wrong = requests.post(
        f"{stack.base_url}/auth/token", json={"username": stack.username, "password": "wrong"}, timeout=30
    )
    assert wrong.status_code in (401, 403)
    assert stack.password_file.stat().st_mode & 0o077 == 0, "the passwords file must be private"
    running.token = st.token(stack)  # POST /auth/token with the generated credentials
    assert api(running, "GET", "/dags").status_code == 200


# --- 2 and 3. a user runs the pipeline through the API; Celery runs it; the warehouse is published ---


def test_extract_triggered_over_the_api_schedules_the_refresh_on_celery(running: Running) -> None:
    stack = running.stack
    running.token = running.token or st.token(stack)
    sockets = listening_sockets([p.pid for p in stack.all_processes()])
    assert ("127.0.0.1", stack.port) in sockets and {a for a, _ in sockets} == {"127.0.0.1"}, sockets

    parsed = time.monotonic()
    wait_for(  # both DAG files: the DAG processor parses them one at a time, in no set order
        running,
        "the DAGs to be parsed",
        120,
        lambda: True if all(api(running, "GET", f"/dags/{d}").ok for d in (REFRESH, EXTRACT)) else None,
    )
    running.timings["DAGs parsed (s)"] = time.monotonic() - parsed
    for dag_id in (REFRESH, EXTRACT):
        unpaused = api(running, "PATCH", f"/dags/{dag_id}", json={"is_paused": False})
        assert unpaused.ok and unpaused.json()["is_paused"] is False, unpaused.text

    started = time.monotonic()
    triggered = api(running, "POST", f"/dags/{EXTRACT}/dagRuns", json={"logical_date": None})
    assert triggered.status_code == 200, triggered.text
    manual_id = triggered.json()["dag_run_id"]

    def extract_done() -> dict[str, Any] | None:
        runs = dag_runs(running, EXTRACT)
        manual = next(r for r in runs if r["dag_run_id"] == manual_id)
        return manual if all(r["state"] in ("success", "failed") for r in runs) else None

    manual = wait_for(running, f"{EXTRACT} to finish", 120, extract_done)
    assert manual["state"] == "success", f"{manual}\n{diagnostics(stack)}"
    running.timings["extract run (s)"] = time.monotonic() - started

    # No refresh is triggered by hand: each extract run's Asset event schedules it. (Unpausing the
    # extract also creates its scheduled run for the latest quarter, catchup=False; every event it
    # emits may schedule a refresh of its own, run one at a time.)
    def refreshes_done() -> list[dict[str, Any]] | None:
        runs = dag_runs(running, REFRESH)
        return runs if runs and all(r["state"] in ("success", "failed") for r in runs) else None

    refreshes = wait_for(running, f"the Asset-triggered {REFRESH} run(s) to finish", 300, refreshes_done)
    running.timings["extract trigger to refresh(es) done (s)"] = time.monotonic() - started
    running.timings["refresh runs"] = len(refreshes)
    for i, r in enumerate(refreshes, 1):
        if r.get("start_date") and r.get("end_date"):
            took = datetime.fromisoformat(r["end_date"]) - datetime.fromisoformat(r["start_date"])
            running.timings[f"refresh run {i} (s)"] = took.total_seconds()
    assert all(r["state"] == "success" for r in refreshes), f"{refreshes}\n{diagnostics(stack)}"
    assert {r["run_type"] for r in refreshes} == {"asset_triggered"}, refreshes
    first = refreshes[0]
    events = api(running, "GET", f"/dags/{REFRESH}/dagRuns/{first['dag_run_id']}/upstreamAssetEvents").json()
    assert {(e["name"], e["source_dag_id"]) for e in events["asset_events"]} == {
        ("housing_need.archive.home_office_asylum_support", EXTRACT)
    }, events

    # Celery ran every task: each successful task instance is a workload the worker finished with
    # success, and Celery's result backend (db+postgresql+psycopg, in the metadata database) holds
    # one SUCCESS per workload.
    tis = [ti for r in refreshes for ti in task_instances(running, REFRESH, r["dag_run_id"])]
    tis += [
        ti for r in dag_runs(running, EXTRACT) for ti in task_instances(running, EXTRACT, r["dag_run_id"])
    ]
    ran = [ti for ti in tis if ti["state"] == "success"]
    expected = REFRESH_TASKS | ({"publish_postgres"} if PUBLISHES_TO_POSTGRES else set())
    assert expected <= {ti["task_id"] for ti in ran if ti["dag_id"] == REFRESH}, tis
    assert {ti["state"] for ti in tis if ti["task_id"] == "abandon"} == {"skipped"}
    assert all(ti["hostname"] and ti["queue"] == "default" for ti in ran), ran

    def celery_ran_everything() -> bool | None:
        # The worker logs "Workload finished" and stores the result just after the task has
        # reported its state, so the last task's lines may trail the run's success by a moment.
        worker_log = (stack.log_dir / "worker.log").read_text(errors="replace")
        finished = {
            line.split("workload_id=", 1)[1].split()[0]
            for line in worker_log.splitlines()
            if "Workload finished" in line and "final_state=success" in line and "workload_id=" in line
        }
        with psycopg.connect(st.with_database(stack._server_uri(), stack.metadata_db)) as conn:
            row = conn.execute("select count(*) from celery_taskmeta where status = 'SUCCESS'").fetchone()
        on_worker = all(ti["id"] in finished for ti in ran)
        return True if on_worker and row is not None and row[0] >= len(ran) else None

    wait_for(
        running, "the Celery worker to report every task instance as its workload", 30, celery_ran_everything
    )

    # The published warehouse: the DuckDB file under the test's folder, and the BI copy in PostgreSQL.
    warehouse = running.project.warehouse
    assert warehouse.exists(), diagnostics(stack)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(HOTEL_2023Q4).fetchone() == (45_768,)
        marts = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
        published_runs = con.execute("select count(*) from meta.runs").fetchone()
    assert {
        "fct_asylum_support_by_la_quarter",
        "mart_dispersal_vs_deprivation",
        "dim_local_authority",
    } <= marts
    # the first run publishes; a later one finds nothing new and publishes nothing (no second row)
    assert published_runs == (1,)
    if PUBLISHES_TO_POSTGRES:  # (without the BI publish there is nothing more to check)
        with psycopg.connect(running.bi_uri) as conn:
            assert conn.execute(HOTEL_2023Q4.replace("date '2023-12-31'", "'2023-12-31'")).fetchone() == (
                45_768,
            )


# --- 4. stop() ends exactly what start() started -----------------------------------------------------


def _environ_has(proc: Path, entry: str) -> bool:
    try:
        return entry.encode() in (proc / "environ").read_bytes().split(b"\0")
    except OSError:
        return False


def test_stop_ends_exactly_the_processes_it_started(running: Running, pg_server: str, capsys) -> None:
    stack = running.stack
    pids = stack.pids()
    groups = [p.pid for p in stack.all_processes()]
    members = {pid for g in groups for pid in processes.group_members(g)}
    assert set(pids.values()) <= members
    stopped = time.monotonic()
    stack.stop()
    running.timings["stop (s)"] = time.monotonic() - stopped

    alive = {name: pid for name, pid in pids.items() if processes.start_time(pid) is not None}
    assert not alive, alive
    assert not [pid for pid in members if processes.start_time(pid) is not None], (
        "a child of a stack process survived"
    )
    assert not [g for g in groups if processes.group_members(g)]
    home = stack.env["AIRFLOW_HOME"]
    leftovers = [p.name for p in Path("/proc").glob("[0-9]*") if _environ_has(p, f"AIRFLOW_HOME={home}")]
    assert leftovers == []

    # What the test did not start is still running, and still the same process.
    for name, (pid, ticks) in running.outside.items():
        assert processes.start_time(pid) == ticks, f"{name} (pid {pid}) was stopped"
    with psycopg.connect(pg_server) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
        left = conn.execute(
            "select 1 from pg_database where datname like %s", ("airflow_" + stack.stack_id,)
        ).fetchall()
    assert left == [], "the stack's metadata database was not dropped"
    if stack.redis_url:
        import redis

        client = redis.Redis.from_url(stack._broker_uri() or "", socket_connect_timeout=3)
        try:
            if "redis" in running.outside:
                assert client.ping()
                assert client.get(st.REDIS_CLAIM_KEY) is None, "the stack's Redis database was not released"
        except redis.ConnectionError:
            assert "redis" not in running.outside
        finally:
            client.close()
    assert not (stack.stack_dir / st.STATE_FILE).exists()
    stack.stop()  # a second stop is harmless
    with capsys.disabled():
        print("\nstack timings: " + ", ".join(f"{k} {v:.1f}" for k, v in running.timings.items()))
