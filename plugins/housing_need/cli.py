"""`housing-need …`: run the refresh through real Airflow DAG runs, inspect and query the warehouse."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .airflow_env import airflow_env
from .config import Settings, settings
from .orchestration import FAILURE_MARKER
from .sources import SOURCES


def _airflow(s: Settings, args: Sequence[str], log_file: Path | None = None) -> int:
    exe = Path(sys.executable).with_name("airflow")
    cmd = [str(exe if exe.exists() else "airflow"), *args]
    env = airflow_env(s)
    if log_file is None:
        return subprocess.run(cmd, env=env).returncode
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "w") as handle:
        return subprocess.run(cmd, env=env, stdout=handle, stderr=subprocess.STDOUT).returncode


def ensure_airflow_db(s: Settings) -> None:
    marker = s.var_dir / "airflow" / ".migrated"
    if marker.exists():
        return
    print("==> initialising the Airflow metadata database (var/airflow)", flush=True)
    if _airflow(s, ["db", "migrate"], s.var_dir / "logs" / "airflow-db-migrate.log") != 0:
        raise SystemExit(f"airflow db migrate failed: see {s.var_dir / 'logs' / 'airflow-db-migrate.log'}")
    marker.write_text(datetime.now(UTC).isoformat())


def _dag_run_state(log_file: Path) -> str:
    """`airflow dags test` reports the final DagRun; read its state from the log."""
    text = log_file.read_text(errors="replace")
    marker = "state="
    for line in reversed(text.splitlines()):
        if "DagRun" in line and marker in line:
            return line.split(marker, 1)[1].split(",")[0].strip(" >'\"")
    return "unknown"


def run_dag(s: Settings, dag_id: str) -> bool:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    log_file = s.var_dir / "logs" / f"{stamp}-{dag_id}.log"
    print(f"==> airflow dags test {dag_id}", flush=True)
    started = time.monotonic()
    code = _airflow(s, ["dags", "test", dag_id], log_file)
    state = _dag_run_state(log_file)
    ok = code == 0 and state == "success"
    print(f"    {dag_id}: {state} in {time.monotonic() - started:.1f} s (log: {log_file})", flush=True)
    if not ok:
        for block in failure_blocks(log_file.read_text(errors="replace")):
            for line in block:
                print(f"    | {line[:500]}")
    return ok


def failure_blocks(log_text: str) -> list[list[str]]:
    """The errors our failure callback logged, minus the `abandon` task's (a consequence, not a cause)."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in log_text.splitlines():
        if current is None and FAILURE_MARKER in line:
            current = [line[line.index(FAILURE_MARKER) :]]
        elif current is not None:
            if line.startswith(f"{FAILURE_MARKER} END"):
                if "task=abandon" not in current[0]:
                    blocks.append(current)
                current = None
            else:
                current.append(line)
    return blocks


def cmd_refresh(args: argparse.Namespace) -> int:
    s = settings()
    if args.no_sample:
        os.environ["HOUSING_NEED_USE_SAMPLE"] = "0"
        s = settings()
    ensure_airflow_db(s)
    for name in SOURCES:
        if not run_dag(s, f"extract_{name}"):
            print(f"refresh stopped: extract_{name} failed; the published warehouse is unchanged.")
            return 1
    if not run_dag(s, "housing_need_refresh"):
        print("refresh failed; the published warehouse is unchanged.")
        return 1
    print()
    print(render_status(s))
    return 0


