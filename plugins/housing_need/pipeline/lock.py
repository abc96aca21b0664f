"""One writer at a time: a lease on the warehouse, held by whichever entry point writes it.

DuckDB allows one writer per file, and a refresh spans several steps (often several processes:
Airflow runs each task in its own). Airflow's ``max_active_runs`` does not cover two entry points
(``housing-need refresh`` next to a scheduled run, or two ``airflow dags test``), so the writer
itself takes a lease next to the warehouse file:

- ``<warehouse dir>/.writer.lock`` is an ``flock`` held only while the lease file is read or
  changed (and while the shadow is swapped in), so every change to the lease is atomic;
- ``<warehouse dir>/.writer-lease.json`` says who holds the lease: a token, the run, and how to
  tell whether the holder still lives: a process id (with its start time, so a reused id is not
  taken for the holder) for an entry point that lives through the whole refresh (the CLI), or a
  heartbeat that every step refreshes for runs whose steps are separate processes (Airflow).

A second writer gets :class:`WarehouseBusy` at once, naming the holder. A lease whose holder is
gone (its process exited, or no heartbeat for ``STALE_AFTER`` seconds) is taken over. Child
processes of a holder (``airflow dags test`` started by the CLI) carry its token in the
environment variable ``HOUSING_NEED_WRITER_TOKEN`` and write under the same lease.

Why this is written here: a file-lock library gives the mutual exclusion only (the one ``flock``
helper, :func:`exclusive`, also serves the archive and the test harness); a lease that outlives
one process, names its holder, and is taken over when the holder's process is gone or its heartbeat
stops is this project's own rule. Whether a holder's process lives is asked of psutil.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import HousingNeedError
from ..ops.processes import start_time

log = logging.getLogger(__name__)

TOKEN_ENV = "HOUSING_NEED_WRITER_TOKEN"
LOCK_FILE = ".writer.lock"
LEASE_FILE = ".writer-lease.json"
STALE_AFTER = 600.0  # seconds without a heartbeat after which a process-less lease is abandoned
HEARTBEAT_EVERY = 30.0


class WarehouseBusy(HousingNeedError):
    """Another writer holds the warehouse: the message names it and what to do."""


@dataclass(frozen=True)
class Lease:
    token: str
    holder: str  # who, in words: "housing-need refresh (pid 4242)", "Airflow run manual__2026-…"
    run_id: str | None
    pid: int | None  # set when one process holds the lease for the whole refresh
    pid_started: float | None  # ops.processes.start_time of that process
    host: str
    acquired_at: float
    heartbeat_at: float

    def alive(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        if self.pid is not None and self.host == socket.gethostname():
            started = start_time(self.pid)
            return started is not None and self.pid_started in (None, 0, started)
        return now - self.heartbeat_at < STALE_AFTER

    def describe(self) -> str:
        since = datetime.fromtimestamp(self.acquired_at, UTC).isoformat(timespec="seconds")
        run = f", run {self.run_id}" if self.run_id else ""
        return f"{self.holder}{run}, since {since} on {self.host}"


def run_token(run_id: str) -> str:
    """The token of a run whose steps are separate processes: every step can compute it."""
    return f"run:{run_id}"


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created with its folder if missing) for the ``with`` block:
    the one lock the warehouse lease, the archive and the test harness all take."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class WriterLease:
    """The lease on one warehouse file."""

    def __init__(self, warehouse_path: Path) -> None:
        self.folder = warehouse_path.parent
        self.lock_path = self.folder / LOCK_FILE
        self.lease_path = self.folder / LEASE_FILE

    def locked(self) -> AbstractContextManager[None]:
        """The short exclusive section in which the lease is read or changed."""
        return exclusive(self.lock_path)

    def current(self) -> Lease | None:
        try:
            return Lease(**json.loads(self.lease_path.read_text()))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError) as exc:
            log.warning("ignoring an unreadable writer lease %s: %s", self.lease_path, exc)
            return None

    def _write(self, lease: Lease) -> None:
        tmp = self.lease_path.with_name(f".{self.lease_path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(asdict(lease), indent=2))
        os.replace(tmp, self.lease_path)

    def acquire(
        self, holder: str, *, token: str | None = None, run_id: str | None = None, pid: int | None = None
    ) -> Lease:
        """Take the lease (or adopt it, when ``token`` is the holder's). Raises WarehouseBusy."""
        now = time.time()
        token = token or uuid.uuid4().hex
        with self.locked():
            held = self.current()
            if held is not None and held.token != token:
                if held.alive(now):
                    raise WarehouseBusy(
                        f"the warehouse {self.folder} is being written by {held.describe()}; this "
                        "writer stops now. Wait for that refresh to finish (./run status) and "
                        "run again."
                    )
                log.warning("taking over the writer lease of %s: its holder is gone", held.describe())
            if held is not None and held.token == token:
                lease = Lease(
                    token=token,
                    holder=held.holder,
                    run_id=run_id or held.run_id,
                    pid=held.pid,
                    pid_started=held.pid_started,
                    host=held.host,
                    acquired_at=held.acquired_at,
                    heartbeat_at=now,
                )
            else:
                lease = Lease(
                    token=token,
                    holder=holder,
                    run_id=run_id,
                    pid=pid,
                    pid_started=start_time(pid) if pid is not None else None,
                    host=socket.gethostname(),
                    acquired_at=now,
                    heartbeat_at=now,
                )
            self._write(lease)
            return lease

    def check(self, token: str) -> Lease:
        """The lease, if ``token`` holds it; WarehouseBusy otherwise (it was lost or taken over)."""
        with self.locked():
            return self._owned(token)

    def _owned(self, token: str) -> Lease:
        held = self.current()
        if held is None or held.token != token:
            who = held.describe() if held else "nobody"
            raise WarehouseBusy(
                f"this run no longer holds the writer lease on {self.folder} (held by {who}); "
                "it stops without publishing"
            )
        return held

    def heartbeat(self, token: str) -> None:
        with self.locked():
            held = self._owned(token)
            self._write(Lease(**{**asdict(held), "heartbeat_at": time.time()}))

    def release(self, token: str) -> bool:
        """Give the lease up if ``token`` holds it; True when it did."""
        with self.locked():
            held = self.current()
            if held is None or held.token != token:
                return False
            self.lease_path.unlink(missing_ok=True)
            return True

    @contextmanager
    def beating(self, token: str, every: float = HEARTBEAT_EVERY) -> Iterator[None]:
        """Refresh the heartbeat in the background while a long step runs."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(every):
                try:
                    self.heartbeat(token)
                except WarehouseBusy:
                    return
                except OSError as exc:  # a full disk must not kill the step; the next beat retries
                    log.warning("writer lease heartbeat failed: %s", exc)

        thread = threading.Thread(target=beat, name="writer-lease-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)
