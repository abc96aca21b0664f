"""`housing-need status|sql|serve|backtest|hindcast`: what the published warehouse holds, queries, the site,
and the reports that score the models."""

from __future__ import annotations

import argparse
from typing import Any

from ..config import settings
from .parsing import add_command

DEFAULT_PORT = 8765


# The imports inside the commands are on purpose: each command loads only what it runs, so a quick
# command (`sql "select 1"`, `--help`) stays under half a second (see cli/__init__.py).


def add_parsers(sub: Any) -> None:
    add_command(sub, "status", "what the published warehouse holds").set_defaults(func=cmd_status)
    p = add_command(
        sub,
        "sql",
        "query the published warehouse, read-only: a table, CSV or JSON lines",
        description="Run one read-only SQL statement against the published warehouse (DuckDB SQL; schemas marts, "
        "meta, audit, quarantine…): a table on the terminal, or CSV / JSON lines for a spreadsheet or a "
        "script. COPY (…) TO 'file.csv' (HEADER) writes a file itself.",
    )
    p.add_argument("query", help="the statement, quoted as one argument")
    p.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="table: for reading on the terminal (long results are cut to --max-rows); csv: with a "
        "header row; json: one JSON object a line",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write every row to FILE instead of the terminal: JSON lines with --format json, else CSV "
        "(default: the terminal)",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        default=60,
        metavar="N",
        help="rows shown by --format table on the terminal; csv, json and --out write every row",
    )
    p.set_defaults(func=cmd_sql)
    p = add_command(
        sub,
        "serve",
        "browse the briefing pages, reports, method docs, dbt docs and Data Docs over HTTP",
        description="Serve the briefing pages, the backtest and hindcast reports, the method docs, dbt docs "
        "and Data Docs over HTTP (no internet needed: nothing loads from elsewhere); Ctrl-C stops it.",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on; 0.0.0.0 lets other machines browse"
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on (0: any free port)")
    p.set_defaults(func=cmd_serve)
    p = add_command(
        sub,
        "backtest",
        "score the asylum-support projection against what happened (backtest report)",
        description="Re-run the asylum-support projection from every origin since 2016 Q1 with the data "
        "published by then and score it against what happened and against the static baseline.",
    )
    p.add_argument(
        "--out", metavar="DIR", help="folder for backtest.md and its chart (default: the site's backtest/)"
    )
    p.set_defaults(func=cmd_backtest)
    p = add_command(
        sub,
        "hindcast",
        "score the community population engine from 2011 against Census 2021 (hindcast report)",
        description="Run the community population engine from Census 2011 with what was known then and "
        "score it against Census 2021 by LA and country of birth, beside the static baseline and an oracle.",
    )
    p.add_argument("--out", metavar="DIR", help="folder for hindcast.md (default: the site's hindcast/)")
    p.set_defaults(func=cmd_hindcast)


def cmd_status(args: argparse.Namespace) -> int:
    from .summary import render_status

    print(render_status(settings()))
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """Run one read-only statement on the published warehouse: a table on the terminal, or CSV / JSON
    lines to standard output or ``--out``. A statement that returns nothing (``COPY ... TO``) says so; a
    bad statement prints DuckDB's message and hint on one line, not a traceback, and exits 1."""
    import contextlib
    import csv
    import json
    import sys
    from pathlib import Path

    import duckdb

    s = settings()
    if not s.warehouse_path.exists():
        return _sql_error(f"no warehouse published yet at {s.warehouse_path}: run ./run refresh first")
    try:
        con = duckdb.connect(str(s.warehouse_path), read_only=True)
    except duckdb.Error as error:
        return _sql_error(one_line(error))
    try:
        try:
            relation = con.sql(args.query)
            if relation is None:
                print("done: the statement returned no rows")
                return 0
            if args.format == "table" and not args.out:
                relation.show(max_rows=args.max_rows, max_width=200)
                return 0
            columns, rows = relation.columns, relation.fetchall()
        except duckdb.Error as error:
            return _sql_error(one_line(error))
    finally:
        con.close()
    with contextlib.ExitStack() as stack:
        try:
            out = (
                stack.enter_context(Path(args.out).open("w", encoding="utf-8", newline=""))
                if args.out
                else sys.stdout
            )
        except OSError as error:
            return _sql_error(f"cannot write {args.out}: {error.strerror}")
        if args.format == "json":
            for row in rows:
                out.write(json.dumps(dict(zip(columns, row, strict=True)), default=str) + "\n")
        else:  # csv (also what --out writes when no format is given)
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
    if args.out:
        print(f"wrote {len(rows)} row(s) to {args.out}")
    return 0


def one_line(error: Exception) -> str:
    """DuckDB's message and its hint ("Candidate bindings: …", "Did you mean …") on one line; the
    echo of the statement with a caret under it is left out (the message names the spot)."""
    lines = [ln.strip() for ln in str(error).splitlines()]
    kept = [ln for ln in lines if ln and not ln.startswith("LINE ") and set(ln) != {"^"}]
    text = " ".join(kept)
    if "read-only mode" in text:
        text += " (sql opens the warehouse read-only: only a refresh changes it; COPY … TO a file works)"
    return text


def _sql_error(message: str) -> int:
    import sys

    from .parsing import prog

    print(f"{prog()} sql: {message}", file=sys.stderr)
    return 1


def cmd_backtest(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..publish.backtest import write_backtest

    s = settings()
    out_dir = Path(args.out) if args.out else s.site_dir / "backtest"
    files = write_backtest(s.warehouse_path, out_dir)
    print("horizon  WAPE projection  WAPE static  ratio  P10-P90 coverage  LA-quarters")
    for h in files.report.horizons:
        print(
            f"{h.horizon:>7}  {h.wape:>15.3f}  {h.wape_static:>11.3f}  {h.ratio:>5.2f}  "
            f"{h.coverage:>16.1%}  {h.n:>11,}"
        )
    if files.move_on:
        print(
            "\nmove-on origin  LAs  WAPE model  WAPE static  ratio  rank model  rank static  P10-P90 coverage"
        )
        for m in files.move_on:
            print(
                f"{m.origin.year} Q{m.origin.quarter:<7}  {m.n:>3}  {m.wape_model:>10.3f}  {m.wape_static:>11.3f}  "
                f"{m.ratio:>5.2f}  {m.rank_model:>10.2f}  {m.rank_static:>11.2f}  {m.coverage:>16.1%}"
            )
    print(f"report: {files.markdown}\nchart:  {files.chart}")
    return 0


def cmd_hindcast(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..publish.hindcast import write_hindcast

    s = settings()
    out_dir = Path(args.out) if args.out else s.site_dir / "hindcast"
    files = write_hindcast(s.home, out_dir)
    r = files.report
    print("2011 -> 2021, LA x country of birth   WAPE   P10-P90 coverage")
    print(f"engine                                {r.model.wape:.3f}  {r.model.coverage:>16.1%}")
    print(f"static (2011 carried forward)         {r.static.wape:.3f}")
    print(f"oracle (true national growth)         {r.oracle.wape:.3f}")
    print(f"report: {files.markdown}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ..publish.site import serve_site

    s = settings()
    server = serve_site(s.site_dir, args.host, args.port, docs_dir=s.home / "docs")
    host, port = server.server_address[:2]
    print(
        f"serving {s.site_dir} and the method docs on http://{host}:{port}/ "
        "(briefing pages, reports, docs, dbt docs, Data Docs); Ctrl-C stops",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped serving", flush=True)
    finally:
        server.server_close()
    return 0
