"""The writer lease tells a live holder from a gone one by its process and that process's start time
(psutil), so a second writer is refused while the holder runs and takes over once it has exited."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from housing_need.ops.processes import start_time
from housing_need.pipeline.lock import WarehouseBusy, WriterLease


def test_a_live_holder_keeps_the_lease_and_a_gone_one_loses_it(tmp_path: Path) -> None:
    lease = WriterLease(tmp_path / "housing_need.duckdb")
    holder = subprocess.Popen(["sleep", "60"])
    try:
        held = lease.acquire("housing-need refresh", token="first", pid=holder.pid)
        assert held.pid_started == start_time(holder.pid) and held.alive()
        with pytest.raises(WarehouseBusy, match="being written by housing-need refresh"):
            lease.acquire("a second refresh", token="second")
    finally:
        holder.kill()
        holder.wait()
    assert start_time(holder.pid) is None and not held.alive()
    taken = lease.acquire("a second refresh", token="second")
    assert taken.token == "second" and lease.current() == taken


def test_a_reused_pid_is_not_taken_for_the_holder(tmp_path: Path) -> None:
    """A live process with the holder's PID but another start time is not the holder."""
    lease = WriterLease(tmp_path / "housing_need.duckdb")
    held = lease.acquire("housing-need refresh", token="first", pid=os.getpid())
    assert held.alive()
    assert held.pid_started
    assert not dataclasses.replace(held, pid_started=held.pid_started - 1.0).alive()
