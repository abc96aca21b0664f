"""Settings come from the HOUSING_NEED_* environment variables (declared once, as a pydantic model),
with the defaults relative to the project; a value of the wrong shape names its variable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from housing_need.config import Settings, SettingsError, settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_defaults_are_relative_to_the_project() -> None:
    s = settings({})
    assert s.home == ROOT and s.var_dir == ROOT / "var"
    assert s.warehouse_path == ROOT / "warehouse" / "housing_need.duckdb"
    assert s.shadow_dir == ROOT / "warehouse" / ".shadow"
    assert (s.archive_dir, s.inbox_dir) == (ROOT / "var" / "archive", ROOT / "var" / "inbox")
    assert (s.sample_dir, s.expectations_dir) == (ROOT / "data" / "sample", ROOT / "expectations")
    assert (s.site_dir, s.runs_dir, s.dbt_project_dir) == (
        ROOT / "var" / "site",
        ROOT / "var" / "runs",
        ROOT / "dbt_project",
    )
    assert s.use_sample is True and s.discover is False and s.today is None and s.source_urls == {}


def test_every_variable_is_read_by_its_name(tmp_path: Path) -> None:
    env = {
        "HOUSING_NEED_HOME": str(tmp_path / "home"),
        "HOUSING_NEED_VAR_DIR": str(tmp_path / "var"),
        "HOUSING_NEED_WAREHOUSE": str(tmp_path / "wh" / "w.duckdb"),
        "HOUSING_NEED_ARCHIVE_DIR": str(tmp_path / "archive"),
        "HOUSING_NEED_INBOX_DIR": str(tmp_path / "inbox"),
        "HOUSING_NEED_SAMPLE_DIR": str(tmp_path / "sample"),
        "HOUSING_NEED_EXPECTATIONS_DIR": str(tmp_path / "expectations"),
        "HOUSING_NEED_USE_SAMPLE": "0",
        "HOUSING_NEED_TODAY": "2024-05-01",
        "HOUSING_NEED_ONS_CENSUS_URL": "http://a/1.zip http://a/2.zip",
        "HOUSING_NEED_ONS_CENSUS_PAGE_URL": "http://mirror/",
        "HOUSING_NEED_ONS_CENSUS_NOMIS2011_PAGE_URL": "http://mirror/2011",
        "PATH": "/usr/bin",
    }
    s = settings(env)
    assert s.home == tmp_path / "home" and s.dbt_project_dir == tmp_path / "home" / "dbt_project"
    assert s.var_dir == tmp_path / "var" and s.site_dir == tmp_path / "var" / "site"
    assert s.warehouse_path == tmp_path / "wh" / "w.duckdb" and s.shadow_dir == tmp_path / "wh" / ".shadow"
    assert [s.archive_dir, s.inbox_dir, s.sample_dir, s.expectations_dir] == [
        tmp_path / name for name in ("archive", "inbox", "sample", "expectations")
    ]
    assert s.use_sample is False and s.discover is True  # discovery defaults on without the sample
    assert s.today == date(2024, 5, 1)
    moved = settings({**env, "HOUSING_NEED_DBT_PROJECT_DIR": str(tmp_path / "dbt")})
    assert moved.dbt_project_dir == tmp_path / "dbt"
    assert s.source_url_list("ons_census") == ["http://a/1.zip", "http://a/2.zip"]
    assert (
        s.discovery_page("ons_census") == "http://mirror/" and s.discovery_page("mhclg_homelessness") is None
    )
    # a source's other pages, by name (the census's 2011 pages)
    assert s.discovery_page("ons_census", "nomis2011") == "http://mirror/2011"
    assert s.discovery_page("ons_census", "ons2011") is None


@pytest.mark.parametrize(
    ("use_sample", "discover", "expected"),
    [
        ("", "", (True, False)),
        ("1", "", (True, False)),
        ("no", "", (False, True)),
        ("false", "1", (False, True)),
        ("1", "yes", (True, True)),
        ("0", "0", (False, False)),
        ("False", "", (True, False)),  # only 0, false and no turn a flag off
    ],
)
def test_flags(use_sample: str, discover: str, expected: tuple[bool, bool]) -> None:
    s = settings({"HOUSING_NEED_USE_SAMPLE": use_sample, "HOUSING_NEED_DISCOVER": discover})
    assert (s.use_sample, s.discover) == expected


def test_a_malformed_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"HOUSING_NEED_TODAY='yesterday': Invalid isoformat string"):
        settings({"HOUSING_NEED_TODAY": "yesterday"})


def test_settings_are_immutable_and_declare_every_field() -> None:
    s = settings({})
    with pytest.raises(ValidationError, match="frozen"):
        s.use_sample = False  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        Settings(**{**s.model_dump(), "unknown": 1})
