"""Cold refresh against an incremental one, through the same entry point, in one run.

    .venv/bin/python benchmarks/bench_refresh.py

In a temporary deployment (never touches var/ or warehouse/):

1. cold: `housing-need refresh` on the bundled data, except that the Asy_D11 file is the real
   release cut at 2023 Q3 (the real rows without the 2023-12-31 quarter);
2. incremental: the real release that adds 2023 Q4 arrives in the inbox; `housing-need refresh`
   again — only the models downstream of Asy_D11 are rebuilt;
3. nothing new: `housing-need refresh` once more.

Each refresh runs real Airflow DAG runs (extract DAGs, then the refresh DAG). Printed: wall time of
each refresh, the ratio to the cold one, and the refresh DAG's step times from the run reports.
Results are kept in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASY_D11 = ROOT / "data/sample/home_office_asylum_support/asy_d11_local_authority_support_2014q1_2023q4.csv"


def refresh(env: dict[str, str]) -> tuple[float, dict]:
    exe = Path(sys.executable).with_name("housing-need")
    started = time.perf_counter()
    proc = subprocess.run([str(exe), "refresh"], env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"refresh failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
    report = json.loads((Path(env["HOUSING_NEED_VAR_DIR"]) / "runs" / "latest.json").read_text())
    return seconds, report


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="hn-bench-") as tmp:
        base = Path(tmp)
        sample = base / "sample"
        shutil.copytree(ROOT / "data/sample", sample)
        cut = sample / "home_office_asylum_support" / ASY_D11.name
        lines = ASY_D11.read_text(encoding="utf-8-sig").splitlines()
        cut.write_text(
            "\n".join(ln for ln in lines if not ln.startswith("2023-12-31")) + "\n", encoding="utf-8"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "HOUSING_NEED_"))}
        env.update(
            {
                "HOUSING_NEED_VAR_DIR": str(base / "var"),
                "HOUSING_NEED_WAREHOUSE": str(base / "warehouse" / "housing_need.duckdb"),
                "HOUSING_NEED_SAMPLE_DIR": str(sample),
            }
        )
        runs = [("cold (bundled data, Asy_D11 to 2023 Q3)", *refresh(env))]
        inbox = base / "var" / "inbox" / "home_office_asylum_support"
        inbox.mkdir(parents=True)
        shutil.copy(ASY_D11, inbox / "asy_d11_release_2023q4.csv")
        runs.append(("incremental (Asy_D11 release adding 2023 Q4)", *refresh(env)))
        runs.append(("nothing new", *refresh(env)))

    cold = runs[0][1]
    print("housing-need refresh (extract DAGs + refresh DAG, real Airflow DAG runs)")
    for name, seconds, report in runs:
        build = report.get("build") or {}
        print(f"  {name:<46} {seconds:6.1f} s  ({seconds / cold:.2f} of cold)  build: {build.get('mode')}")
    steps = [s["name"] for s in runs[0][2]["steps"]]
    print("\nrefresh DAG steps (s)")
    print(f"  {'step':<18}" + "".join(f"{n.split(' (')[0]:>14}" for n, _, _ in runs))
    for step in steps:
        cells = []
        for _, _, report in runs:
            record = next((s for s in report["steps"] if s["name"] == step), None)
            cells.append(f"{record['seconds']:>8.1f} {record['status'][:5]:<5}" if record else f"{'-':>14}")
        print(f"  {step:<18}" + "".join(cells))


if __name__ == "__main__":
    main()
