"""The processes a deployment has running, found the way an operator would: in /proc, by the
deployment's var/ folder in their environment (every process a command starts inherits it)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from housing_need.ops.processes import start_ticks

T = TypeVar("T")


def deployment_processes(var_dir: Path) -> dict[int, str]:
    """Live processes (pid: command line) whose environment has ``HOUSING_NEED_VAR_DIR=<var_dir>``."""
    marker = f"HOUSING_NEED_VAR_DIR={var_dir}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if marker in environ and start_ticks(int(entry.name)) is not None:  # zombies have ended
            found[int(entry.name)] = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
    return found


def wait_for(what: Callable[[], T], timeout: float, poll: float = 0.2) -> T | None:
    """``what()`` once it is truthy, or its last value after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(poll)
