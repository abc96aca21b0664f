"""Paths and settings, read from the environment with defaults relative to the project.

Every setting has one environment variable; nothing secret has a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path


def _project_root(env: Mapping[str, str]) -> Path:
    if env.get("HOUSING_NEED_HOME"):
        return Path(env["HOUSING_NEED_HOME"]).resolve()
    # plugins/housing_need/config.py -> project root
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Where things live. Build with :func:`settings` so the environment is read once per call."""

    home: Path
    var_dir: Path
    warehouse_path: Path
    shadow_dir: Path
    archive_dir: Path
    inbox_dir: Path
    sample_dir: Path
    site_dir: Path
    runs_dir: Path
    dbt_project_dir: Path
    expectations_dir: Path
    use_sample: bool
    source_urls: Mapping[str, str]
    # Look for new releases on the publishers' pages on their calendars (default: on, unless the
    # bundled sample is used, so a fresh clone never needs the network).
    discover: bool = False
    # The day the release calendars are read for (HOUSING_NEED_TODAY, e.g. to replay a schedule);
    # None: the DAG run's logical date.
    today: date | None = None

    @property
    def dbt_docs_dir(self) -> Path:
        return self.site_dir / "dbt-docs"

    @property
    def data_docs_dir(self) -> Path:
        return self.site_dir / "data-docs"

    @property
    def node_modules_dir(self) -> Path:
        """The npm packages of package.json (installed by ``./run setup``): the site's front-end assets."""
        return self.home / "node_modules"

    def source_url_list(self, source: str) -> list[str]:
        """Publisher URLs configured for ``source``: ``HOUSING_NEED_<SOURCE>_URL``, one URL or several
        separated by white space (e.g. one Nomis bulk zip per census table)."""
        return self.source_urls.get(f"HOUSING_NEED_{source.upper()}_URL", "").split()

    def discovery_page(self, source: str) -> str | None:
        """``HOUSING_NEED_<SOURCE>_PAGE_URL``: another page to discover releases on (a mirror, or a
        local server in tests) than the one the source declares."""
        return self.source_urls.get(f"HOUSING_NEED_{source.upper()}_PAGE_URL") or None


def settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    home = _project_root(env)
    var_dir = Path(env.get("HOUSING_NEED_VAR_DIR", home / "var")).resolve()
    warehouse_path = Path(
        env.get("HOUSING_NEED_WAREHOUSE", home / "warehouse" / "housing_need.duckdb")
    ).resolve()
    use_sample = env.get("HOUSING_NEED_USE_SAMPLE", "1") not in ("0", "false", "no")
    discover = (env.get("HOUSING_NEED_DISCOVER") or ("0" if use_sample else "1")) not in ("0", "false", "no")
    today = date.fromisoformat(env["HOUSING_NEED_TODAY"]) if env.get("HOUSING_NEED_TODAY") else None
    return Settings(
        home=home,
        var_dir=var_dir,
        warehouse_path=warehouse_path,
        shadow_dir=warehouse_path.parent / ".shadow",
        archive_dir=Path(env.get("HOUSING_NEED_ARCHIVE_DIR", var_dir / "archive")).resolve(),
        inbox_dir=Path(env.get("HOUSING_NEED_INBOX_DIR", var_dir / "inbox")).resolve(),
        sample_dir=Path(env.get("HOUSING_NEED_SAMPLE_DIR", home / "data" / "sample")).resolve(),
        site_dir=var_dir / "site",
        runs_dir=var_dir / "runs",
        dbt_project_dir=home / "dbt_project",
        expectations_dir=Path(env.get("HOUSING_NEED_EXPECTATIONS_DIR", home / "expectations")).resolve(),
        use_sample=use_sample,
        source_urls={k: v for k, v in env.items() if k.startswith("HOUSING_NEED_") and k.endswith("_URL")},
        discover=discover,
        today=today,
    )
