"""Every speed figure of the project, side by side in one run, against its target.

    .venv/bin/python benchmarks/bench_all.py [--skip national] [--skip suite] [--months 12] [--keep DIR]
        [--memory-limit 1GB]

Runs, one after the other on this machine (run it when nothing else does):

1. the bundled refresh: cold, incremental (one new Asy_D11 quarter), nothing new, and the CLI's
   start-up on the published deployment (`bench_refresh.py`);
2. the national council registers: generate, cold refresh, one DuckDB scan of the same files, then
   one new month of every council (`bench_national_registers.py`, about 25 minutes);
3. the test suite, `./run test` as CI runs it, with its 25 slowest tests.

Prints each benchmark's own table, then one table of every figure with its ratio, its target and
whether it is met. The output goes into benchmarks/RESULTS.md with the date and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

import measure
from bench_national_registers import national, print_national
from bench_refresh import bundled, print_bundled
from measure import ROOT, run


def suite() -> dict:
    """`./run test` as CI runs it: wall time, the pytest summary line and the 25 slowest tests."""
    phase = run([str(ROOT / "run"), "test"], check=False)
    lines = phase.stdout.splitlines()
    start = next((i for i, ln in enumerate(lines) if "slowest 25 durations" in ln), None)
    slowest = (
        [ln for ln in lines[start + 1 : start + 26] if re.match(r"^\d", ln)] if start is not None else []
    )
    summary = next((ln.strip("= ") for ln in reversed(lines) if re.search(r"\d+ (passed|failed)", ln)), "?")
    return {"seconds": phase.seconds, "summary": summary, "slowest": slowest}


def _row(figure: str, measured: str, target: str, met: bool | None) -> str:
    verdict = "-" if met is None else ("met" if met else "NOT MET")
    return f"| {figure} | {measured} | {target} | {verdict} |"


def targets(b: dict | None, n: dict | None, s: dict | None) -> list[str]:
    rows = ["| figure | measured | target | |", "|---|---|---|---|"]
    if b:
        cold = b["cold"]["seconds"]
        peak = max(b[r]["peak_mib"] for r in ("cold", "incremental", "nothing new"))
        inc, none = b["incremental"]["seconds"] / cold, b["nothing new"]["seconds"] / cold
        sql, status = b["cli"]['./run sql "select 1"'], b["cli"]["./run status"]
        rows += [
            _row("bundled cold refresh, after set-up", f"{cold:.1f} s", "<= 60 s", cold <= 60),
            _row(
                "bundled peak RSS (process tree, summed)",
                f"{peak / 1024:.2f} GiB",
                "<= 1.5 GiB",
                peak <= 1536,
            ),
            _row("incremental (one new Asy_D11 quarter) / cold", f"{inc:.2f}", "<= 0.33", inc <= 0.33),
            _row("nothing new / cold", f"{none:.2f}", "<= 0.10", none <= 0.10),
            _row('`./run sql "select 1"`', f"{sql:.2f} s", "<= 0.5 s", sql <= 0.5),
            _row("`./run status`", f"{status:.2f} s", "<= 1 s", status <= 1),
        ]
    if n:
        p = n["phases"]
        cold, peak = p["cold refresh"].seconds, p["cold refresh"].peak_mib
        scan, inc = cold / p["DuckDB scan"].seconds, p["incremental"].seconds / cold
        rows += [
            _row(
                f"national registers ({n['rows'] / 1e6:.1f}M rows) + all sources, cold",
                f"{cold / 60:.1f} min, {peak / 1024:.2f} GiB",
                "< 8 min, < 3 GiB",
                cold < 480 and peak < 3072,
            ),
            _row(
                "national cold refresh / one DuckDB scan of the files", f"{scan:.1f}x", "<= 15x", scan <= 15
            ),
            _row(
                "national incremental (one new month) / national cold", f"{inc:.2f}", "<= 0.15", inc <= 0.15
            ),
        ]
    if s:
        minutes = s["seconds"] / 60
        rows.append(
            _row(
                "`./run test` on this machine",
                f"{minutes:.1f} min ({s['summary']})",
                "<= 20 min",
                minutes <= 20,
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip", action="append", choices=["bundled", "national", "suite"], default=[])
    parser.add_argument("--months", type=int, default=12, help="national register months (default: 12)")
    parser.add_argument("--keep", type=Path, help="keep the national deployment in this folder")
    parser.add_argument("--memory-limit", help="the national runs' HOUSING_NEED_DUCKDB_MEMORY_LIMIT")
    args = parser.parse_args()
    print(
        f"bench_all: {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}\n"
    )
    b = n = s = None
    if "bundled" not in args.skip:
        b = bundled()
        print_bundled(b)
        print()
    if "national" not in args.skip:
        n = national(args.months, args.keep, args.memory_limit)
        print_national(n)
        print()
    if "suite" not in args.skip:
        s = suite()
        print(f"test suite (./run test): {s['seconds'] / 60:.1f} min, {s['summary']}; slowest 25:")
        print("\n".join(f"  {ln}" for ln in s["slowest"]))
        print()
    print("\n".join(targets(b, n, s)))


if __name__ == "__main__":
    measure.main(main)
