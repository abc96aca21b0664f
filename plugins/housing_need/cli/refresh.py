"""`housing-need refresh`: every source's extract DAG, then the refresh DAG, as real Airflow DAG runs.

The command holds the warehouse writer lease for its whole run (a second refresh started meanwhile
stops at once, exit code 75) and passes the lease's token to the DAG runs it starts. It reads the
outcome from the run report the steps wrote (``var/runs/<run>.json``), never from logs.

Exit codes: 0 the refresh succeeded (or had nothing new); 1 it failed, or some source failed (a
refused delivery, a failed gate) while the others were published — the summary says which;
75 another writer holds the warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .parsing import add_command

if TYPE_CHECKING:
    from ..config import Settings

EXIT_BUSY = 75
REFRESH_DAG = "housing_need_refresh"


# The imports inside the commands are on purpose: each command loads only what it runs, so a quick
# command (`sql "select 1"`, `--help`) stays under half a second (see cli/__init__.py).


def cmd_refresh(args: argparse.Namespace) -> int:
    from ..config import settings
    from ..ops.airflow_env import ensure_airflow_db, run_dags
    from ..ops.processes import stop_signal
    from ..pipeline.lock import TOKEN_ENV, WarehouseBusy, WriterLease
    from ..refresh.quick_look import runs_needed
    from ..sources import SOURCES

    if args.no_sample:
        os.environ["HOUSING_NEED_USE_SAMPLE"] = "0"
    s = settings()
    lease = WriterLease(s.warehouse_path)
    token = uuid.uuid4().hex
    try:
        lease.acquire(f"housing-need refresh (pid {os.getpid()})", token=token, pid=os.getpid())
    except WarehouseBusy as exc:
        print(f"refresh not started: {exc}", flush=True)
        return EXIT_BUSY
    started = time.monotonic()
    published_before = _identity(s.warehouse_path)
    try:
        _local_keys_note(s)
        needed = runs_needed(s, SOURCES, full=bool(args.full))
        for name, calendar in needed.calendars.items():
            if name not in needed.extracts:  # its extract would have said so
                print(f"    {name}: release calendar: {calendar}", flush=True)
        if needed.nothing:
            return _nothing_new(s, time.monotonic() - started)
        ensure_airflow_db(s)
        dags = [f"extract_{name}" for name in needed.extracts] + [REFRESH_DAG]
        print(f"==> {len(dags)} DAG runs: {', '.join(dags)}", flush=True)
        for name, why in needed.extracts.items():
            print(f"    extract_{name}: {why}", flush=True)
        skipped = [name for name in SOURCES if name not in needed.extracts]
        if skipped:
            print(f"    no extract DAG run (nothing new to collect): {', '.join(skipped)}", flush=True)
        for why in needed.refresh:
            print(f"    {REFRESH_DAG}: {why}", flush=True)
        results, log_file = run_dags(
            s, dags, confs={REFRESH_DAG: {"full": bool(args.full)}}, env={TOKEN_ENV: token}
        )
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM, SIGHUP: run_dags has stopped every DAG run
        _drop_shadow(s)  # we still hold the lease: no other run owns it
        signum = stop_signal(stop)
        print(_stopped_line(signum, published_before, _identity(s.warehouse_path)), flush=True)
        return 128 + signum
    finally:
        lease.release(token)
    return _report(s, results, log_file, time.monotonic() - started)


def _nothing_new(s: Settings, seconds: float) -> int:
    """No source has anything to collect and the warehouse is current: no DAG run is started."""
    from ..errors import HousingNeedError
    from .summary import render_status

    print(
        "Refresh: nothing new, no DAG run started: no source has a delivery to collect (no URL or "
        "release due, empty inboxes, every sample file archived) and the published warehouse, its "
        f"pages and backtest are current ({seconds:.1f} s). `./run refresh --full` rebuilds everything.",
        flush=True,
    )
    print()
    try:
        print(render_status(s))
    except HousingNeedError as exc:
        print(f"(no status: {exc})")
    return 0


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which file is published (a publish renames a new file into place), None if none is."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _drop_shadow(s: Settings) -> None:
    import shutil

    shutil.rmtree(s.shadow_dir, ignore_errors=True)


def _stopped_line(signum: int, before: tuple | None, after: tuple | None) -> str:
    """One line: the refresh was stopped, everything it started has ended, and what users now see."""
    import signal

    head = f"refresh stopped ({signal.Signals(signum).name}): every DAG run it started has ended; "
    if before == after:
        state = "the published warehouse is unchanged (the run was not published)"
        if after is None:
            state = "nothing was published (there is still no warehouse)"
        return head + state
    return head + (
        "the run had already published the warehouse before it was stopped (pages and reports may "
        "not be rebuilt yet: ./run refresh --full rebuilds them)"
    )


def _local_keys_note(s: Settings) -> None:
    """Private feeds need keys; a laptop quickstart without configured ones gets local ones."""
    from ..privacy.keys import LOCAL_KEYS, ensure_local_keys
    from ..sources import SOURCES

    if not any(spec.privacy.is_private for spec in SOURCES.values()):
        return
    local = ensure_local_keys(s.var_dir)
    if local:
        print(
            f"==> keys: {', '.join(local)} not set; using deployment-local keys in {s.var_dir / LOCAL_KEYS} "
            "(set them, or the Airflow connections, in production: docs/operating.md)",
            flush=True,
        )


def _report(s: Settings, results: list[dict], log_file: object, seconds: float) -> int:
    from ..errors import HousingNeedError
    from ..refresh.report import FAILED, PARTIAL, load_report
    from ..sources import SOURCES
    from .summary import render_run, render_status

    for r in results:
        print(f"    {r['dag_id']}: {r['state']} in {r['seconds']} s", flush=True)
    print(f"    log: {log_file}")
    extracts = {}
    for name in SOURCES:
        path = s.runs_dir / "extracts" / f"{name}.json"
        if path.exists():
            extracts[name] = json.loads(path.read_text())
    refresh = next((r for r in results if r["dag_id"] == REFRESH_DAG), None)
    report = load_report(s.runs_dir, refresh["run_id"]) if refresh and refresh.get("run_id") else None
    print()
    if report is None:
        print(
            f"the refresh did not run ({(refresh or {}).get('error') or 'see the log'}); "
            "the published warehouse is unchanged."
        )
        return 1
    print(render_run(report, extracts))
    print()
    try:
        print(render_status(s))
    except HousingNeedError as exc:
        print(f"(no status: {exc})")
    failed_extracts = [r for r in results if r["dag_id"] != REFRESH_DAG and r["state"] != "success"]
    if report.status in (FAILED, PARTIAL) or failed_extracts or report.failed_sources:
        print(f"\nrefresh finished with failures ({report.status}) in {seconds:.0f} s; see above.")
        return 1
    return 0


def add_parser(sub: Any) -> None:
    p = add_command(
        sub,
        "refresh",
        "refresh the warehouse from every source (real Airflow DAG runs)",
        description="Refresh the warehouse: every source's extract DAG, then the refresh DAG, as real "
        "Airflow DAG runs; prints what arrived, what was rebuilt and each gate's verdict. Exit code 0: done; 1: "
        "failed, or a source failed (the summary says which); 75: another refresh holds the warehouse. "
        "Ctrl-C or SIGTERM stops every DAG run it started and leaves the published warehouse as it was.",
    )
    p.add_argument(
        "--no-sample",
        action="store_true",
        help="do not archive the bundled sample files (default: archive them, unless a source has a "
        "publisher URL configured)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="rebuild every dbt model (default: only the models downstream of sources that changed)",
    )
    p.set_defaults(func=cmd_refresh)
