"""Processes started by this project: who is alive (with a start-time guard, so a reused PID is never
taken for ours), stopping a process group cleanly, and running a child that never outlives us.

- :func:`run_group` runs a command to completion in its own process group; if we are stopped
  (Ctrl-C, or SIGTERM/SIGHUP turned into :class:`Stopped` by :func:`stop_on_signals`) or time out,
  it stops the whole group (SIGTERM, a grace period, SIGKILL) before passing the stop on. The child
  also gets SIGTERM from the kernel if we die without cleaning up (Linux ``PR_SET_PDEATHSIG``).
- :func:`running`: the same start and stop around a ``with`` body that talks to the child (its
  pipes); optionally keeping the child in our own process group (the quality gates' child of the
  DAG runner, stopped with the runner's group).
- :func:`exit_with_parent`: for a long-running child (the DAG runner) whose own children must not
  outlive it either: when its parent is gone it stops its process group.

Which processes live, when each started and which belong to a group is asked of psutil (on every
platform it supports); the signals, process groups and parent-death signal are the OS's own.

Used by the CLI, the native stack, the writer lease and the test harness."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


def start_time(pid: int) -> float | None:
    """When ``pid`` started (seconds since the epoch, as the kernel recorded it), or None if it is not
    running (exited, or a zombie); 0 when it runs but may not be asked. Two readings of the same
    process are equal; a reused PID's differ."""
    import psutil  # here, not at the top: every command imports this module, few need psutil (45 ms)

    try:
        process = psutil.Process(pid)
        if process.status() in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
            return None
        return process.create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return None
    except psutil.AccessDenied:  # running, but not ours to ask (another user's, on macOS): start unknown
        return 0.0


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group ``pgid``."""
    import psutil  # see start_time

    members = []
    for process in psutil.process_iter(["status"]):
        if process.info["status"] in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
            continue
        try:
            if os.getpgid(process.pid) == pgid:
                members.append(process.pid)
        except (ProcessLookupError, PermissionError):  # ended meanwhile
            continue
    return members


@dataclass
class Managed:
    """A process this stack started, as the leader of its own process group."""

    name: str
    pid: int
    started: float | None  # start_time() when it was started: tells our process from a reused PID
    log: str
    stop_signal: int = int(signal.SIGTERM)

    def alive(self) -> bool:
        started = start_time(self.pid)
        return started is not None and (self.started in (None, 0) or started == self.started)

    def group_alive(self) -> bool:
        return self._ours() and bool(group_members(self.pid))

    def _ours(self) -> bool:
        # While any member of our group lives, the kernel cannot hand our leader's PID to another
        # process. A live process with that PID and another start time means our group is gone.
        started = start_time(self.pid)
        return started is None or self.started in (None, 0) or started == self.started

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


# -- children that never outlive us ---------------------------------------------------------------

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 10.0


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: raised where the program is, like Ctrl-C's KeyboardInterrupt, so
    every ``finally`` runs and every child is stopped."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def stop_signal(exc: BaseException) -> int:
    """The signal behind a stop: SIGTERM/SIGHUP for :class:`Stopped`, SIGINT for Ctrl-C."""
    return exc.signum if isinstance(exc, Stopped) else int(signal.SIGINT)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Stopped` in the main thread (Ctrl-C raises KeyboardInterrupt
    as always). Only the first stop raises: a second signal while children are being stopped does
    not cut that short (the stop is bounded by its grace period anyway)."""
    stopping = False

    def handler(signum: int, frame: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise Stopped(signum) if signum != signal.SIGINT else KeyboardInterrupt()

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets ``sig`` when this process dies (Linux), and lets the signals
    a stop uses through (:func:`running` blocks them around the fork)."""
    prctl, parent = _prctl(), os.getpid()  # looked up before the fork: the child only calls it

    def preexec() -> None:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, int(sig))
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(128 + int(sig))

    return preexec


def stop_group(proc: subprocess.Popen[Any], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM the process group ``proc`` leads, wait up to ``grace`` s for every member to exit,
    SIGKILL what is left, and reap ``proc``."""
    pgid = proc.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader, so it stops counting as a member
        if not group_members(pgid):
            break
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)


