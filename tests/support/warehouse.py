"""Reading a test project's published warehouse: queries and a fingerprint of what users see."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from housing_need.publish.marts import mart_tables as published_marts


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def mart_tables(warehouse: Path) -> list[str]:
    """The published marts of a warehouse file, as the pipeline itself lists them."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return published_marts(con)
    finally:
        con.close()


def marts_fingerprint(warehouse: Path, *, with_loads: bool = True) -> dict[str, str]:
    """A content hash of every published mart (and of meta.loads): equal hashes = nothing changed."""
    tables = mart_tables(warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for table in tables:
            rows = con.execute(f"select * from marts.{table} order by all").fetchall()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        if with_loads:
            loads = con.execute("select load_id, rows_loaded from meta.loads order by load_id").fetchall()
            out["meta.loads"] = hashlib.sha256(repr(loads).encode()).hexdigest()
        return out
    finally:
        con.close()
