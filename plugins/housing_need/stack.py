"""The production-shaped Airflow stack, natively (no Docker): metadata on PostgreSQL, CeleryExecutor
on Redis, api-server with authentication, scheduler, dag-processor, triggerer and a Celery worker.

The same shape as docker-compose.yml. Every process runs in its own process group with its log in
``<stack_dir>/logs``; :meth:`Stack.stop` stops exactly the processes it started. Secrets (JWT,
Fernet, API secret, the admin password) are generated per stack and passed by environment or a
0600 file, never written to the repo.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .airflow_env import airflow_env
from .config import Settings

PROCESSES = {
    "api-server": ["api-server", "--host", "127.0.0.1", "--port", "{port}", "--workers", "1"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer"],
    "worker": ["celery", "worker", "--concurrency", "2"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@dataclass
class Stack:
    """A running stack; build it with :func:`start`."""

    stack_dir: Path
    base_url: str
    username: str
    password_file: Path
    metadata_uri: str
    executor: str
    env: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    created_database: tuple[str, str] | None = None  # (server uri, database) dropped on stop

    @property
    def password(self) -> str:
        return str(json.loads(self.password_file.read_text())[self.username])

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.processes.items()}

    def log_tail(self, lines: int = 30) -> str:
        out = []
        for name in self.processes:
            path = self.stack_dir / "logs" / f"{name}.log"
            text = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
            out.append(f"--- {name} ({path}) ---\n" + "\n".join(text))
        return "\n".join(out)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM each process group we started, wait, then SIGKILL what is left; drop our database."""
        for proc in self.processes.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # children (gunicorn/celery forks) too
            proc.wait()
        if self.created_database:
            import psycopg

            server, name = self.created_database
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'drop database if exists "{name}" with (force)')
            self.created_database = None


def _metadata_database(server_uri: str) -> tuple[str, str]:
    from urllib.parse import urlsplit

    import psycopg

    name = f"airflow_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_uri, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    uri = urlsplit(server_uri)._replace(path=f"/{name}").geturl()
    return uri.replace("postgresql://", "postgresql+psycopg2://", 1), name


def start(
    settings: Settings,
    stack_dir: Path,
    *,
    pg_server_uri: str,
    redis_url: str,
    executor: str = "CeleryExecutor",
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    ready_timeout: float = 180.0,
) -> Stack:
    """Migrate a fresh metadata database and start every process; returns once the API is healthy."""
    stack_dir.mkdir(parents=True, exist_ok=True)
    (stack_dir / "logs").mkdir(exist_ok=True)
    port = port or free_port()
    metadata_uri, database = _metadata_database(pg_server_uri)
    password_file = stack_dir / "simple_auth_manager_passwords.json"
    fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"admin": secrets.token_urlsafe(18)}, handle)
    env = airflow_env(settings, base={**os.environ, **(extra_env or {})})
    env.update(
        {
            "AIRFLOW_HOME": str(stack_dir / "airflow-home"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_uri,
            "AIRFLOW__CORE__EXECUTOR": executor,
            "AIRFLOW__CELERY__BROKER_URL": redis_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_uri,
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(password_file),
            "AIRFLOW__CORE__FERNET_KEY": _fernet_key(),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "false",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
        }
    )
    stack = Stack(
        stack_dir=stack_dir,
        base_url=f"http://127.0.0.1:{port}",
        username="admin",
        password_file=password_file,
        metadata_uri=metadata_uri,
        executor=executor,
        env=env,
        created_database=(pg_server_uri, database),
    )
    airflow = str(Path(sys.executable).with_name("airflow"))
    try:
        with open(stack_dir / "logs" / "db-migrate.log", "wb") as log:
            subprocess.run(
                [airflow, "db", "migrate"], env=env, stdout=log, stderr=subprocess.STDOUT, check=True
            )
        names = [n for n in PROCESSES if executor == "CeleryExecutor" or n != "worker"]
        for name in names:
            args = [a.format(port=port) for a in PROCESSES[name]]
            log = open(stack_dir / "logs" / f"{name}.log", "wb")  # noqa: SIM115 - owned by the child
            stack.processes[name] = subprocess.Popen(
                [airflow, *args], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        _wait_healthy(stack, ready_timeout)
    except BaseException:
        stack.stop()
        raise
    return stack


def _wait_healthy(stack: Stack, timeout: float) -> None:
    import requests

    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        dead = {n: p.returncode for n, p in stack.processes.items() if p.poll() is not None}
        if dead:
            raise RuntimeError(f"stack processes exited early: {dead}\n{stack.log_tail()}")
        try:
            response = requests.get(f"{stack.base_url}/api/v2/monitor/health", timeout=5)
            if response.ok:
                return
            last = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(1.0)
    raise RuntimeError(f"api-server not healthy after {timeout:.0f} s ({last})\n{stack.log_tail()}")


def token(stack: Stack) -> str:
    """A JWT for the REST API, obtained as a user would: POST /auth/token with the credentials."""
    import requests

    response = requests.post(
        f"{stack.base_url}/auth/token",
        json={"username": stack.username, "password": stack.password},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
