"""`housing-need status|sql|serve`: what the published warehouse holds, queries, and the site."""

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
