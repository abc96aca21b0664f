"""`housing-need stack up|down|status`: Airflow in production shape on this machine (ops/stack.py)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from ..config import settings
from .parsing import add_command

# The imports inside the commands are on purpose: each command loads only what it runs, so a quick
# command (`sql "select 1"`, `--help`) stays under half a second (see cli/__init__.py).


def add_parser(sub: Any) -> None:
    p = add_command(
        sub,
        "stack",
        "Airflow in production shape on this machine (PostgreSQL, Celery on Redis)",
        description="Airflow in production shape on this machine (PostgreSQL metadata, Celery on Redis): "
        "start it, stop it, or see how it is (docs/operating.md, Server stack).",
    )
    p.add_argument(
        "action",
        choices=["up", "down", "status"],
        help="up: start every process and wait until healthy; down: stop exactly what up started and "
        "drop its metadata database; status: each process and the scheduler's health",
    )
    p.add_argument(
        "--executor",
        choices=["CeleryExecutor", "LocalExecutor"],
        default="CeleryExecutor",
        help="up: CeleryExecutor runs tasks on a Celery worker (Redis broker); LocalExecutor in the "
        "scheduler, with no Redis and no worker",
    )
    p.add_argument(
        "--port", type=int, default=8080, help="up: the api-server's port on 127.0.0.1 (UI, REST API)"
    )
    p.add_argument(
        "--foreground",
        action="store_true",
        help="up: stay attached; Ctrl-C or SIGTERM stops the stack (default: leave it running in the "
        "background, stopped by `stack down`)",
    )
    p.set_defaults(func=cmd_stack)


def cmd_stack(args: argparse.Namespace) -> int:
    """`stack up|down|status`: Airflow in production shape on this machine (see stack.py)."""
    from ..ops import stack as st

    s = settings()
    stack_dir = s.var_dir / "stack"
    if args.action == "up":
        from ..privacy.keys import ensure_local_keys

        ensure_local_keys(s.var_dir)  # the quickstart's private feeds; configured keys take precedence
        kind = "a Celery worker on Redis" if args.executor == "CeleryExecutor" else "LocalExecutor"
        print(
            f"==> starting Airflow: PostgreSQL metadata, api-server, scheduler, dag-processor, triggerer, {kind}"
        )
        started = time.monotonic()
        running = st.start(s, stack_dir, executor=args.executor, port=args.port)
        print(f"    ready in {time.monotonic() - started:.0f} s")
        print(
            f"    UI and REST API: {running.base_url}/  (user {running.username}; password in {running.password_file})"
        )
        print(
            f"    metadata: database {running.metadata_db} on {running.pg_server}; broker: {running.redis_url or '-'}"
        )
        print(f"    logs: {running.log_dir}")
        if not args.foreground:
            print("    stop it with: ./run stack down", flush=True)
            return 0
        print("    Ctrl-C (or SIGTERM) stops every process this command started", flush=True)
        try:
            while not running.exited():
                time.sleep(2)
            print(f"a stack process exited: {running.exited()}\n{running.log_tail()}", flush=True)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            running.stop()
    recorded = st.load(stack_dir)
    if recorded is None:
        print(f"no stack recorded in {stack_dir}")
        return 0 if args.action == "down" else 1
    if args.action == "down":
        recorded.stop()
        print(f"stopped {', '.join(recorded.pids())}; dropped the metadata database")
        return 0
    health = recorded.health() or {}
    print(f"stack {recorded.stack_id} ({recorded.executor}): {recorded.base_url}/")
    print(f"  password file: {recorded.password_file}")
    for p in recorded.all_processes():
        print(f"  {p.name:<14} pid {p.pid:<8} {'running' if p.alive() else 'NOT RUNNING'}  log {p.log}")
    for part in ("metadatabase", "scheduler", "triggerer", "dag_processor"):
        print(f"  {part:<14} {(health.get(part) or {}).get('status', 'unknown')}")
    return 0 if all(p.alive() for p in recorded.all_processes()) else 1
