"""What every benchmark measures the same way: a command's wall time and the peak resident memory of
its whole process tree, in a deployment of its own.

Peak RSS is sampled every 0.2 s and summed over the process and all its descendants alive at that
moment (the refresh CLI, the DAG runner, dbt and its DuckDB, GX...), so it is what the machine must
hold, not the largest single process.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from housing_need.ops.processes import Stopped, die_with_parent, stop_group, stop_on_signals, stop_signal

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("housing-need"))


@dataclass
class Phase:
    seconds: float
    peak_mib: float
    stdout: str
    # at the peak: each process's role (see _role) -> MiB, largest first; and seconds since the start
    peak_by_process: dict[str, float] = field(default_factory=dict)
    peak_at: float = 0.0


def _role(process: psutil.Process) -> str:
    """What a process of a refresh is, from its command line (several of one role are summed)."""
    with contextlib.suppress(psutil.Error):
        command = " ".join(process.cmdline())
        for marker, role in (
            ("housing_need.pipeline.dbt_runner", "dbt (DuckDB)"),
            ("housing_need.ops.dag_runner", "DAG runner"),
            ("multiprocessing.resource_tracker", "resource tracker"),
            ("multiprocessing", "worker"),
            ("housing-need", "CLI"),
        ):
            if marker in command:
                return role
        return process.name()
    return "?"


def deployment_env(base: Path, **extra: str) -> dict[str, str]:
    """The environment of a temporary deployment in ``base`` (never the checkout's var/ or warehouse/):
    no inherited Airflow or project settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "HOUSING_NEED_"))}
    env.update(
        {
            "HOUSING_NEED_VAR_DIR": str(base / "var"),
            "HOUSING_NEED_WAREHOUSE": str(base / "warehouse" / "housing_need.duckdb"),
            **extra,
        }
    )
    return env


def run(command: list[str], env: dict[str, str] | None = None, *, check: bool = True) -> Phase:
    """Run ``command`` to its end; its wall seconds, the peak RSS (MiB) of its process tree, stdout."""
    started = time.perf_counter()
    # its own process group, stopped as a whole if we are (and sent SIGTERM by the kernel if we die)
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=die_with_parent(),
    )
    peak = 0.0
    peak_at = 0.0
    by_process: dict[str, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_at, by_process
        with contextlib.suppress(psutil.Error):
            parent = psutil.Process(proc.pid)
            while not done.is_set():
                total = 0
                roles: dict[str, float] = {}
                with contextlib.suppress(psutil.Error):
                    for p in [parent, *parent.children(recursive=True)]:
                        with contextlib.suppress(psutil.Error):
                            rss, role = p.memory_info().rss, _role(p)
                            total += rss
                            roles[role] = roles.get(role, 0.0) + rss / 2**20
                if total / 2**20 > peak:
                    peak, peak_at = total / 2**20, time.perf_counter() - started
                    by_process = dict(sorted(roles.items(), key=lambda kv: -kv[1]))
                done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate()
    except BaseException:
        stop_group(proc)
        raise
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{out[-4000:]}\n{err[-3000:]}")
    return Phase(seconds, peak, out, by_process, peak_at)


def main(entry: Callable[[], object]) -> None:
    """Run a benchmark's entry point so that Ctrl-C, SIGTERM or SIGHUP stops the command being
    measured, with its whole process tree, before the benchmark exits."""
    try:
        with stop_on_signals():
            entry()
    except (Stopped, KeyboardInterrupt) as exc:
        raise SystemExit(128 + stop_signal(exc)) from None


def median_seconds(command: list[str], env: dict[str, str] | None = None, *, repeat: int = 5) -> float:
    """The median wall time of ``repeat`` runs of a quick command (after one warm-up run)."""
    run(command, env)
    return statistics.median(run(command, env).seconds for _ in range(repeat))


def peak_line(phase: Phase) -> str:
    """Which processes made up a phase's peak, and when."""
    parts = ", ".join(f"{role} {mib:.0f}" for role, mib in phase.peak_by_process.items() if mib >= 1)
    return f"peak {phase.peak_mib:.0f} MiB at {phase.peak_at:.0f} s: {parts} (MiB)"


def step_table(reports: dict[str, dict]) -> list[str]:
    """The refresh DAG's step times (s) of several run reports, a column each, in the first's order."""
    lines = ["  refresh DAG steps (s)", f"  {'step':<18}" + "".join(f"{n:>16}" for n in reports)]
    for step in [s["name"] for s in next(iter(reports.values()))["steps"]]:
        cells = []
        for report in reports.values():
            record = next((s for s in report["steps"] if s["name"] == step), None)
            cells.append(f"{record['seconds']:>10.1f} {record['status'][:5]:<5}" if record else f"{'-':>16}")
        lines.append(f"  {step:<18}" + "".join(cells))
    return lines
