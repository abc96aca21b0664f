"""Stopping a command stops everything it started: a child run with run_group, and the children that
child started, end when the command is stopped (SIGTERM) or killed (SIGKILL), within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.support.processes import deployment_processes, wait_for

ROOT = Path(__file__).resolve().parents[2]

# A command as the CLI runs one: under stop_on_signals, a child in its own process group (run_group)
# that starts a grandchild; the child is the DAG runner's stand-in (exit_with_parent, as it calls).
COMMAND = textwrap.dedent(
    """
    import sys
    from housing_need.ops.processes import run_group, stop_on_signals, stop_signal

    CHILD = '''
    import subprocess, time
    from housing_need.ops.processes import exit_with_parent
    exit_with_parent(grace=1.0, poll=0.1)
    subprocess.Popen(["sleep", "300"])  # a grandchild, as dbt is the DAG runner's
    print("child ready", flush=True)
    time.sleep(300)
    '''
    with stop_on_signals():
        try:
            run_group([sys.executable, "-c", CHILD], grace=1.0)
        except KeyboardInterrupt as stop:
            print(f"stopped by {stop_signal(stop)}", flush=True)
            sys.exit(128 + stop_signal(stop))
    """
)


def start(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    marker = tmp_path / "var"
    env = {**os.environ, "HOUSING_NEED_VAR_DIR": str(marker), "PYTHONPATH": str(ROOT / "plugins")}
    proc = subprocess.Popen(
        [sys.executable, "-c", COMMAND], env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    running = wait_for(lambda: len(deployment_processes(marker)) == 3, timeout=30)
    assert running, f"the command, its child and grandchild did not start: {deployment_processes(marker)}"
    return proc, marker


def test_sigterm_stops_the_child_and_its_children(tmp_path: Path) -> None:
    proc, marker = start(tmp_path)
    time.sleep(0.5)  # the child is past its start-up, sleeping with its grandchild
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 128 + signal.SIGTERM and f"stopped by {int(signal.SIGTERM)}" in out
    assert deployment_processes(marker) == {}


def test_a_killed_command_leaves_nothing_behind(tmp_path: Path) -> None:
    """SIGKILL gives the command no chance to clean up: the kernel's parent-death signal and the
    child's exit_with_parent watch stop the child's whole group."""
    proc, marker = start(tmp_path)
    proc.kill()
    proc.wait(timeout=5)
    left = wait_for(lambda: not deployment_processes(marker), timeout=10)
    assert left, f"still running after the command was killed: {deployment_processes(marker)}"


def test_run_group_stops_the_group_on_timeout(tmp_path: Path) -> None:
    from housing_need.ops.processes import run_group

    marker = tmp_path / "var"
    started = time.monotonic()
    try:
        run_group(
            ["sh", "-c", "sleep 300 & sleep 300"],
            env={**os.environ, "HOUSING_NEED_VAR_DIR": str(marker)},
            timeout=1,
            grace=1.0,
        )
    except subprocess.TimeoutExpired:
        pass
    else:
        raise AssertionError("no timeout")
    assert time.monotonic() - started < 10
    assert deployment_processes(marker) == {}


def test_a_child_kept_in_our_group_is_stopped_when_the_body_raises(tmp_path: Path) -> None:
    """running(own_group=False), as the gates' child runs: it stays in our process group (so a stop
    of our group reaches it), and an exception in the body (Ctrl-C) ends it before going on."""
    from housing_need.ops.processes import running

    marker = tmp_path / "var"
    env = {**os.environ, "HOUSING_NEED_VAR_DIR": str(marker)}
    try:
        with running(["sleep", "300"], own_group=False, env=env, grace=1.0) as proc:
            assert os.getpgid(proc.pid) == os.getpgrp()
            assert wait_for(lambda: deployment_processes(marker), timeout=10)
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the body's exception was swallowed")
    assert proc.returncode == -signal.SIGTERM
    assert deployment_processes(marker) == {}

    with running(["sleep", "300"], env=env) as proc:  # the default, run_group's: a group of its own
        assert os.getpgid(proc.pid) == proc.pid
        proc.terminate()
