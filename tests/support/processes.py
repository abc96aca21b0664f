"""The processes a deployment has running, found the way an operator would: by the deployment's var/
folder in their environment (every process a command starts inherits it), read with psutil."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psutil

T = TypeVar("T")


def deployment_processes(var_dir: Path) -> dict[int, str]:
    """Live processes (pid: command line) whose environment has ``HOUSING_NEED_VAR_DIR=<var_dir>``."""
    found = {}
    for process in psutil.process_iter(["status"]):
        if process.info["status"] in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):  # zombies have ended
            continue
        try:
            if process.environ().get("HOUSING_NEED_VAR_DIR") == str(var_dir):
                found[process.pid] = " ".join(process.cmdline()).strip()
        except psutil.Error:  # gone meanwhile, or not ours to read
            continue
    return found


def wait_for(what: Callable[[], T], timeout: float, poll: float = 0.2) -> T | None:
    """``what()`` once it is truthy, or its last value after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(poll)
