"""Paths and settings, read from the environment with defaults relative to the project.

Every setting has one environment variable; nothing secret has a default. The variables are declared
once, as a pydantic model whose field aliases are their names (:class:`Environment`): an empty
variable counts as unset, and a value of the wrong shape (``HOUSING_NEED_TODAY=yesterday``) is a
:class:`SettingsError` naming the variable. :func:`settings` turns them into :class:`Settings`
(immutable), filling in the defaults relative to the project.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

PREFIX = "HOUSING_NEED_"
FALSE = ("0", "false", "no")  # a flag is on unless it is one of these


class SettingsError(ValueError):
    """An environment variable has a value of the wrong shape; the message names the variable."""


def _unset_if_empty(value: Any) -> Any:
    return None if value == "" else value


def _flag(value: Any) -> Any:
    return None if value in (None, "") else value not in FALSE


def _iso_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) and value else _unset_if_empty(value)


OptionalPath = Annotated[Path | None, BeforeValidator(_unset_if_empty)]
Flag = Annotated[bool | None, BeforeValidator(_flag)]


class Environment(BaseModel):
    """The ``HOUSING_NEED_*`` variables :func:`settings` reads, by name (None: unset or empty)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    home: OptionalPath = Field(None, alias="HOUSING_NEED_HOME")
    var_dir: OptionalPath = Field(None, alias="HOUSING_NEED_VAR_DIR")
    warehouse: OptionalPath = Field(None, alias="HOUSING_NEED_WAREHOUSE")
    archive_dir: OptionalPath = Field(None, alias="HOUSING_NEED_ARCHIVE_DIR")
    inbox_dir: OptionalPath = Field(None, alias="HOUSING_NEED_INBOX_DIR")
    sample_dir: OptionalPath = Field(None, alias="HOUSING_NEED_SAMPLE_DIR")
    expectations_dir: OptionalPath = Field(None, alias="HOUSING_NEED_EXPECTATIONS_DIR")
    dbt_project_dir: OptionalPath = Field(None, alias="HOUSING_NEED_DBT_PROJECT_DIR")
    use_sample: Flag = Field(None, alias="HOUSING_NEED_USE_SAMPLE")  # default: on
    discover: Flag = Field(None, alias="HOUSING_NEED_DISCOVER")  # default: on unless the sample is used
    today: Annotated[date | None, BeforeValidator(_iso_date)] = Field(None, alias="HOUSING_NEED_TODAY")

    @classmethod
    def read(cls, env: Mapping[str, str]) -> Environment:
        try:
            return cls.model_validate({k: v for k, v in env.items() if k.startswith(PREFIX)})
        except ValidationError as exc:
            problems = [
                f"{'.'.join(map(str, e['loc']))}={e['input']!r}: {str(e['msg']).removeprefix('Value error, ')}"
                for e in exc.errors(include_url=False)
            ]
            raise SettingsError("; ".join(problems)) from None


class Settings(BaseModel):
    """Where things live. Build with :func:`settings` so the environment is read once per call."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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

    def discovery_page(self, source: str, page: str = "") -> str | None:
        """``HOUSING_NEED_<SOURCE>_PAGE_URL``: another page to discover releases on (a mirror, or a
        local server in tests) than the one the source declares; for a source with several pages,
        the named one's ``HOUSING_NEED_<SOURCE>_<PAGE>_PAGE_URL`` (the census's ``..._NOMIS2011_PAGE_URL``)."""
        key = f"{source}_{page}" if page else source
        return self.source_urls.get(f"HOUSING_NEED_{key.upper()}_PAGE_URL") or None


def settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    given = Environment.read(env)
    # plugins/housing_need/config.py -> project root
    home = given.home.resolve() if given.home else Path(__file__).resolve().parents[2]
    var_dir = (given.var_dir or home / "var").resolve()
    warehouse_path = (given.warehouse or home / "warehouse" / "housing_need.duckdb").resolve()
    use_sample = True if given.use_sample is None else given.use_sample
    return Settings(
        home=home,
        var_dir=var_dir,
        warehouse_path=warehouse_path,
        shadow_dir=warehouse_path.parent / ".shadow",
        archive_dir=(given.archive_dir or var_dir / "archive").resolve(),
        inbox_dir=(given.inbox_dir or var_dir / "inbox").resolve(),
        sample_dir=(given.sample_dir or home / "data" / "sample").resolve(),
        site_dir=var_dir / "site",
        runs_dir=var_dir / "runs",
        dbt_project_dir=(given.dbt_project_dir or home / "dbt_project").resolve(),
        expectations_dir=(given.expectations_dir or home / "expectations").resolve(),
        use_sample=use_sample,
        source_urls={k: v for k, v in env.items() if k.startswith(PREFIX) and k.endswith("_URL")},
        discover=not use_sample if given.discover is None else given.discover,
        today=given.today,
    )
