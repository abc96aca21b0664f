"""Run several DAGs, one after the other, as real Airflow DAG runs in ONE process.

``airflow dags test <dag>`` starts Airflow afresh for every DAG (several seconds of imports and DAG
parsing each); with an extract DAG per source that cost grows with every source. This runs
``dag.test()`` (what ``airflow dags test`` calls) for each DAG in turn after importing Airflow once:
same scheduler loop, same task runner, same metadata database, same logs. It is started as a
child process by ``housing-need refresh`` with the project's Airflow environment, and writes one
JSON line per DAG run (dag id, run id, state, seconds) to ``--results``:

    python -m housing_need.ops.dag_runner --results out.jsonl [--conf DAG_ID=JSON ...] DAG_ID ...

A DAG run that fails does not stop the next one: the caller decides what a failure means (a
refused delivery fails its extract DAG, yet the refresh still runs for the other sources).

The runner leads its own process group (the caller starts it so); if the caller dies without
stopping it, it stops that group, and with it every process its DAG runs started (dbt, …).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .airflow_env import DAG_RUNNER_GRACE
from .processes import exit_with_parent


def run_dags(dag_ids: Sequence[str], confs: dict[str, dict], results: Path) -> int:
    from airflow.utils.cli import get_bagged_dag
    from airflow.utils.providers_configuration_loader import providers_configuration_loaded

    @providers_configuration_loaded
    def run_one(dag_id: str) -> dict:
        started = time.monotonic()
        try:
            dag = get_bagged_dag(bundle_names=None, dag_id=dag_id)
            run = dag.test(run_conf=confs.get(dag_id))
            state = str(getattr(run.state, "value", run.state)) if run is not None else "unknown"
            run_id = run.run_id if run is not None else None
            error = None
        except Exception as exc:  # a DAG that cannot even start: reported like a failed run
            state, run_id, error = "failed", None, f"{type(exc).__name__}: {exc}"
        return {
            "dag_id": dag_id,
            "run_id": run_id,
            "state": state,
            "seconds": round(time.monotonic() - started, 1),
            "error": error,
        }

    failed = 0
    with open(results, "a", encoding="utf-8") as out:
        for dag_id in dag_ids:
            print(f"==> DAG run {dag_id}", flush=True)
            outcome = run_one(dag_id)
            failed += outcome["state"] != "success"
            print(f"<== {dag_id}: {outcome['state']} in {outcome['seconds']} s", flush=True)
            out.write(json.dumps(outcome) + "\n")
            out.flush()
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m housing_need.ops.dag_runner", description=__doc__)
    parser.add_argument("--results", type=Path, required=True, help="JSON lines file, one per DAG run")
    parser.add_argument("--conf", action="append", default=[], help="DAG_ID=JSON run configuration")
    parser.add_argument("dag_ids", nargs="+")
    args = parser.parse_args(argv)
    exit_with_parent(grace=DAG_RUNNER_GRACE)
    confs = {}
    for item in args.conf:
        dag_id, _, text = item.partition("=")
        confs[dag_id] = json.loads(text)
    return run_dags(args.dag_ids, confs, args.results)


if __name__ == "__main__":
    sys.exit(main())