def render_status(s: Settings) -> str:
    import duckdb

    lines = ["Housing-need warehouse"]
    if not s.warehouse_path.exists():
        return "No warehouse published yet: run `housing-need refresh`."
    con = duckdb.connect(str(s.warehouse_path), read_only=True)
    try:
        lines.append(f"  warehouse:  {s.warehouse_path}")
        loads = con.execute(
            "select source, count(*), sum(rows_in_file), sum(rows_loaded), sum(rows_quarantined) "
            "from meta.loads group by source order by source"
        ).fetchall()
        lines.append("  loads (files, rows in files, loaded, quarantined):")
        for source, files, rows_in, loaded, quarantined in loads:
            lines.append(
                f"    {source}: {files} file(s), {rows_in} rows in, {loaded} loaded, {quarantined} quarantined"
            )
        marts = con.execute(
            "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts' order by 1"
        ).fetchall()
        lines.append(f"  marts ({len(marts)}):")
        for name, rows in marts:
            lines.append(f"    marts.{name} (~{rows} rows)")
        last = con.execute("select summary from meta.runs order by finished_at desc limit 1").fetchone()
    finally:
        con.close()
    if last:
        report = json.loads(last[0])
        dbt = report.get("dbt", {})
        lines.append(f"  last run:   {report.get('run_id')} finished {report.get('finished_at')}")
        lines.append(f"  dbt build:  {dbt.get('summary', '?')}")
        for key in ("raw_gate", "marts_gate"):
            g = report.get(key) or {}
            lines.append(
                f"  GX {g.get('gate', key)} gate: {g.get('suites')} suites, {g.get('expectations')} expectations passed"
            )
        lines.append(f"  dbt docs:   {report.get('dbt_docs')}")
        lines.append(f"  Data Docs:  {(report.get('marts_gate') or {}).get('data_docs')}")
        briefing = s.site_dir / "briefing" / "index.html"
        if briefing.exists():
            lines.append(f"  briefing:   {briefing}  (housing-need serve to browse everything)")
    return "\n".join(lines)


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


SITE_INDEX = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Housing-need</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto">
<h1>Housing-need warehouse</h1><ul>
<li><a href="briefing/index.html">Briefing pages</a>: regions and local authorities, charts and tables</li>
<li><a href="dbt-docs/static_index.html">dbt docs</a>: every model and column, lineage</li>
<li><a href="data-docs/index.html">Data Docs</a>: Great Expectations validation results</li>
</ul></body></html>
"""


def serve_site(site_dir: Path, host: str = "127.0.0.1", port: int = 8765):  # type: ignore[no-untyped-def]
    """An HTTP server for var/site (briefing pages, dbt docs, Data Docs); call serve_forever() on it."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "index.html").write_text(SITE_INDEX, encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    return ThreadingHTTPServer((host, port), partial(Quiet, directory=str(site_dir)))


def cmd_serve(args: argparse.Namespace) -> int:
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


def cmd_stack(args: argparse.Namespace) -> int:
    """`stack up|down|status`: Airflow in production shape on this machine (see stack.py)."""
    from . import stack as st

    s = settings()
    stack_dir = s.var_dir / "stack"
    if args.action == "up":
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
            print("    stop it with: housing-need stack down", flush=True)
            return 0
        print("    Ctrl-C stops every process this command started", flush=True)
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


def cmd_airflow(args: argparse.Namespace) -> int:
    s = settings()
    ensure_airflow_db(s)
    return _airflow(s, args.args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="housing-need", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("refresh", help="full refresh: extract DAGs then the refresh DAG (airflow dags test)")
    p.add_argument("--no-sample", action="store_true", help="do not use the bundled sample data")
    p.set_defaults(func=cmd_refresh)
    sub.add_parser("status", help="what the published warehouse holds").set_defaults(func=cmd_status)
    p = sub.add_parser("sql", help="run a read-only SQL query against the published warehouse")
    p.add_argument("query")
    p.add_argument("--max-rows", type=int, default=60)
    p.set_defaults(func=cmd_sql)
    p = sub.add_parser("serve", help="serve the briefing pages, dbt docs and Data Docs over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser(
        "stack", help="Airflow in production shape on this machine (PostgreSQL, Celery on Redis)"
    )
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--executor", choices=["CeleryExecutor", "LocalExecutor"], default="CeleryExecutor")
    p.add_argument("--port", type=int, default=8080, help="api-server port on 127.0.0.1 (up)")
    p.add_argument("--foreground", action="store_true", help="up: stay attached; Ctrl-C stops the stack")
    p.set_defaults(func=cmd_stack)
    p = sub.add_parser("airflow", help="run an airflow command with this project's environment")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_airflow)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
