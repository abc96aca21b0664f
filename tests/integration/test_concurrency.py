"""One writer at a time, whichever entry point writes: two refreshes started at the same moment, or
25 s apart, never both write — the second stops at once with a message naming the first, and the
first publishes as if it had been alone."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from housing_need.ops.processes import die_with_parent
from tests.conftest import SAMPLE_CSV, Project

pytestmark = pytest.mark.integration

BUSY = 75


def start_refresh(project: Project, *args: str) -> subprocess.Popen[str]:
    exe = Path(sys.executable).with_name("housing-need")
    return subprocess.Popen(
        [str(exe), "refresh", *args],
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=project.root,
        start_new_session=True,  # with die_with_parent: a killed test run stops it (and its DAG runs)
        preexec_fn=die_with_parent(),
    )


def test_two_refreshes_started_at_the_same_moment(fork) -> None:
    project = fork("concurrent-same-moment")
    rows = SAMPLE_CSV.read_text(encoding="utf-8-sig").splitlines()
    (project.inbox() / "asy_d11_to_2023q3.csv").write_text(
        "\n".join(r for r in rows if not r.startswith("2023-12-31")) + "\n", encoding="utf-8"
    )
    first, second = start_refresh(project), start_refresh(project)
    outputs = {p.pid: p.communicate(timeout=900)[0] for p in (first, second)}
    codes = {p.pid: p.returncode for p in (first, second)}
    assert sorted(codes.values()) == [0, BUSY], outputs
    loser = next(pid for pid, code in codes.items() if code == BUSY)
    winner = next(pid for pid in codes if pid != loser)
    assert f"is being written by housing-need refresh (pid {winner})" in outputs[loser]
    assert "refresh not started" in outputs[loser]
    assert project.query("select count(*) from meta.loads where source_file = 'asy_d11_to_2023q3.csv'") == [
        (1,)
    ]
    assert not (project.warehouse.parent / ".writer-lease.json").exists()  # given back
    assert not (project.warehouse.parent / ".shadow").exists()


def test_writers_started_while_a_refresh_writes_stop_at_once(fork) -> None:
    """25 s into a full rebuild, a second `housing-need refresh` exits at once naming the first; an
    `airflow dags test` of the refresh DAG (which ignores max_active_runs) fails in `begin` naming
    the holder and leaves the first run's shadow copy alone; the first run publishes."""
    project = fork("concurrent-25s")
    first = start_refresh(project, "--full")  # a whole rebuild: still writing 25 s later
    time.sleep(25)
    assert first.poll() is None, "the first refresh finished within 25 s: the test would prove nothing"
    started = time.monotonic()
    second = project.cli("refresh", timeout=300)
    assert second.returncode == BUSY, second.stdout + second.stderr
    assert time.monotonic() - started < 30  # at once, not after waiting for the first
    assert f"housing-need refresh (pid {first.pid})" in second.stdout
    assert first.poll() is None, "the first refresh finished early: the DAG-run check would prove nothing"
    other = project.cli("airflow", "dags", "test", "housing_need_refresh", timeout=600)
    assert other.returncode != 0
    assert "is being written by housing-need refresh" in other.stdout + other.stderr
    out = first.communicate(timeout=900)[0]
    assert first.returncode == 0, out
    assert "build: full (full rebuild requested (--full))" in out
    assert not (project.warehouse.parent / ".shadow").exists()
