"""`housing-need …`: run the refresh through real Airflow DAG runs, inspect and query the warehouse,
recover from bad deliveries, run the server stack."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from . import archive, generate, refresh
from .stack import cmd_stack
from .warehouse import cmd_backtest, cmd_hindcast, cmd_serve, cmd_sql, cmd_status


def cmd_airflow(args: argparse.Namespace) -> int:
    from ..config import settings
    from ..ops.airflow_env import ensure_airflow_db, run_airflow

    s = settings()
    ensure_airflow_db(s)
    return run_airflow(s, args.args)


def cmd_keys(args: argparse.Namespace) -> int:
    from ..privacy.keys import ARCHIVE_KEY, PSEUDONYMISATION_KEY, new_key

    print("# keep these out of the repository: a secrets manager, an Airflow connection or the environment")
    for spec in (ARCHIVE_KEY, PSEUDONYMISATION_KEY):
        print(f"{spec.env}={new_key()}   # or Airflow connection {spec.connection!r} (password)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="housing-need", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    refresh.add_parser(sub)
    sub.add_parser("status", help="what the published warehouse holds").set_defaults(func=cmd_status)
    p = sub.add_parser("sql", help="run a read-only SQL query against the published warehouse")
    p.add_argument("query")
    p.add_argument("--max-rows", type=int, default=60, help="rows shown in the table format")
    p.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="table on the terminal (default), CSV with a header, or JSON lines",
    )
    p.add_argument("--out", help="write the rows to this file (CSV unless --format json)")
    p.set_defaults(func=cmd_sql)
    p = sub.add_parser("serve", help="serve the briefing pages, dbt docs and Data Docs over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser(
        "backtest",
        help="re-run the asylum-support projection from every origin since 2016 Q1 with the data published "
        "by then and score it against what happened and against the static baseline",
    )
    p.add_argument("--out", help="folder for backtest.md and its chart (default: the site's backtest/)")
    p.set_defaults(func=cmd_backtest)
    p = sub.add_parser(
        "hindcast",
        help="run the community population engine from Census 2011 with what was known then and score it "
        "against Census 2021 by LA and country of birth, beside the static baseline and an oracle",
    )
    p.add_argument("--out", help="folder for hindcast.md (default: the site's hindcast/)")
    p.set_defaults(func=cmd_hindcast)
    archive.add_parser(sub)
    generate.add_parser(sub)
    p = sub.add_parser(
        "stack", help="Airflow in production shape on this machine (PostgreSQL, Celery on Redis)"
    )
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--executor", choices=["CeleryExecutor", "LocalExecutor"], default="CeleryExecutor")
    p.add_argument("--port", type=int, default=8080, help="api-server port on 127.0.0.1 (up)")
    p.add_argument("--foreground", action="store_true", help="up: stay attached; Ctrl-C stops the stack")
    p.set_defaults(func=cmd_stack)
    p = sub.add_parser("keys", help="print fresh keys for private sources (archive encryption, pseudonyms)")
    p.set_defaults(func=cmd_keys)
    p = sub.add_parser("airflow", help="run an airflow command with this project's environment")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_airflow)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
