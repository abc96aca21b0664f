"""Stopping a refresh stops everything it started, at once, and leaves what users see as it was:
SIGTERM to `./run refresh` (what `timeout 20 ./run refresh` sends) once its DAG runs are under way
ends the CLI, the DAG runner and every process the DAG runs started (dbt…) within seconds, exits
non-zero with one line saying what state it left, and the published warehouse is unchanged."""

from __future__ import annotations

import hashlib
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from housing_need.ops.processes import die_with_parent
from tests.conftest import ROOT, Project, readme_commands
from tests.support.processes import deployment_processes, wait_for

pytestmark = pytest.mark.integration

GONE_WITHIN = 15  # seconds from the signal until no process of the run is left


def start_refresh(project: Project, command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        start_new_session=True,
        preexec_fn=die_with_parent(),
    )


def runner_started(project: Project) -> bool:
    """The DAG runner is running its first DAG (Airflow imported, a DAG run under way)."""
    logs = list((project.var_dir / "logs").glob("*-dag-runs.log"))
    return bool(logs) and "==> DAG run" in logs[0].read_text(errors="replace")


def stop(proc: subprocess.Popen[str], project: Project) -> tuple[str, float]:
    """SIGTERM to the command; its output and how long until nothing of the run was left."""
    proc.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    out, _ = proc.communicate(timeout=GONE_WITHIN)
    left = wait_for(lambda: not deployment_processes(project.var_dir), timeout=GONE_WITHIN)
    assert left, f"still running after SIGTERM: {deployment_processes(project.var_dir)}"
    return out, time.monotonic() - signalled


def stop_once_running(project: Project, process: str, *options: str, poll: float) -> str:
    """``housing-need refresh [options]``, sent SIGTERM once a process of the run has ``process`` in
    its command line: it exits 143 and nothing of the run is left within GONE_WITHIN; its output."""
    proc = start_refresh(project, [str(Path(sys.executable).with_name("housing-need")), "refresh", *options])
    try:

        def running() -> bool:
            return any(process in cmd for cmd in deployment_processes(project.var_dir).values())

        assert wait_for(lambda: running() or proc.poll() is not None, timeout=600, poll=poll)
        assert proc.poll() is None, proc.communicate()[0]
        out, seconds = stop(proc, project)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, out
    assert seconds < GONE_WITHIN
    return out


def test_sigterm_to_run_refresh_stops_every_process_of_the_run(make_project) -> None:
    """The README's `./run refresh` on a new deployment, stopped once its DAG runner runs a DAG."""
    project = make_project("stopped-refresh")
    assert readme_commands()[0] == "./run refresh"
    proc = start_refresh(project, shlex.split(readme_commands()[0]))  # as a shell splits it
    try:
        assert wait_for(lambda: runner_started(project) or proc.poll() is not None, timeout=300)
        assert proc.poll() is None, proc.communicate()[0]
        running = deployment_processes(project.var_dir)
        assert proc.pid in running and "housing-need refresh" in running[proc.pid]  # ./run became the CLI
        assert any("housing_need.ops.dag_runner" in cmd for cmd in running.values()), running
        out, seconds = stop(proc, project)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, out
    last = out.strip().splitlines()[-1]
    assert last == (
        "refresh stopped (SIGTERM): every DAG run it started has ended; "
        "nothing was published (there is still no warehouse)"
    ), out
    assert "Traceback" not in out
    assert seconds < GONE_WITHIN
    assert not project.warehouse.exists()
    assert not (project.warehouse.parent / ".writer-lease.json").exists()  # the lease was given back


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sigterm_during_the_dbt_build_leaves_the_published_warehouse_unchanged(fork) -> None:
    """A full rebuild of a published deployment, stopped while dbt builds in the shadow copy: dbt,
    the DAG runner and the CLI end; the published file is byte for byte the same; no shadow is left;
    the next refresh runs normally (it finds nothing new)."""
    project = fork("stopped-rebuild")
    before = sha256(project.warehouse)
    out = stop_once_running(project, "dbt_runner", "--full", poll=0.5)
    assert out.strip().splitlines()[-1] == (
        "refresh stopped (SIGTERM): every DAG run it started has ended; "
        "the published warehouse is unchanged (the run was not published)"
    ), out
    assert sha256(project.warehouse) == before
    assert not (project.warehouse.parent / ".shadow").exists()
    assert not (project.warehouse.parent / ".writer-lease.json").exists()
    again = project.cli("refresh", timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert sha256(project.warehouse) == before  # nothing new: nothing published


def test_sigterm_during_a_quality_gate_stops_the_gate_process(make_project) -> None:
    """The gates run in a child of the DAG runner (quality/child.py), in the runner's process group:
    SIGTERM to the command while the raw gate's process runs ends it with the rest of the run."""
    project = make_project("stopped-gate")
    out = stop_once_running(project, "housing_need.quality.child", poll=0.1)
    assert out.strip().splitlines()[-1] == (
        "refresh stopped (SIGTERM): every DAG run it started has ended; "
        "nothing was published (there is still no warehouse)"
    ), out
    assert "Traceback" not in out
    assert not project.warehouse.exists()
