"""Cold refresh against an incremental one and one with nothing new, through the same entry point.

    .venv/bin/python benchmarks/bench_refresh.py

In a temporary deployment (never touches var/ or warehouse/):

1. cold: `housing-need refresh` on the bundled data, except that the Asy_D11 file is the real
   release cut at 2023 Q3 (the real rows without the 2023-12-31 quarter);
2. incremental: the real release that adds 2023 Q4 arrives in the inbox; `housing-need refresh`
   again — only that source's extract DAG runs, and only the models downstream of Asy_D11 are rebuilt;
3. nothing new: `housing-need refresh` once more.

Each refresh is the same entry point as `./run refresh` (real Airflow DAG runs where anything is
new). Printed: wall time and peak RSS (process tree, summed) of each refresh, the ratio to the cold
one, and the refresh DAG's step times from the run reports. `bench_all.py` runs this with the other
benchmarks; results are kept in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import measure
from measure import EXE, ROOT, deployment_env, median_seconds, run, step_table

ASY_D11 = ROOT / "data/sample/home_office_asylum_support/asy_d11_local_authority_support_2014q1_2023q4.csv"
RUNS = ("cold", "incremental", "nothing new")


def bundled() -> dict[str, dict]:
    """Per run: seconds, peak MiB, and the refresh DAG's report (None when no DAG run started)."""
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="hn-bench-") as tmp:
        base = Path(tmp)
        sample = base / "sample"
        shutil.copytree(ROOT / "data/sample", sample)
        cut = sample / "home_office_asylum_support" / ASY_D11.name
        lines = ASY_D11.read_text(encoding="utf-8-sig").splitlines()
        cut.write_text(
            "\n".join(ln for ln in lines if not ln.startswith("2023-12-31")) + "\n", encoding="utf-8"
        )
        env = deployment_env(base, HOUSING_NEED_SAMPLE_DIR=str(sample))
        latest = base / "var" / "runs" / "latest.json"
        for name in RUNS:
            if name == "incremental":
                inbox = base / "var" / "inbox" / "home_office_asylum_support"
                inbox.mkdir(parents=True)
                shutil.copy(ASY_D11, inbox / "asy_d11_release_2023q4.csv")
            before = latest.stat().st_mtime_ns if latest.exists() else None
            phase = run([EXE, "refresh"], env)
            ran = latest.exists() and latest.stat().st_mtime_ns != before
            report = json.loads(latest.read_text()) if ran else None
            out[name] = {"seconds": phase.seconds, "peak_mib": phase.peak_mib, "report": report}
        # the CLI's start-up, on this published deployment: median of 5 after a warm-up, through ./run
        out["cli"] = {
            what: median_seconds([str(ROOT / "run"), *args], env)
            for what, args in (('./run sql "select 1"', ["sql", "select 1"]), ("./run status", ["status"]))
        }
    return out


def print_bundled(runs: dict[str, dict]) -> None:
    cold = runs["cold"]["seconds"]
    print("bundled refresh (housing-need refresh, the entry point of ./run refresh)")
    for name in RUNS:
        r = runs[name]
        build = (r["report"] or {}).get("build") or {"mode": "none (no DAG run started)"}
        print(
            f"  {name:<12} {r['seconds']:6.1f} s  {r['seconds'] / cold:5.2f} of cold  "
            f"peak RSS {r['peak_mib']:6.0f} MiB  build: {build['mode']}"
        )
    for what, seconds in runs["cli"].items():
        print(f"  {what:<22} {seconds:6.2f} s  (median of 5, warm)")
    reports = {name: runs[name]["report"] for name in RUNS if runs[name]["report"]}
    print()
    print("\n".join(step_table(reports)))


if __name__ == "__main__":
    measure.main(lambda: print_bundled(bundled()))
