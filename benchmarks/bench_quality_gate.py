"""How long the raw quality gate takes: on the real 19k-row sample and on a 2M-row synthetic copy.

    .venv/bin/python benchmarks/bench_quality_gate.py [--rows 2000000]

The 2M-row table exists only for this measurement: the real sample repeated (each copy with its
own _load_id, so every expectation still passes) with DuckDB SQL in a temporary folder.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

import duckdb  # noqa: E402

from housing_need.quality import run_gate  # noqa: E402
from tests.integration.test_quality_gates import build_raw_warehouse  # noqa: E402


def synthetic_copy(sample: Path, target: Path, rows: int) -> int:
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach '{sample}' as sample (read_only)")
        (sample_rows,) = con.execute("select count(*) from sample.raw.home_office__asylum_support").fetchone()
        copies = math.ceil(rows / sample_rows)
        con.execute("create schema raw")
        con.execute(
            "create table raw.home_office__asylum_support as "
            "select t.* replace (t._load_id || ':synthetic-' || copy.i as _load_id) "
            "from sample.raw.home_office__asylum_support as t, range(?) as copy(i) limit ?",
            [copies, rows],
        )
        (count,) = con.execute("select count(*) from raw.home_office__asylum_support").fetchone()
    finally:
        con.close()
    return count


def timed_gate(label: str, warehouse: Path, work: Path) -> None:
    started = time.perf_counter()
    result = run_gate(
        "raw",
        warehouse,
        expectations_dir=ROOT / "expectations",
        gx_dir=work / "gx",
        data_docs_dir=work / "data-docs",
    )
    seconds = time.perf_counter() - started
    [outcome] = result.outcomes
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<38} {outcome.rows:>10,} rows  run_gate {seconds:6.2f} s  "
        f"(read + validate {outcome.seconds:5.2f} s, {outcome.evaluated} expectations, "
        f"passed={result.success})  peak RSS so far {peak:,.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000, help="rows in the synthetic table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        work = Path(tmp)
        sample = build_raw_warehouse(work / "sample.duckdb")
        big = work / "synthetic.duckdb"
        started = time.perf_counter()
        rows = synthetic_copy(sample, big, args.rows)
        print(f"synthetic table: {rows:,} rows built in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        import great_expectations  # noqa: F401  (what the first run_gate in a process pays)

        print(f"import great_expectations: {time.perf_counter() - started:.2f} s")
        timed_gate("sample, first run (new GX context)", sample, work)
        timed_gate("sample, second run", sample, work)
        timed_gate("synthetic", big, work)


if __name__ == "__main__":
    main()
