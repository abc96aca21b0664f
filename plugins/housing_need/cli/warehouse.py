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
    import duckdb

    s = settings()
    con = duckdb.connect(str(s.warehouse_path), read_only=True)
    try:
        con.sql(args.query).show(max_rows=args.max_rows, max_width=200)
    finally:
        con.close()
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
