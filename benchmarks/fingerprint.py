"""Fingerprint a deployment's outputs, to show that a change left them as they were.

Every marts table: the sha256 of its rows, sorted, floats to 10 significant digits (DuckDB's
multi-threaded float sums differ in the last bits between runs). Every briefing page, CSV and
stylesheet: the sha256 with the build timestamp removed, whitespace collapsed and long decimals to 9
significant digits.

    .venv/bin/python benchmarks/fingerprint.py warehouse/housing_need.duckdb var/site/briefing > after.json
    .venv/bin/python benchmarks/fingerprint.py --compare before.json after.json   # exit 1 on a difference
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import duckdb


def _round(value: object) -> object:
    return float(f"{value:.10g}") if isinstance(value, float) else value


def _numbers(text: str) -> str:
    return re.sub(r"-?\d+\.\d{6,}(?:e-?\d+)?", lambda m: f"{float(m.group(0)):.9g}", text)


def tables(path: str) -> dict[str, str]:
    con = duckdb.connect(path, read_only=True)
    try:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        out = {}
        for name in names:
            rows = con.execute(f'select * from marts."{name}"').fetchall()
            text = "\n".join(sorted(repr(tuple(_round(v) for v in row)) for row in rows))
            out[f"marts.{name}"] = hashlib.sha256(text.encode()).hexdigest()
        return out
    finally:
        con.close()


def pages(root: str) -> dict[str, str]:
    base = Path(root)
    out = {}
    for path in sorted(base.rglob("*")):
        if path.suffix not in (".html", ".csv", ".css"):
            continue
        text = re.sub(r"Built \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Built X", path.read_text(encoding="utf-8"))
        text = re.sub(r">\s+<", "><", _numbers(re.sub(r"\s+", " ", text)))
        out[str(path.relative_to(base))] = hashlib.sha256(text.encode()).hexdigest()
    return out


def compare(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> int:
    differences = 0
    for kind in ("tables", "pages"):
        old, new = before[kind], after[kind]
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                differences += 1
                state = "missing" if key not in new else "new" if key not in old else "differs"
                print(f"{kind}: {key}: {state}")
        print(f"{kind}: {len(old)} before, {len(new)} after")
    print("identical" if not differences else f"{differences} differences")
    return 1 if differences else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"] and len(argv) == 3:
        before, after = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv[1:])
        return compare(before, after)
    if len(argv) == 2:
        print(json.dumps({"tables": tables(argv[0]), "pages": pages(argv[1])}, indent=0))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
