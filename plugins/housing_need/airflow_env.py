"""Environment for running Airflow against this project (embedded default: SQLite metadata in var/airflow)."""

from __future__ import annotations

import os
from pathlib import Path

from .config import Settings


def airflow_env(s: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    home = s.var_dir / "airflow"
    env.setdefault("AIRFLOW_HOME", str(home))
    env.setdefault(
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{Path(env['AIRFLOW_HOME']) / 'airflow.db'}"
    )
    env.update(
        {
            "HOUSING_NEED_HOME": str(s.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(s.home / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(s.home / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "GX_ANALYTICS_ENABLED": "False",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    return env
