"""Run dbt as one process per invocation (one DuckDB writer at a time) against a given warehouse file.

``run_dbt`` starts ``python -m housing_need.pipeline.dbt_runner`` with dbt's environment. That child
imports dbt once, parses the project once (partial parsing from the target folder's
``partial_parse.msgpack`` when the profile is unchanged), runs the command with that manifest and,
when asked, ``dbt docs generate --static`` from the same manifest without compiling again: one dbt
start-up and one parse instead of two. Its log is streamed into ours; ``run_results.json`` of the
command is kept as ``command_results.json`` (docs generation writes its own run results).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HousingNeedError

log = logging.getLogger(__name__)

COMMAND_RESULTS = "command_results.json"


class DbtFailed(HousingNeedError):
    """dbt exited non-zero; the message lists the failing nodes."""


class DbtStateUnusable(DbtFailed):
    """dbt could not compare with the ``--state`` manifest (another artifact version, unreadable):
    nothing was built; the caller builds without ``--state``."""


STATE_UNUSABLE_EXIT = 4


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


def run_dbt(
    args: list[str],
    *,
    project_dir: Path,
    warehouse_path: Path | None,
    target_path: Path,
    target: str = "duckdb",
    extra_env: dict[str, str] | None = None,
    docs: bool = False,
) -> DbtResult:
    """Run ``dbt <args>`` (then ``docs generate --static`` if ``docs``) in one child process."""
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
    target_path.mkdir(parents=True, exist_ok=True)
    (target_path / COMMAND_RESULTS).unlink(missing_ok=True)
    command = [sys.executable, "-m", "housing_need.pipeline.dbt_runner", "--target", target]
    command += ["--docs"] if docs else []
    command += ["--", *args]
    log.info("running dbt %s%s", " ".join(args), " then docs generate" if docs else "")
    proc = subprocess.run(
        command, cwd=project_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    for line in proc.stdout.splitlines():
        log.info("dbt | %s", line)
    result = DbtResult(command=args)
    run_results = target_path / COMMAND_RESULTS
    if run_results.exists():
        data = json.loads(run_results.read_text())
        for node in data.get("results", []):
            status = str(node.get("status"))
            kind = node.get("unique_id", "?").split(".")[0]
            result.statuses[status] += 1
            result.by_type[kind] += 1
            if status in ("error", "fail", "runtime error"):
                result.failures.append(f"{node.get('unique_id')}: {status}: {node.get('message')}")
    if proc.returncode == STATE_UNUSABLE_EXIT:
        said = [ln for ln in proc.stdout.splitlines() if ln.startswith("state unusable:")]
        raise DbtStateUnusable(said[-1] if said else "dbt could not use the saved state")
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-40:])
        detail = "\n".join(result.failures) or tail
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{detail}")
    log.info(result.summary())
    return result


def _child(argv: Sequence[str]) -> int:
    """In the child: parse once, run the command, then docs from the same manifest."""
    import argparse

    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest

    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--docs", action="store_true")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    args = [a for a in options.args if a != "--"]
    target_flags = ["--target", options.target, "--no-use-colors"]
    # no manifest.json from the parse (the command writes it with its compiled SQL): one write less;
    # partial_parse.msgpack is written either way
    # --vars reach configs only when given to the parse too (a what-if scenario's, docs/scenarios.md)
    given_vars = args[args.index("--vars") : args.index("--vars") + 2] if "--vars" in args else []
    parsed = dbtRunner().invoke(["parse", "--no-write-json", *given_vars, *target_flags])
    manifest = parsed.result
    if not parsed.success or not isinstance(manifest, Manifest):
        print(f"dbt parse failed: {parsed.exception}", flush=True)
        return 2
    target = Path(os.environ["DBT_TARGET_PATH"])
    (target / "run_results.json").unlink(missing_ok=True)  # tells whether the command ran any node
    outcome = dbtRunner(manifest=manifest).invoke([*args, *target_flags])
    if (target / "run_results.json").exists():
        shutil.copy2(target / "run_results.json", target / COMMAND_RESULTS)
    if not outcome.success:
        return STATE_UNUSABLE_EXIT if _state_unusable(args, outcome.exception, target) else 1
    if options.docs:
        docs = dbtRunner(manifest=manifest).invoke(
            ["docs", "generate", "--static", "--no-compile", *target_flags]
        )
        if not docs.success:
            print(f"dbt docs generate failed: {docs.exception}", flush=True)
            return 3
    return 0


def _state_unusable(args: Sequence[str], exception: BaseException | None, target: Path) -> bool:
    """The command stopped before running any node because the ``--state`` manifest could not be
    read or compared (dbt raises while selecting, so no run results were written)."""
    if "--state" not in args or exception is None or (target / "run_results.json").exists():
        return False
    from dbt.artifacts.exceptions import IncompatibleSchemaError

    state_dir = args[args.index("--state") + 1]
    text = str(exception)
    if isinstance(exception, IncompatibleSchemaError) or state_dir in text or "comparison manifest" in text:
        print(f"state unusable: {type(exception).__name__}: {' '.join(text.split())}", flush=True)
        return True
    return False


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
