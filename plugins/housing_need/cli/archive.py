"""`housing-need archive list|reject|restore`: recover from a bad delivery without touching files.

- ``list`` shows every archived delivery per source, with what happened to it: loaded in the
  published warehouse (rows in facts / set aside), waiting for the next refresh, rejected (by whom,
  why), and the deliveries refused at the door.
- ``reject <id> --reason …`` marks an archived delivery rejected: its bytes and the reason stay in
  the archive, the next refresh skips it, and if it was already loaded the next refresh withdraws
  its rows and rebuilds what depends on them. The run summary says so.
- ``restore <id>`` takes a rejection back; the next refresh loads the delivery again.

``<id>`` is a sha256 (8 characters or more), a load id (``<source>:<sha prefix>``) or the archive
path ``list`` prints. Neither command writes the warehouse: the next refresh does.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..config import settings
from ..errors import HousingNeedError
from .parsing import add_command

# The imports inside the commands are on purpose: each command loads only what it runs, so a quick
# command (`sql "select 1"`, `--help`) stays under half a second (see cli/__init__.py).


def _loaded(warehouse: Path) -> dict[str, tuple]:
    """sha256 -> (rows in file, loaded, quarantined, in facts, set aside) of the published loads."""
    import duckdb

    if not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select sha256, rows_in_file, rows_loaded, rows_quarantined, rows_in_facts, rows_set_aside from meta.loads"
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def cmd_list(args: argparse.Namespace) -> int:
    from ..pipeline import archive
    from ..sources import SOURCES

    if args.source and args.source not in SOURCES:
        print(f"archive list: no source {args.source!r}; the sources are {', '.join(SOURCES)}")
        return 2
    s = settings()
    loaded = _loaded(s.warehouse_path)
    for source in [args.source] if args.source else list(SOURCES):
        entries = archive.list_archived(s.archive_dir, source)
        rejected = archive.rejections(s.archive_dir, source)
        refused = [e for e in archive.events(s.archive_dir, source) if e.event == "refused"]
        print(
            f"{source}: {len(entries)} archived, {len(rejected)} rejected, {len(refused)} refused at the door"
        )
        for e in entries:
            if e.sha256 in rejected:
                r = rejected[e.sha256]
                state = f"REJECTED {r.at} by {r.by}: {r.reason}"
                if e.sha256 in loaded:
                    state += " (still in the published warehouse until the next refresh)"
            elif e.sha256 in loaded:
                rows_in, rows_loaded, quarantined, in_facts, set_aside = loaded[e.sha256]
                state = f"loaded: {rows_in} rows in, {rows_loaded} loaded, {quarantined} quarantined"
                if in_facts is not None:
                    state += f", {in_facts} in facts, {set_aside} set aside"
            else:
                state = "waiting for the next refresh"
            lock = " [encrypted]" if e.encrypted else ""
            print(f"  {e.sha256[:12]}  {e.release:<22} {e.original_name} ({e.origin}, {e.received_at}){lock}")
            print(f"      {e.path}: {state}")
        for event in refused[-args.refused :] if args.refused else []:
            print(f"  refused {event.at}: {event.name} ({event.origin}): {event.reason}")
    return 0


def _act(args: argparse.Namespace, action: str) -> int:
    """Find the archived file ``args.id`` names and reject or restore it."""
    from ..pipeline import archive
    from ..sources import SOURCES

    s = settings()
    try:
        entry = archive.find(s.archive_dir, list(SOURCES), args.id)
        if action == "reject":
            archive.reject(s.archive_dir, entry, args.reason)
        else:
            archive.restore(s.archive_dir, entry, args.reason or "")
    except HousingNeedError as exc:
        print(f"archive {action}: {exc}")
        return 1
    if action == "restore":
        print(f"restored {entry.path} ({entry.original_name}); the next refresh loads it")
    else:
        loaded = entry.sha256 in _loaded(s.warehouse_path)
        then = "withdraws its rows from the warehouse" if loaded else "skips it"
        print(f"rejected {entry.path} ({entry.original_name}): {args.reason}\nthe next refresh {then}")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    return _act(args, "reject")


def cmd_restore(args: argparse.Namespace) -> int:
    return _act(args, "restore")


def add_parser(sub: Any) -> None:
    p = add_command(
        sub,
        "archive",
        "list archived deliveries; reject or restore one (the next refresh acts on it)",
        description="Recover from a bad delivery without touching files.\n\n"
        "- list: every archived delivery per source and what happened to it: loaded (rows in facts, "
        "rows set aside), waiting for the next refresh, rejected (by whom, why); and the deliveries "
        "refused at the door.\n"
        "- reject ID --reason …: the delivery's bytes and the reason stay in the archive; the next "
        "refresh skips it, and if it was loaded, withdraws its rows and rebuilds what depends on them.\n"
        "- restore ID: takes a rejection back; the next refresh loads the delivery again.\n\n"
        "ID is a sha256 (8 characters or more), a load id (source:sha prefix) or the archive path "
        "`archive list` prints. Neither command writes the warehouse: the next refresh does.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = add_command(actions, "list", "every archived delivery and what happened to it")
    q.add_argument(
        "--source",
        metavar="SOURCE",
        help="one source's deliveries, by its name as `status` prints it (default: every source)",
    )
    q.add_argument(
        "--refused",
        type=int,
        default=10,
        metavar="N",
        help="also show the last N deliveries refused at the door (0: none)",
    )
    q.set_defaults(func=cmd_list)
    q = add_command(actions, "reject", "reject an archived delivery (kept, skipped, withdrawn if loaded)")
    q.add_argument("id", help="sha256 (8+ characters), load id or archive path, as `archive list` prints")
    q.add_argument("--reason", required=True, help="why, in words; kept in the archive with who and when")
    q.set_defaults(func=cmd_reject)
    q = add_command(actions, "restore", "take a rejection back; the next refresh loads the delivery")
    q.add_argument("id", help="sha256 (8+ characters), load id or archive path, as `archive list` prints")
    q.add_argument("--reason", default="", help="why, in words; kept in the archive (default: none given)")
    q.set_defaults(func=cmd_restore)
