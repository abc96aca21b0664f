"""Run dbt as one process per invocation (one DuckDB writer at a time) against a given warehouse file."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import HousingNeedError

log = logging.getLogger(__name__)


class DbtFailed(HousingNeedError):
    """dbt exited non-zero; the message lists the failing nodes."""


@dataclass
class DbtResult:
    command: list[str]
    statuses: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_type.items()))
        states = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        return f"dbt {self.command[0]}: {kinds} ({states})"


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    args: list[str],
    *,
    project_dir: Path,
    warehouse_path: Path | None,
    target_path: Path,
    target: str = "duckdb",
    extra_env: dict[str, str] | None = None,
) -> DbtResult:
    """Run ``dbt <args>`` in a subprocess, stream its log, and summarise run_results.json."""
    env = dict(os.environ)
    env.update(
        {
            "DBT_PROFILES_DIR": str(project_dir),
            "DBT_PROJECT_DIR": str(project_dir),
            "DBT_TARGET_PATH": str(target_path),
            "DBT_LOG_PATH": str(target_path / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "HOUSING_NEED_DBT_TARGET": target,
        }
    )
    if warehouse_path is not None:
        env["HOUSING_NEED_DBT_DUCKDB_PATH"] = str(warehouse_path)
    env.update(extra_env or {})
    command = [dbt_executable(), "--no-use-colors", *args, "--target", target]
    log.info("running %s", " ".join(command))
    proc = subprocess.run(
        command, cwd=project_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    for line in proc.stdout.splitlines():
        log.info("dbt | %s", line)
    result = DbtResult(command=args)
    run_results = target_path / "run_results.json"
    if run_results.exists():
        data = json.loads(run_results.read_text())
        for node in data.get("results", []):
            status = str(node.get("status"))
            kind = node.get("unique_id", "?").split(".")[0]
            result.statuses[status] += 1
            result.by_type[kind] += 1
            if status in ("error", "fail", "runtime error"):
                result.failures.append(f"{node.get('unique_id')}: {status}: {node.get('message')}")
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-40:])
        detail = "\n".join(result.failures) or tail
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{detail}")
    log.info(result.summary())
    return result
