"""Scans for what must never leave the register loader (identifiers of the generated SYNTHETIC
registers) and for small counts in the register marts: in the DuckDB warehouse, in files, and in the
BI PostgreSQL copy. Shared by the register pipeline and the PostgreSQL publish tests."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import psycopg

from housing_need.sources.council_housing_register.read import parse_register
from tests.conftest import Project

SOURCE = "council_housing_register"
REGISTER_MARTS = (
    "mart_register_pressure_by_la_community_band",
    "mart_register_reconciliation_by_la",
    "mart_register_flows_by_la_month",
    "mart_register_eligibility_by_nationality",
)
COUNT_COLUMNS = {
    "households", "live_applications", "applications_in_snapshot", "joined", "reregistered", "housed",
    "cancelled", "refused", "housed_from_asylum_support",
}  # fmt: skip


def generated(project: Project) -> list[Path]:
    return sorted((project.var_dir / "generated" / SOURCE).glob("SYNTHETIC-register-*"))


def identifiers(project: Project, per_file: int = 40) -> set[str]:
    """Names, application and person references, full postcodes and dates of birth (as each layout
    writes them) of the generated registers: what must never leave the loader. Left out, because they
    occur by chance in ordinary text and numbers: names shorter than 8 letters (syllables such as
    'Kalo') and values of digits only (Derby's 10-digit references and yyyymmdd dates of birth turn up
    inside a longitude)."""
    found: set[str] = set()
    for path in generated(project):
        rows = parse_register(path.read_bytes(), path.name).records().head(per_file).to_dict("records")
        for row in rows:
            found |= {row["application_ref"], row["person_ref"], row["postcode"]}
            found |= {n for n in (row["forename"], row["surname"]) if len(n) >= 8}
            found.add(row["date_of_birth"].strftime("%d/%m/%Y" if path.suffix == ".csv" else "%Y%m%d"))
    return {v for v in found if v and not v.isdigit()}


def scan_files(roots: list[Path], values: set[str]) -> list[tuple[str, str]]:
    hits = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.suffix not in (".duckdb", ".wal", ".enc"):
                data = path.read_bytes()
                hits += [(str(path), v) for v in values if v.encode() in data]
    return hits


def scan_warehouse(warehouse: Path, values: set[str]) -> list[tuple[str, str]]:
    """Every text column of every stored table (views store nothing) searched for every value."""
    hits = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute(
            "select c.table_schema, c.table_name, c.column_name from information_schema.columns c "
            "join information_schema.tables t using (table_catalog, table_schema, table_name) "
            "where t.table_type = 'BASE TABLE' and c.data_type = 'VARCHAR'"
        ).fetchall()
        pattern = "|".join(re.escape(v) for v in sorted(values))
        for schema, table, column in columns:
            found = con.execute(
                f'select distinct regexp_extract("{column}", ?) from "{schema}"."{table}" '
                f'where regexp_matches("{column}", ?)',
                [pattern, pattern],
            ).fetchall()
            hits += [(f"{schema}.{table}.{column}", v) for (v,) in found]
    return hits


def small_cells(warehouse: Path) -> list[tuple[str, str, int]]:
    """Counts from 1 to 4 in any count column of a mart built from the registers."""
    hits = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in REGISTER_MARTS:
            columns = {
                c for (c,) in con.execute(f"select column_name from (describe marts.{table})").fetchall()
            }
            for column in sorted(columns & COUNT_COLUMNS):
                for (value,) in con.execute(
                    f"select {column} from marts.{table} where {column} between 1 and 4"
                ).fetchall():
                    hits.append((table, column, value))
    return hits


def scan_postgres(uri: str, values: set[str]) -> list[tuple[str, str]]:
    """Every text column of every table in the BI database's marts schema searched for every value.

    Each column's distinct values are read once and searched here: PostgreSQL's regex engine took
    minutes over an alternation of some 470 values, and the columns repeat their values heavily."""
    pattern = re.compile("|".join(re.escape(v) for v in sorted(values)))
    hits = []
    with psycopg.connect(uri) as conn:
        columns = conn.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type in ('text', 'character varying')"
        ).fetchall()
        for table, column in columns:
            found = {
                match.group(0)
                for (text,) in conn.execute(f'select distinct "{column}" from marts."{table}"')
                if text and (match := pattern.search(text))
            }
            hits += [(f"marts.{table}.{column}", v) for v in sorted(found)]
    return hits


def small_cells_postgres(uri: str) -> list[tuple[str, str, int]]:
    hits = []
    with psycopg.connect(uri) as conn:
        for table in REGISTER_MARTS:
            columns = {
                c
                for (c,) in conn.execute(
                    "select column_name from information_schema.columns where table_schema = 'marts' and table_name = %s",
                    [table],
                ).fetchall()
            }
            for column in sorted(columns & COUNT_COLUMNS):
                for (value,) in conn.execute(
                    f"select {column} from marts.{table} where {column} between 1 and 4"
                ):
                    hits.append((table, column, value))
    return hits
