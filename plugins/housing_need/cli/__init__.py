"""`housing-need …`: run the refresh through real Airflow DAG runs, inspect and query the warehouse,
recover from bad deliveries, run the server stack. `COMMAND --help` explains each command's options.

Ctrl-C, SIGTERM or SIGHUP stop a command and everything it started; it says what state it left.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

# Parser definitions only: each command imports what it needs when it runs, so a quick command
# (`sql "select 1"`, `--help`) does not pay for Airflow, pandas, dbt or Great Expectations.
from . import archive, generate, refresh, scenario, stack, warehouse
from .parsing import Parser, add_command, prog


def cmd_airflow(args: argparse.Namespace) -> int:
    from ..config import settings
    from ..ops.airflow_env import ensure_airflow_db, exec_airflow

    s = settings()
    ensure_airflow_db(s)
    exec_airflow(s, args.args)
    return 0  # not reached: this process became airflow


def cmd_keys(args: argparse.Namespace) -> int:
    from ..privacy.keys import ARCHIVE_KEY, PSEUDONYMISATION_KEY, new_key

    print("# keep these out of the repository: a secrets manager, an Airflow connection or the environment")
    for spec in (ARCHIVE_KEY, PSEUDONYMISATION_KEY):
        print(f"{spec.env}={new_key()}   # or Airflow connection {spec.connection!r} (password)")
    return 0


def build_parser() -> Parser:
    parser = Parser(
        prog=prog(),
        description="The housing-need warehouse: refresh it from every source through real Airflow DAG "
        "runs, see what it holds, query it, browse its pages and reports, recover from a bad delivery, "
        "run the Airflow server stack. `COMMAND --help` explains a command and each option, with its "
        "default. Ctrl-C or SIGTERM stops a command and everything it started.",
    )
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    refresh.add_parser(sub)
    warehouse.add_parsers(sub)
    archive.add_parser(sub)
    generate.add_parser(sub)
    scenario.add_parser(sub)
    stack.add_parser(sub)
    p = add_command(sub, "keys", "print fresh keys for private sources (archive encryption, pseudonyms)")
    p.set_defaults(func=cmd_keys)
    p = add_command(sub, "airflow", "run an airflow command with this project's environment")
    p.add_argument("args", nargs=argparse.REMAINDER, help="the airflow command and its arguments")
    p.set_defaults(func=cmd_airflow)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # `./run` or `housing-need` alone: what there is to do
        parser.print_help()
        return 0
    from ..ops.processes import stop_on_signals, stop_signal

    with stop_on_signals():
        try:
            return int(args.func(args))
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM/SIGHUP (Stopped)
            signum = stop_signal(stop)
            print(
                f"{prog()} {args.command}: stopped ({signal.Signals(signum).name}); "
                "every process it started has ended",
                file=sys.stderr,
                flush=True,
            )
            return 128 + signum


if __name__ == "__main__":
    raise SystemExit(main())
