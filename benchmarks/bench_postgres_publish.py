"""Rows per second publishing marts from DuckDB to PostgreSQL (ADBC bulk ingest + atomic swap).

    .venv/bin/python benchmarks/bench_postgres_publish.py [postgresql://postgres@127.0.0.1:5432/postgres]

Publishes (1) the marts of a warehouse built from the bundled data, if one exists at
HOUSING_NEED_WAREHOUSE or warehouse/housing_need.duckdb, and (2) a synthetic 5,000,000-row mart
(DuckDB range(), made only for this measurement), each into a throwaway database that is dropped.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import psycopg

from housing_need.config import settings
from housing_need.publish.postgres import publish_marts


def measure(label: str, warehouse: Path, server: str) -> None:
    name = f"hn_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        uri = urlsplit(server)._replace(path=f"/{name}").geturl()
        summary = publish_marts(warehouse, uri, run_id="bench")
        rows = sum(summary.tables.values())
        print(
            f"{label:<34} {rows:>10,} rows  {summary.seconds:6.2f} s  {rows / summary.seconds:>12,.0f} rows/s"
        )
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'drop database "{name}" with (force)')


def main() -> None:
    server = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/postgres"
    real = settings().warehouse_path
    if real.exists():
        measure("bundled marts (real data)", real, server)
    else:
        print(f"no warehouse at {real}: run ./run refresh first for the real-data figure")
    with tempfile.TemporaryDirectory() as tmp:
        synthetic = Path(tmp) / "synthetic.duckdb"
        with duckdb.connect(str(synthetic)) as con:
            con.execute("create schema marts")
            con.execute(
                "create table marts.synthetic_5m as select range as id, range % 361 as la, "
                "(range % 997)::bigint as people, range / 7.0 as rate, 'E0' || (range % 9999999)::varchar as code "
                "from range(5000000)"
            )
        measure("synthetic 5M rows x 5 columns", synthetic, server)


if __name__ == "__main__":
    main()
