"""Running Airflow against this project: its environment (embedded default: SQLite metadata in
var/airflow), the metadata database, and DAG runs started from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..config import Settings
from .processes import run_group

# Seconds the DAG runner's process group gets between SIGTERM and SIGKILL (see run_dags).
DAG_RUNNER_GRACE = 2.0


def airflow_env(s: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    home = s.var_dir / "airflow"
    env.setdefault("AIRFLOW_HOME", str(home))
    env.setdefault(
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{Path(env['AIRFLOW_HOME']) / 'airflow.db'}"
    )
    env.update(
        {
            "HOUSING_NEED_HOME": str(s.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(s.home / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(s.home / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "GX_ANALYTICS_ENABLED": "False",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    return env


def airflow_executable() -> str:
    exe = Path(sys.executable).with_name("airflow")
    return str(exe if exe.exists() else "airflow")


def exec_airflow(s: Settings, args: Sequence[str]) -> None:
    """Become ``airflow <args>`` with the project's environment (``housing-need airflow …``): Ctrl-C
    and SIGTERM then reach Airflow itself, which stops what it started, and nothing is left behind."""
    exe = airflow_executable()
    sys.stdout.flush()
    os.execvpe(exe, [exe, *args], airflow_env(s))


def run_airflow(s: Settings, args: Sequence[str], log_file: Path) -> int:
    """``airflow <args>`` with the project's environment, output to ``log_file``; stopped with us."""
    cmd = [airflow_executable(), *args]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "w") as handle:
        return run_group(cmd, env=airflow_env(s), stdout=handle, stderr=subprocess.STDOUT).returncode


def ensure_airflow_db(s: Settings) -> None:
    """Create or upgrade the embedded Airflow metadata database once (var/airflow)."""
    marker = s.var_dir / "airflow" / ".migrated"
    if marker.exists():
        return
    print("==> initialising the Airflow metadata database (var/airflow)", flush=True)
    log_file = log_path(s, "airflow-db-migrate")
    if run_airflow(s, ["db", "migrate"], log_file) != 0:
        raise SystemExit(f"airflow db migrate failed: see {log_file}")
    marker.write_text(datetime.now(UTC).isoformat())


def log_path(s: Settings, what: str) -> Path:
    """A log file name no other process will pick, even within the same second."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
    return s.var_dir / "logs" / f"{stamp}-{os.getpid()}-{what}.log"


def run_dags(
    s: Settings,
    dag_ids: Sequence[str],
    *,
    confs: Mapping[str, dict] | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[list[dict], Path]:
    """Run ``dag_ids`` in order as real DAG runs in one Airflow process (ops/dag_runner.py); return
    one result per DAG (dag_id, run_id, state, seconds, error) and the log file.

    The runner and everything it starts form one process group, stopped as a whole if we are
    (run_group), after a short grace: Airflow's in-process task runner answers SIGTERM only by
    calling the operator's ``on_kill()`` and carries on (it expects a supervisor to escalate). A kill
    leaves nothing half-written that users see: the refresh works in a shadow copy published by a
    rename, archives by rename, and publishes to PostgreSQL in one transaction."""
    log_file = log_path(s, "dag-runs")
    results = log_file.with_suffix(".results.jsonl")
    cmd = [sys.executable, "-m", "housing_need.ops.dag_runner", "--results", str(results)]
    for dag_id, conf in (confs or {}).items():
        cmd += ["--conf", f"{dag_id}={json.dumps(conf)}"]
    cmd += list(dag_ids)
    full_env = {**airflow_env(s), **(env or {})}
    log_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(log_file, "w") as handle:
            run_group(
                cmd, env=full_env, stdout=handle, stderr=subprocess.STDOUT, cwd=s.home, grace=DAG_RUNNER_GRACE
            )
        done = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
    finally:
        results.unlink(missing_ok=True)
    ran = {r["dag_id"] for r in done}
    done += [
        {"dag_id": d, "run_id": None, "state": "not run", "seconds": 0, "error": f"see {log_file}"}
        for d in dag_ids
        if d not in ran
    ]
    return done, log_file
