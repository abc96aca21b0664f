"""How the raw quality gate scales: DuckDB's own scan of a table against the GX gate on it.

    .venv/bin/python benchmarks/bench_quality_gate.py [--rows 15000000] [--repeat 3] [--profile]

In a temporary folder (deleted afterwards) it builds the real Asy_D11 sample (19,283 rows) as a
raw warehouse, and a synthetic raw.home_office__asylum_support of --rows rows in the loader's
layout (tests/support/raw_tables.py: DuckDB SQL only, labels from the sample, one load). Then,
--repeat times, interleaved so that both see the same machine load:

  (a) scan    DuckDB alone (a child process that does not import GX): one query over the rows
              the gate validates (``where _load_id in (<the load>)``) taking min() and max() of
              each of the 14 columns the raw suite reads, so every value of every column is
              decoded once
  (b) gate    run_gate("raw", new_loads={source: [<the load>]}) on the synthetic table
  (c) sample  run_gate("raw") on the real sample, whole table

Each runs in its own child process, so each peak RSS (VmHWM) is that process's own; the times are
of the query, or of run_gate (after GX is imported, which is timed once on its own): wall time,
and CPU time (user + system, DuckDB's threads included), which other work on the machine disturbs
less. --profile lists the gate's slowest SQL statements on the synthetic table and the metrics
each computes.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

SOURCE = "home_office_asylum_support"
TABLE = "raw.home_office__asylum_support"


def _cpu_seconds() -> float:
    """User + system CPU time of this process so far (DuckDB's threads included)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------------------------
# What each child process does


def child_scan(warehouse: str, load_id: str, columns: str) -> dict[str, Any]:
    import duckdb

    read = columns.split(",")
    aggregates = ", ".join(f'min("{c}"), max("{c}")' for c in read)
    sql = f"select {aggregates} from {TABLE} where _load_id in ('{load_id}')"
    con = duckdb.connect(warehouse, read_only=True)
    cpu, started = _cpu_seconds(), time.perf_counter()
    con.execute(sql).fetchall()
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    con.close()
    return {"seconds": seconds, "cpu": cpu, "columns": len(read), "peak_mib": _peak_mib()}


def columns_read(warehouse: Path) -> list[str]:
    """The columns the raw Asy_D11 suite reads (all of them: it checks the exact column set)."""
    import duckdb

    from housing_need.quality import load_suites

    [suite] = [s for s in load_suites(ROOT / "expectations", "raw") if s.table == TABLE]
    needed = suite.columns_needed()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = [str(r[0]) for r in con.execute(f"describe {TABLE}").fetchall()]
    finally:
        con.close()
    return [c for c in columns if needed is None or c in needed]


def child_gate(warehouse: str, work: str, load_id: str | None, profile: bool) -> dict[str, Any]:
    started = time.perf_counter()
    import housing_need.quality.context  # noqa: F401  (imports GX: timed apart from the gate)

    imported = time.perf_counter() - started
    from housing_need.quality import run_gate

    statements: list[tuple[float, str]] = []
    if profile:
        import sqlalchemy as sa

        @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info["started"] = time.perf_counter()

        @sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append((time.perf_counter() - conn.info["started"], statement))

    new_loads = {SOURCE: [load_id]} if load_id else None
    cpu, started = _cpu_seconds(), time.perf_counter()
    result = run_gate(
        "raw",
        Path(warehouse),
        expectations_dir=ROOT / "expectations",
        gx_dir=Path(work) / "gx",
        data_docs_dir=Path(work) / "data-docs",
        new_loads=new_loads,
        raise_on_failure=False,
    )
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    [outcome] = [o for o in result.outcomes if o.table == TABLE]
    return {
        "seconds": seconds,
        "cpu": cpu,
        "import_seconds": imported,
        "rows": outcome.rows,
        "evaluated": outcome.evaluated,
        "passed": result.success,
        "validate_seconds": outcome.seconds,
        "peak_mib": _peak_mib(),
        "statements": [(t, _what(s)) for t, s in sorted(statements, reverse=True)[:12]],
        "statements_seconds": sum(t for t, _ in statements),
        "statement_count": len(statements),
    }


def _what(statement: str) -> str:
    """The metrics a GX statement computes (its column aliases), else its first words."""
    aliases = re.findall(r'AS "([^"]+)"', statement)
    where = " where " + m.group(1) if (m := re.search(r"WHERE (is_placeholder = \S+)", statement)) else ""
    if aliases:
        names = sorted({re.sub(r"_\d+$", "", a) for a in aliases})
        return f"{len(aliases)} metric(s): {', '.join(names)}{where}"
    return " ".join(statement.split())[:110]


def _child(kind: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"child {kind} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------------------------
# The benchmark


def build(work: Path, rows: int) -> tuple[Path, Path, str]:
    import duckdb

    from tests.integration.test_quality_gates import build_raw_warehouse
    from tests.support.raw_tables import synthesize_asylum_support

    sample = build_raw_warehouse(work / "sample.duckdb")
    synthetic = work / "synthetic.duckdb"
    started = time.perf_counter()
    con = duckdb.connect(str(synthetic))
    try:
        load = synthesize_asylum_support(con, labels_from=sample, rows=rows)
    finally:
        con.close()
    size = synthetic.stat().st_size / 2**20
    print(
        f"synthetic {load.table}: {load.rows:,} rows, one load ({load.load_id}), "
        f"built in {time.perf_counter() - started:.1f} s, {size:,.0f} MiB on disk"
    )
    return sample, synthetic, load.load_id


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=15_000_000, help="rows in the synthetic table")
    parser.add_argument("--repeat", type=int, default=3, help="measurements of each, interleaved")
    parser.add_argument("--profile", action="store_true", help="list the gate's slowest SQL statements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        work = Path(tmp)
        sample, synthetic, load_id = build(work, args.rows)
        columns = ",".join(columns_read(synthetic))
        scans, gates, samples = [], [], []
        for rep in range(1, args.repeat + 1):
            scans.append(_child("scan", str(synthetic), load_id, columns))
            gates.append(
                _child("gate", str(synthetic), str(work / "big"), load_id, str(args.profile and rep == 1))
            )
            samples.append(_child("gate", str(sample), str(work / "sample"), "", "False"))
            a, b, c = scans[-1], gates[-1], samples[-1]
            print(
                f"run {rep}: (a) scan {a['seconds']:5.2f} s (cpu {a['cpu']:5.2f} s), {a['peak_mib']:4.0f} MiB | "
                f"(b) gate {b['seconds']:5.2f} s (cpu {b['cpu']:5.2f} s), {b['peak_mib']:4.0f} MiB, {b['rows']:,} rows, "
                f"{b['evaluated']} expectations, passed={b['passed']} | "
                f"(c) sample {c['seconds']:5.2f} s, {c['peak_mib']:5.0f} MiB, {c['rows']:,} rows, passed={c['passed']} | "
                f"(b)/(a) {b['seconds'] / a['seconds']:.2f}"
            )
        a_s = statistics.median(r["seconds"] for r in scans)
        b_s = statistics.median(r["seconds"] for r in gates)
        c_s = statistics.median(r["seconds"] for r in samples)
        print(
            f"median of {args.repeat}: (a) scan of {scans[0]['columns']} columns {a_s:.2f} s | "
            f"(b) raw gate on {gates[0]['rows']:,} rows {b_s:.2f} s, peak RSS {max(r['peak_mib'] for r in gates):,.0f} MiB | "
            f"(c) raw gate on the real sample {c_s:.2f} s, peak RSS {max(r['peak_mib'] for r in samples):,.0f} MiB"
        )
        a_cpu = statistics.median(r["cpu"] for r in scans)
        b_cpu = statistics.median(r["cpu"] for r in gates)
        print(
            f"(b)/(a) = {b_s / a_s:.2f} wall time (target 3), {b_cpu / a_cpu:.2f} CPU time; "
            f"import great_expectations {gates[0]['import_seconds']:.1f} s (once per process, not in the gate's time)"
        )
        if args.profile:
            first = gates[0]
            print(
                f"gate on {first['rows']:,} rows, run 1: {first['statement_count']} SQL statements, "
                f"{first['statements_seconds']:.2f} s in DuckDB, {first['seconds'] - first['statements_seconds']:.2f} s "
                "in GX and Data Docs; slowest:"
            )
            for seconds, what in first["statements"]:
                print(f"  {seconds:6.2f} s  {what}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "scan":
            out = child_scan(*rest)
        else:
            warehouse, work_dir, load, profile = rest
            out = child_gate(warehouse, work_dir, load or None, profile == "True")
        print(json.dumps(out))
    else:
        main()
