"""Time each stage of the refresh on the bundled data, outside Airflow, and print the figures.

    .venv/bin/python benchmarks/bench_refresh.py

Runs in a temporary folder (never touches var/ or warehouse/). Figures are wall-clock seconds on
this machine and the process's peak resident memory; results are kept in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="hn-bench-") as tmp:
        os.environ["HOUSING_NEED_VAR_DIR"] = str(Path(tmp) / "var")
        os.environ["HOUSING_NEED_WAREHOUSE"] = str(Path(tmp) / "warehouse" / "housing_need.duckdb")
        from housing_need import refresh
        from housing_need.config import settings
        from housing_need.pipeline.extract import extract_source
        from housing_need.sources import SOURCES

        s = settings()
        run = "bench"
        timings: list[tuple[str, float]] = []

        def step(name, fn, *args):
            started = time.perf_counter()
            value = fn(*args)
            timings.append((name, time.perf_counter() - started))
            return value

        for spec in SOURCES.values():
            step(f"extract {spec.name}", extract_source, spec, s)
        shadow = step("begin (shadow copy)", refresh.begin, s, run)
        loads = step("load raw", refresh.load_raw, s, shadow, run)
        step("raw gate (GX, incl. import)", refresh.gate, s, "raw", shadow, run)
        step("dbt build", refresh.build, s, shadow, run)
        step("marts gate (GX)", refresh.gate, s, "marts", shadow, run)
        step("dbt docs generate", refresh.docs, s, shadow, run)
        step("publish", refresh.publish_run, s, shadow, run, {"loads": loads})
        rows = sum(load["rows_in_file"] for load in loads)
        size = s.warehouse_path.stat().st_size

    width = max(len(name) for name, _ in timings)
    print(f"refresh of the bundled data: {rows} raw rows, warehouse {size / 2**20:.1f} MiB")
    for name, seconds in timings:
        print(f"  {name:<{width}}  {seconds:6.2f} s")
    print(f"  {'total':<{width}}  {sum(t for _, t in timings):6.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  peak RSS: this process {peak:.0f} MiB, largest child (dbt) {children:.0f} MiB")


if __name__ == "__main__":
    main()
