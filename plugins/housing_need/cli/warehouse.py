"""`housing-need status|sql|serve|backtest|hindcast`: what the published warehouse holds, queries, the site,
and the reports that score the models."""

from __future__ import annotations

import argparse

from ..config import settings
from .summary import render_status


def cmd_status(args: argparse.Namespace) -> int:
    print(render_status(settings()))
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """Run one read-only statement on the published warehouse: a table on the terminal, or CSV / JSON
    lines to standard output or ``--out``. A statement that returns nothing (``COPY ... TO``) says so; a
    bad statement prints DuckDB's message, not a traceback, and exits 1."""
    import contextlib
    import csv
    import json
    import sys
    from pathlib import Path

    import duckdb

    s = settings()
    con = duckdb.connect(str(s.warehouse_path), read_only=True)
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
            print(f"housing-need sql: {error}", file=sys.stderr)
            return 1
    finally:
        con.close()
    with contextlib.ExitStack() as stack:
        out = (
            stack.enter_context(Path(args.out).open("w", encoding="utf-8", newline=""))
            if args.out
            else sys.stdout
        )
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
    server = serve_site(s.site_dir, args.host, args.port)
    host, port = server.server_address[:2]
    print(
        f"serving {s.site_dir} on http://{host}:{port}/ (briefing/, dbt-docs/, data-docs/); Ctrl-C stops",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
