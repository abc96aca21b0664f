"""`housing-need scenario run|list|show|diff|drop`: what-if scenarios beside the published need
estimates (docs/scenarios.md). Heavy imports happen inside the commands (cli/__init__.py)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from ..config import settings
from .parsing import add_command


def add_parser(sub: Any) -> None:
    p = add_command(
        sub,
        "scenario",
        "what-if scenarios: rebuild the need estimates with changed assumptions, beside the baseline",
        description="A scenario file (YAML; template and every key in docs/scenarios.md) overrides need "
        "parameters, migration regimes or flows, and known events. `run` builds it into its own schema "
        "scenario_<name> (var/scenarios/<name>.duckdb) from a snapshot of the published warehouse, which "
        "it never writes; `diff` sets it beside the baseline or another scenario.",
    )
    verbs = p.add_subparsers(title="scenario commands", dest="verb", metavar="VERB", required=True)
    v = add_command(verbs, "run", "check a scenario file and build it (about a minute)")
    v.add_argument("file", type=Path, help="the scenario file (YAML)")
    v.set_defaults(func=cmd_run)
    add_command(verbs, "list", "the scenarios built, with author, baseline run and overrides").set_defaults(
        func=cmd_list
    )
    v = add_command(verbs, "show", "a scenario's record: file, overrides, baseline, releases, checksums")
    v.add_argument("name", help="the scenario's name (its file's `name`)")
    v.set_defaults(func=cmd_show)
    v = add_command(
        verbs,
        "diff",
        "per LA x community: need over 5/10/15 years in both, the change, the components that moved",
    )
    v.add_argument("name", help="the scenario's name (its file's `name`)")
    v.add_argument("--against", default="baseline", help="baseline (the published marts) or another scenario")
    v.add_argument(
        "--migration-scenario",
        choices=["low", "central", "high"],
        default="central",
        help="the migration row",
    )
    v.add_argument("--limit", type=int, default=25, metavar="N", help="pairs printed, largest change first")
    v.add_argument("--csv", type=Path, metavar="FILE", help="write every pair (moved or not) to FILE")
    v.set_defaults(func=cmd_diff)
    v = add_command(
        verbs, "drop", "remove a scenario: its file, pages and BI copy (the published ones are untouched)"
    )
    v.add_argument("name", help="the scenario's name (its file's `name`)")
    v.set_defaults(func=cmd_drop)


def _fail(exc: Exception) -> int:
    print(f"scenario: {exc}", file=sys.stderr)
    return 2


def cmd_run(args: argparse.Namespace) -> int:
    import logging

    from ..errors import HousingNeedError
    from ..scenarios.build import run_scenario

    logging.basicConfig(level=logging.WARNING)
    s = settings()
    try:
        record = run_scenario(
            args.file, var_dir=s.var_dir, warehouse=s.warehouse_path, dbt_project_dir=s.dbt_project_dir
        )
    except HousingNeedError as exc:
        return _fail(exc)
    print(
        f"scenario {record.name}: built in schema {record.values['schema_name']} of {s.var_dir / 'scenarios'}"
    )
    print(f"  `{_prog()} scenario diff {record.name}` sets it beside the baseline")
    return 0


def _prog() -> str:
    from .parsing import prog

    return prog()


def cmd_list(args: argparse.Namespace) -> int:
    from ..scenarios import store

    found = store.records(settings().var_dir)
    if not found:
        print(f"no scenarios yet: `{_prog()} scenario run FILE` builds one (examples in scenarios/)")
        return 0
    for r in found:
        v = r.values
        print(
            f"{r.name}  ({v['created_at']:%Y-%m-%d %H:%M} UTC, by {v['author']}; baseline run {v['baseline_run_id']})"
        )
        print(f"  {v['description']}")
        for line in r.json("overrides"):
            print(f"    {line}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from ..errors import HousingNeedError
    from ..scenarios import store

    try:
        r = store.read_record(store.find(settings().var_dir, args.name))
    except HousingNeedError as exc:
        return _fail(exc)
    v = r.values
    for key in ("name", "schema_name", "description", "author", "file", "file_sha256", "created_at", "baseline",
                "baseline_warehouse", "baseline_run_id", "parameter_version", "base_date", "dbt_tests"):  # fmt: skip
        print(f"{key + ':':<20} {v[key]}")
    print("overrides:")
    for line in r.json("overrides"):
        print(f"  {line}")
    print("tables (checksum of their rows):")
    for table, digest in r.json("tables").items():
        print(f"  {v['schema_name']}.{table}  {digest}")
    print("input releases:")
    for source, releases in r.json("input_releases").items():
        span = releases[0] if len(releases) == 1 else f"{releases[0]} .. {releases[-1]} ({len(releases)})"
        print(f"  {source}: {span}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from ..errors import HousingNeedError
    from ..scenarios import compare

    s = settings()
    try:
        base = compare.side(s.var_dir, s.warehouse_path, args.against)
        scenario = compare.side(s.var_dir, s.warehouse_path, args.name)
        changes = compare.pair_changes(base, scenario, args.migration_scenario)
        print(compare.render(base, scenario, args.migration_scenario, changes, args.limit))
    except HousingNeedError as exc:
        return _fail(exc)
    if args.csv:
        compare.write_csv(changes, args.csv, (base.label, scenario.label))
        print(f"every pair: {args.csv}")
    return 0


def cmd_drop(args: argparse.Namespace) -> int:
    from ..errors import HousingNeedError
    from ..pipeline.lock import exclusive
    from ..publish.postgres import drop_scenario, pg_uri_from_env
    from ..scenarios import store
    from ..scenarios.pages import site_path

    var_dir = settings().var_dir
    try:
        path = store.find(var_dir, args.name)
    except HousingNeedError as exc:
        return _fail(exc)
    with exclusive(store.lock_path(var_dir, args.name)):
        path.unlink()
        shutil.rmtree(site_path(var_dir, args.name), ignore_errors=True)
        pg_uri = pg_uri_from_env()
        if pg_uri:
            drop_scenario(store.schema_of(args.name), pg_uri)
    print(json.dumps({"dropped": args.name, "file": str(path)}))
    return 0
