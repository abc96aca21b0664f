"""Workbook readers on the 23 MHCLG homelessness workbooks: opening each and reading only its A2*
sheets (A2, A2p, A2P, A2R, A2R_), python-calamine against pandas.read_excel.

    .venv/bin/python benchmarks/bench_workbook_readers.py [--repeat 3]

Readers, for the 8 .xlsx files and the 15 .ods files separately:

  calamine           python_calamine.CalamineWorkbook (what conventions.Workbook uses)
  pandas+odf         pandas.read_excel(engine="odf"), .ods only (needs odfpy)
  pandas+openpyxl    pandas.read_excel(engine="openpyxl"), .xlsx only
  pandas+calamine    pandas.read_excel(engine="calamine"): pandas' own overhead on the same reader
  parser             housing_need's mhclg_homelessness.parse (calamine plus the parse itself)

An engine that is not installed is skipped, and the script says so. The files are read into
memory first (no disk time), then each reader opens every file of the format from bytes, lists
its sheets and reads the A2* sheets (pandas: ``pd.ExcelFile`` then ``parse(sheet, header=None)``).

Each reader runs in its own child process (imports done before timing), so each peak is its own:
time is the best of --repeat passes over all the files; peak RSS is the process's VmHWM after the
timed passes less VmHWM after the imports (what reading added, Rust and C allocations included);
the tracemalloc peak, from one more pass under tracemalloc (not timed), counts Python
allocations only, so it misses most of calamine's memory (Rust) and none of pandas'.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import json
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

SAMPLE = ROOT / "data" / "sample" / "mhclg_homelessness"
A2_SHEET = re.compile(r"^\s*A2[PR]?_*\s*(?:-.*)?$", re.I)
READERS = ("calamine", "pandas+odf", "pandas+openpyxl", "pandas+calamine", "parser")
FORMATS = (".xlsx", ".ods")


def _hwm_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _files(suffix: str) -> list[Path]:
    return sorted(p for p in SAMPLE.iterdir() if p.suffix == suffix)


# Modules each reader needs: imported in the child before anything is measured.
_MODULES: dict[str, tuple[str, ...]] = {
    "calamine": ("python_calamine",),
    "pandas+odf": ("pandas", "odf"),
    "pandas+openpyxl": ("pandas", "openpyxl"),
    "pandas+calamine": ("pandas", "python_calamine"),
    "parser": ("python_calamine", "housing_need.sources.mhclg_homelessness"),
}
_PACKAGES = {"odf": "odfpy", "python_calamine": "python-calamine"}


def _missing(reader: str, suffix: str) -> str | None:
    """Why ``reader`` cannot read ``suffix`` files here, or None."""
    if reader == "pandas+odf" and suffix != ".ods":
        return "reads .ods only"
    if reader == "pandas+openpyxl" and suffix != ".xlsx":
        return "reads .xlsx only"
    absent = [m for m in _MODULES[reader] if importlib.util.find_spec(m.split(".")[0]) is None]
    if absent:
        return " and ".join(_PACKAGES.get(m, m) for m in absent) + " not installed"
    return None


# --------------------------------------------------------------------------------------------
# The readers: each opens one workbook from bytes and reads its A2* sheets; returns cells read.


def read_calamine(content: bytes, name: str) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_object(io.BytesIO(content))
    cells = 0
    for sheet in book.sheet_names:
        if A2_SHEET.match(sheet):
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            cells += sum(len(r) for r in rows)
    return cells


def _pandas(engine: str) -> Callable[[bytes, str], int]:
    def read(content: bytes, name: str) -> int:
        import pandas as pd

        cells = 0
        with pd.ExcelFile(io.BytesIO(content), engine=engine) as book:
            for sheet in book.sheet_names:
                if A2_SHEET.match(str(sheet)):
                    cells += int(book.parse(sheet, header=None).size)
        return cells

    return read


def read_parser(content: bytes, name: str) -> int:
    from housing_need.sources.mhclg_homelessness import parse

    return len(parse(content, name).rows)


def _reader(name: str) -> Callable[[bytes, str], int]:
    if name == "calamine":
        return read_calamine
    if name == "parser":
        return read_parser
    return _pandas(name.split("+", 1)[1])


# --------------------------------------------------------------------------------------------
# One reader on one format, in a child process


def child(reader: str, suffix: str, repeat: int) -> dict[str, Any]:
    read = _reader(reader)
    files = [(p.name, p.read_bytes()) for p in _files(suffix)]
    for module in _MODULES[reader]:
        importlib.import_module(module)
    baseline = _hwm_mib()
    times = []
    cells = 0
    for _ in range(repeat):
        started = time.perf_counter()
        cells = sum(read(content, name) for name, content in files)
        times.append(time.perf_counter() - started)
    peak_rss = _hwm_mib() - baseline
    tracemalloc.start()
    for name, content in files:
        read(content, name)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "seconds": min(times),
        "times": times,
        "files": len(files),
        "mib_in": sum(len(c) for _, c in files) / 2**20,
        "cells": cells,
        "rss_added_mib": peak_rss,
        "rss_peak_mib": _hwm_mib(),
        "traced_mib": traced,
    }


def _run_child(reader: str, suffix: str, repeat: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", reader, suffix, str(repeat)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the files (best is shown)")
    args = parser.parse_args()
    for suffix in FORMATS:
        files = _files(suffix)
        size = sum(p.stat().st_size for p in files) / 2**20
        print(
            f"\n{suffix} files: {len(files)} workbooks, {size:.1f} MiB; open + read the A2* sheets, best of {args.repeat}"
        )
        print(
            f"  {'reader':<16} {'seconds':>8} {'per file':>9} {'cells or rows':>14} "
            f"{'RSS added':>10} {'peak RSS':>9} {'tracemalloc':>12}"
        )
        for reader in READERS:
            why = _missing(reader, suffix)
            if why is not None:
                if not why.startswith("reads "):
                    print(f"  {reader:<16} skipped: {why}")
                continue
            r = _run_child(reader, suffix, args.repeat)
            if "error" in r:
                print(f"  {reader:<16} failed: {r['error']}")
                continue
            print(
                f"  {reader:<16} {r['seconds']:7.2f}s {r['seconds'] / r['files']:8.3f}s {r['cells']:>14,} "
                f"{r['rss_added_mib']:7.0f} MiB {r['rss_peak_mib']:5.0f} MiB {r['traced_mib']:8.1f} MiB"
            )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        main()