def stop_child(proc: subprocess.Popen[Any], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM ``proc`` alone (a child in our own process group), wait up to ``grace`` s, SIGKILL it
    if it is still running, and reap it."""
    proc.terminate()  # nothing when it has ended already
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running(
    cmd: Sequence[str] | str, *, own_group: bool = True, grace: float = GRACE_SECONDS, **popen: Any
) -> Iterator[subprocess.Popen[Any]]:
    """Start ``cmd`` so that it never outlives us and hand it to the ``with`` body: if the body raises
    (Ctrl-C, :class:`Stopped`, a timeout, an error) the child is stopped before the exception goes
    on; if we die without that chance, the kernel sends it SIGTERM (:func:`die_with_parent`).

    ``own_group`` (run_group's way): the child leads a process group of its own, stopped as a whole
    (:func:`stop_group`). Without it the child stays in our group, so that whoever stops our group
    stops it too (the DAG runner's children: the CLI stops the runner's group, and the runner's
    :func:`exit_with_parent` stops its group); an exception in the body then stops the child alone
    (:func:`stop_child`): for a child that starts no processes of its own.
    ``popen``: Popen's keyword arguments (``env``, ``cwd``, ``stdin``, ``stdout``, ``text``…)."""
    # No stop can land between the fork and the try below (the child unblocks them, die_with_parent).
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        proc = subprocess.Popen(cmd, start_new_session=own_group, preexec_fn=die_with_parent(), **popen)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        raise
    with proc:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            yield proc
        except BaseException:  # KeyboardInterrupt, Stopped, TimeoutExpired, an error of the body
            if own_group:
                stop_group(proc, grace)
            else:
                stop_child(proc, grace)
            raise


def run_group(
    cmd: Sequence[str] | str, *, timeout: float | None = None, grace: float = GRACE_SECONDS, **popen: Any
) -> subprocess.CompletedProcess[Any]:
    """Like ``subprocess.run``, but the command runs in its own process group and never outlives us:
    on Ctrl-C, :class:`Stopped` or a timeout the whole group is stopped (:func:`stop_group`) before
    the exception goes on; if we die without that chance, the kernel sends the child SIGTERM.
    ``popen``: Popen's keyword arguments (``env``, ``cwd``, ``stdout``, ``capture_output``, ``text``…)."""
    if popen.pop("capture_output", False):
        popen["stdout"] = popen["stderr"] = subprocess.PIPE
    with running(cmd, grace=grace, **popen) as proc:
        out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def exit_with_parent(grace: float = GRACE_SECONDS, poll: float = 0.5) -> None:
    """In a child that leads its own process group (run_group starts it so): when the parent that
    started us is gone (killed without stopping us) or SIGTERM arrives (the kernel's parent-death
    signal, or a stop), stop every other process of our group (SIGTERM, ``grace`` s, SIGKILL), then
    exit. A daemon thread does it, so it holds whatever the main thread is doing; if a library later
    takes SIGTERM for itself (Airflow's task runner does), the parent watch still holds."""
    parent, me = os.getppid(), os.getpid()
    if os.getpgrp() != me:
        return  # not a group of our own: stopping "our group" would hit our parent
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())

    def others() -> list[int]:
        return [pid for pid in group_members(me) if pid != me]

    def watch() -> None:
        while os.getppid() == parent and not stop.wait(poll):
            pass
        for pid in others():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while others() and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in others():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        os._exit(128 + signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def release_free_memory() -> None:
    """Hand the memory a finished step freed back to the operating system before the next one starts.

    A refresh runs its steps one after the other in one long-lived process (the DAG runner, or an
    Airflow worker) while the dbt step's child holds DuckDB's working memory: what load_raw and the
    raw gate freed stayed in glibc's heap and counted against the machine until the run ended
    (``malloc_trim``; a no-op where the C library has none)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
