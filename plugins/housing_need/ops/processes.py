"""Processes started by this project: who is alive (with a start-time guard, so a reused PID is never
taken for ours) and stopping a process group cleanly. Used by the native stack and the writer lease."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (index 0 = state), None if no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def start_ticks(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot), or None if it is not running (exited, zombie)."""
    fields = _proc_stat(pid)
    if fields is None:
        if Path("/proc/self/stat").exists():
            return None
        try:  # no /proc (macOS): existence only
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return 0
    return None if fields[0] in ("Z", "X") else int(fields[19])


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group ``pgid``."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [pgid]
    members = []
    for entry in proc.iterdir():
        if entry.name.isdigit():
            fields = _proc_stat(int(entry.name))
            if fields and fields[0] not in ("Z", "X") and int(fields[2]) == pgid:
                members.append(int(entry.name))
    return members


@dataclass
class Managed:
    """A process this stack started, as the leader of its own process group."""

    name: str
    pid: int
    started: int | None  # start_ticks() when it was started: tells our process from a reused PID
    log: str
    stop_signal: int = int(signal.SIGTERM)

    def alive(self) -> bool:
        ticks = start_ticks(self.pid)
        return ticks is not None and (self.started in (None, 0) or ticks == self.started)

    def group_alive(self) -> bool:
        return self._ours() and bool(group_members(self.pid))

    def _ours(self) -> bool:
        # While any member of our group lives, the kernel cannot hand our leader's PID to another
        # process. A live process with that PID and another start time means our group is gone.
        ticks = start_ticks(self.pid)
        return ticks is None or self.started in (None, 0) or ticks == self.started

    def signal_group(self, sig: int) -> None:
        if self._ours():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, sig)


def stop_processes(
    procs: list[Managed], popens: Mapping[int, subprocess.Popen[bytes]], timeout: float
) -> None:
    """Signal each group, wait for every member to exit, SIGKILL what is left after ``timeout``."""
    for p in procs:
        p.signal_group(p.stop_signal)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.pid in popens:
                popens[p.pid].poll()  # reap our own children so they stop counting as alive
        if not any(p.group_alive() for p in procs):
            break
        time.sleep(0.2)
    for p in procs:
        p.signal_group(signal.SIGKILL)
    for p in procs:
        if p.pid in popens:
            with contextlib.suppress(subprocess.TimeoutExpired):
                popens[p.pid].wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(p.group_alive() for p in procs) and time.monotonic() < deadline:
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
