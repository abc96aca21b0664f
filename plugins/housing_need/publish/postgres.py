"""Publish the marts (and only the marts) from the published DuckDB warehouse to PostgreSQL.

Fast: Arrow record batches from DuckDB are bulk-ingested with the ADBC PostgreSQL driver (COPY
under the hood), never row by row. Atomic: every table is ingested into a fresh staging schema,
then one transaction swaps them into ``marts``; readers see the old set or the new set, and a
publish that fails or is killed leaves the old set (its staging schema is dropped next time).

Described: every table and column comment of the DuckDB marts (dbt's descriptions, written there by
``persist_docs``) is set on the staged copy, so BI tools reading PostgreSQL show them too.

The ``marts`` schema itself is kept across publishes because the ``bi_reader`` role's grants hang
on it. ``bi_reader`` may read ``marts`` and nothing else.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import duckdb

from ..errors import PublishError
from .marts import mart_tables

log = logging.getLogger(__name__)

BI_ROLE = "bi_reader"
STAGING_PREFIX = "marts_incoming_"
META_SCHEMA = "meta_publish"

# DuckDB types that PostgreSQL has no direct Arrow mapping for are cast on the way out.
_CASTS = {"HUGEINT": "BIGINT", "UBIGINT": "BIGINT", "UINTEGER": "BIGINT", "USMALLINT": "INTEGER"}


@dataclass
class PublishSummary:
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows
    seconds: float = 0.0

    def line(self) -> str:
        rows = sum(self.tables.values())
        return f"published {len(self.tables)} marts ({rows} rows) to PostgreSQL in {self.seconds:.1f} s"


def pg_uri_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """The BI database URI: ``HOUSING_NEED_PG_URI``, or the parts dbt's ``postgres`` target reads
    (``HOUSING_NEED_PG_HOST/PORT/USER/DATABASE`` + ``DBT_ENV_SECRET_PG_PASSWORD``). None = disabled."""
    env = os.environ if env is None else env
    if env.get("HOUSING_NEED_PG_URI"):
        return env["HOUSING_NEED_PG_URI"]
    host = env.get("HOUSING_NEED_PG_HOST")
    if not host:
        return None
    user = quote(env.get("HOUSING_NEED_PG_USER", "postgres"), safe="")
    password = env.get("DBT_ENV_SECRET_PG_PASSWORD", "")
    auth = f"{user}:{quote(password, safe='')}" if password else user
    port = env.get("HOUSING_NEED_PG_PORT", "5432")
    database = env.get("HOUSING_NEED_PG_DATABASE", "housing_need")
    return f"postgresql://{auth}@{host}:{port}/{database}"


def redact(uri: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", uri)


def _ident(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise PublishError(f"refusing to publish a table with an unusual name: {name!r}")
    return f'"{name}"'


def _connect(pg_uri: str):  # type: ignore[no-untyped-def]
    import adbc_driver_postgresql.dbapi as pg

    try:
        return pg.connect(pg_uri)
    except Exception as exc:  # the driver's errors carry the URI; never show the password
        raise PublishError(f"cannot connect to PostgreSQL at {redact(pg_uri)}: {type(exc).__name__}") from exc


def ensure_roles(pg_uri: str) -> None:
    """Create the ``marts`` schema and the read-only ``bi_reader`` role (idempotent)."""
    reader_password = os.environ.get("HOUSING_NEED_BI_READER_PASSWORD")
    with _connect(pg_uri) as conn, conn.cursor() as cur:
        cur.execute("create schema if not exists marts")
        cur.execute(f"create schema if not exists {META_SCHEMA}")
        cur.execute(
            f"""do $$ begin
                  if not exists (select from pg_roles where rolname = '{BI_ROLE}') then
                    create role {BI_ROLE} nologin;
                  end if;
                end $$"""
        )
        if reader_password:
            cur.execute(
                f"alter role {BI_ROLE} login password '{reader_password.replace(chr(39), chr(39) * 2)}'"
            )
        cur.execute(f"alter role {BI_ROLE} set default_transaction_read_only = on")
        cur.execute(f"grant usage on schema marts to {BI_ROLE}")
        cur.execute(f"revoke all on schema {META_SCHEMA} from {BI_ROLE}")
        cur.execute("revoke create on schema public from public")
        conn.commit()


def _export_query(con: duckdb.DuckDBPyConnection, table: str, schema: str = "marts") -> str:
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    select = []
    for name, kind in columns:
        target = _CASTS.get(kind) or ("DOUBLE" if kind.startswith("DECIMAL") else None)
        select.append(f'cast("{name}" as {target}) as "{name}"' if target else f'"{name}"')
    return f"select {', '.join(select)} from {_ident(schema)}.{_ident(table)}"


def _literal(text: str) -> str:
    """A PostgreSQL string literal (standard_conforming_strings: only quotes are doubled). COMMENT ON
    takes no bind parameters."""
    return "'" + text.replace("'", "''") + "'"


def comment_statements(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """``COMMENT ON`` statements giving ``schema.table`` in PostgreSQL the comments that
    ``marts.table`` and its columns have in DuckDB (none for an empty or missing comment)."""
    found = con.execute(
        "select comment from duckdb_tables() where schema_name = 'marts' and table_name = ? "
        "and database_name = current_database()",
        [table],
    ).fetchone()
    target = f'"{schema}".{_ident(table)}'
    statements = [f"comment on table {target} is {_literal(found[0])}"] if found and found[0] else []
    for column, comment in con.execute(
        "select column_name, comment from duckdb_columns() where schema_name = 'marts' and table_name = ? "
        "and database_name = current_database() and coalesce(comment, '') <> '' order by column_index",
        [table],
    ).fetchall():
        statements.append(
            f'comment on column {target}."{column.replace(chr(34), chr(34) * 2)}" is {_literal(comment)}'
        )
    return statements


def publish_marts(duckdb_path: Path, pg_uri: str, *, run_id: str) -> PublishSummary:
    """Copy every table of ``marts`` in the DuckDB file to PostgreSQL ``marts``, atomically."""
    started = time.monotonic()
    staging = STAGING_PREFIX + re.sub(r"[^a-z0-9]+", "_", run_id.lower())[:40].strip("_")
    ensure_roles(pg_uri)
    summary = PublishSummary()
    duck = duckdb.connect(str(duckdb_path), read_only=True)
    duck.execute("set enable_progress_bar = false")
    try:
        tables = mart_tables(duck)
        if not tables:
            raise PublishError(f"{duckdb_path} has no tables in schema marts: nothing to publish")
        with _connect(pg_uri) as conn, conn.cursor() as cur:
            cur.execute(f"select nspname from pg_namespace where nspname like '{STAGING_PREFIX}%'")
            for (stale,) in cur.fetchall():
                log.info("dropping staging schema left by an earlier publish: %s", stale)
                cur.execute(f'drop schema "{stale}" cascade')
            cur.execute(f'create schema "{staging}"')
            conn.commit()
            for table in tables:
                reader = duck.execute(_export_query(duck, table)).to_arrow_reader()
                summary.tables[table] = cur.adbc_ingest(table, reader, mode="create", db_schema_name=staging)
                for statement in comment_statements(duck, staging, table):
                    cur.execute(statement)
                log.info("ingested marts.%s: %d rows", table, summary.tables[table])
            conn.commit()
            _swap(cur, staging, tables, run_id)
            conn.commit()
    finally:
        duck.close()
    summary.seconds = time.monotonic() - started
    log.info(summary.line())
    return summary


def _swap(cur, staging: str, tables: list[str], run_id: str) -> None:  # type: ignore[no-untyped-def]
    """One transaction: replace marts.* by the staged tables; readers see old or new, never both."""
    cur.execute("set local lock_timeout = '60s'")
    cur.execute("select tablename from pg_tables where schemaname = 'marts'")
    existing = {r[0] for r in cur.fetchall()}
    for table in tables:
        cur.execute(f"drop table if exists marts.{_ident(table)} cascade")
        cur.execute(f'alter table "{staging}".{_ident(table)} set schema marts')
        cur.execute(f"grant select on marts.{_ident(table)} to {BI_ROLE}")
    for gone in sorted(existing - set(tables)):
        cur.execute(f"drop table marts.{_ident(gone)} cascade")
    cur.execute(f'drop schema "{staging}"')
    cur.execute(
        f"create table if not exists {META_SCHEMA}.runs "
        "(run_id text primary key, published_at timestamptz not null, tables text not null)"
    )
    cur.execute(
        f"insert into {META_SCHEMA}.runs values ('{run_id.replace(chr(39), '')}', now(), '{','.join(tables)}') "
        "on conflict (run_id) do update set published_at = excluded.published_at, tables = excluded.tables"
    )


def last_published_run(pg_uri: str) -> str | None:
    """The run id of the marts the BI database holds (None when nothing was published there)."""
    with _connect(pg_uri) as conn, conn.cursor() as cur:
        cur.execute(f"select to_regclass('{META_SCHEMA}.runs') is not null")
        row = cur.fetchone()
        if not row or not row[0]:
            return None
        cur.execute(f"select run_id from {META_SCHEMA}.runs order by published_at desc limit 1")
        found = cur.fetchone()
        return str(found[0]) if found else None


# What-if scenarios (docs/scenarios.md): each in its own schema scenario_<name>, and the catalogue
# scenarios.scenarios (one row a scenario: file, author, created time, checksums, baseline run), both
# readable by bi_reader. The baseline's marts are never touched.
CATALOGUE_SCHEMA = "scenarios"


def publish_scenario(duckdb_path: Path, schema: str, pg_uri: str) -> PublishSummary:
    """Copy every table of ``schema`` in a scenario's DuckDB file to PostgreSQL ``schema`` and its
    record into the catalogue: staged, then swapped in one transaction (readers see the old scenario
    or the new one)."""
    if not re.fullmatch(r"scenario_[a-z][a-z0-9_]*", schema):
        raise PublishError(f"refusing to publish {schema!r}: not a scenario schema")
    started = time.monotonic()
    staging = f"{schema}_incoming"
    ensure_roles(pg_uri)
    summary = PublishSummary()
    duck = duckdb.connect(str(duckdb_path), read_only=True)
    duck.execute("set enable_progress_bar = false")
    try:
        tables = [t for (t,) in duck.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [schema]
        ).fetchall()]  # fmt: skip
        with _connect(pg_uri) as conn, conn.cursor() as cur:
            cur.execute(f"drop schema if exists {_ident(staging)} cascade")
            cur.execute(f"create schema {_ident(staging)}")
            conn.commit()
            for table in tables:
                reader = duck.execute(_export_query(duck, table, schema)).to_arrow_reader()
                summary.tables[table] = cur.adbc_ingest(table, reader, mode="create", db_schema_name=staging)
            conn.commit()
            cur.execute("set local lock_timeout = '60s'")
            cur.execute(f"drop schema if exists {_ident(schema)} cascade")
            cur.execute(f"alter schema {_ident(staging)} rename to {_ident(schema)}")
            cur.execute(f"grant usage on schema {_ident(schema)} to {BI_ROLE}")
            cur.execute(f"grant select on all tables in schema {_ident(schema)} to {BI_ROLE}")
            cur.execute(f"create schema if not exists {CATALOGUE_SCHEMA}")
            cur.execute(
                f"create table if not exists {CATALOGUE_SCHEMA}.scenarios as "
                f"select * from {_ident(schema)}.scenarios with no data"
            )
            cur.execute(f"delete from {CATALOGUE_SCHEMA}.scenarios where schema_name = '{schema}'")
            cur.execute(f"insert into {CATALOGUE_SCHEMA}.scenarios select * from {_ident(schema)}.scenarios")
            cur.execute(f"grant usage on schema {CATALOGUE_SCHEMA} to {BI_ROLE}")
            cur.execute(f"grant select on {CATALOGUE_SCHEMA}.scenarios to {BI_ROLE}")
            conn.commit()
    finally:
        duck.close()
    summary.seconds = time.monotonic() - started
    return summary


def drop_scenario(schema: str, pg_uri: str) -> None:
    """Remove a scenario's schema and catalogue row from PostgreSQL (nothing else)."""
    if not re.fullmatch(r"scenario_[a-z][a-z0-9_]*", schema):
        raise PublishError(f"refusing to drop {schema!r}: not a scenario schema")
    with _connect(pg_uri) as conn, conn.cursor() as cur:
        cur.execute(f"drop schema if exists {_ident(schema)} cascade")
        cur.execute(f"select to_regclass('{CATALOGUE_SCHEMA}.scenarios') is not null")
        row = cur.fetchone()
        if row and row[0]:
            cur.execute(f"delete from {CATALOGUE_SCHEMA}.scenarios where schema_name = '{schema}'")
        conn.commit()
