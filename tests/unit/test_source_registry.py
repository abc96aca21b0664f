"""The source registry and the spec every source package declares."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from housing_need.errors import HousingNeedError
from housing_need.sources import (
    EXTRA_SOURCES_ENV,
    SOURCES,
    ParseResult,
    PrivacyClass,
    SourceSpec,
    discover_sources,
    get_source,
    source_modules,
    sources,
)


def test_privacy_classes() -> None:
    assert [p.value for p in PrivacyClass] == ["open", "licensed", "personal"]
    assert PrivacyClass("licensed") is PrivacyClass.LICENSED
    assert not PrivacyClass.OPEN.is_private
    assert PrivacyClass.LICENSED.is_private and PrivacyClass.PERSONAL.is_private
    descriptions = [p.description for p in PrivacyClass]
    assert len(set(descriptions)) == 3 and all("\n" not in d and d for d in descriptions)
    assert "open" in PrivacyClass.OPEN.description
    assert "microdata" in PrivacyClass.LICENSED.description
    assert "personal" in PrivacyClass.PERSONAL.description


def test_both_feeds_declare_their_privacy_and_audit_model() -> None:
    asylum, census = get_source("home_office_asylum_support"), get_source("ons_census")
    assert asylum.privacy is PrivacyClass.OPEN and census.privacy is PrivacyClass.OPEN
    assert asylum.row_outcomes_model == "asylum_support_row_outcomes"
    assert census.row_outcomes_model == "census_cell_outcomes"
    assert asylum.file_row_key == ("_row_number",)
    assert census.file_row_key == ("_row_number", "geography_level")
    assert asylum.pseudonymise == {} and census.pseudonymise == {}


def test_spec_defaults_and_file_row_key_is_checked() -> None:
    base = get_source("home_office_asylum_support")
    fields = {f.name: f for f in dataclasses.fields(SourceSpec)}
    assert list(fields)[:8] == [
        "name",
        "raw_table",
        "columns",
        "parse",
        "file_extensions",
        "cadence",
        "publisher",
        "licence",
    ]
    bare = SourceSpec(
        name="x",
        raw_table="x__y",
        columns={"a": "VARCHAR"},
        parse=base.parse,
        file_extensions=(".csv",),
        cadence="@daily",
        publisher="p",
        licence="l",
    )
    assert bare.privacy is PrivacyClass.OPEN and bare.row_outcomes_model is None
    assert bare.file_row_key == ("_row_number",) and bare.pseudonymise == {}
    with pytest.raises(ValueError, match="file_row_key"):
        dataclasses.replace(bare, file_row_key=("_row_number", "nope"))


def test_parse_result_warnings_are_separate_from_notes() -> None:
    result = ParseResult(rows=[], quarantined=[], rows_in_file=0, release="r", file_format="csv")
    assert result.warnings == [] and result.notes == [] and result.published_columns == {}
    assert SOURCES["ons_census"] is get_source("ons_census")


# ------------------------------------------------------------------------------------------
# Discovery


BUNDLED = [
    "citizenship_survey",
    "council_housing_register",
    "home_office_asylum_decisions",
    "home_office_asylum_support",
    "home_office_resettlement",
    "mhclg_homelessness",
    "mhclg_waiting_lists",
    "ons_census",
]


def test_sources_are_discovered_in_a_stable_order() -> None:
    assert list(SOURCES) == BUNDLED
    assert all(isinstance(spec, SourceSpec) for spec in SOURCES.values())
    assert get_source("ons_census").raw_table == "ons_census__cells"
    with pytest.raises(KeyError, match="known sources: " + ", ".join(BUNDLED)):
        get_source("nope")


def test_importing_the_registry_imports_no_feed() -> None:
    code = (
        "import sys, housing_need.sources as s; "
        "print(sorted(m for m in sys.modules if m.startswith('housing_need.sources.'))); "
        "print(list(s.SOURCES))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after = out.splitlines()
    assert before == "['housing_need.sources.publication', 'housing_need.sources.spec']"
    assert after == str(BUNDLED)


def _write_module(folder: Path, module: str, body: str) -> None:
    (folder / f"{module}.py").write_text(textwrap.dedent(body), encoding="utf-8")


EXTRA_FEED = """
    from housing_need.sources import SourceSpec, get_source


    def parse(content, file_name):
        return get_source("home_office_asylum_support").parse(content, file_name)


    SOURCE = SourceSpec(
        name={name!r},
        raw_table="test__feed",
        columns={{"people": "BIGINT"}},
        parse=parse,
        file_extensions=(".csv",),
        cadence="@daily",
        publisher="a test",
        licence="none",
    )
"""


def test_extra_sources_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_module(tmp_path, "hn_extra_feed_a", EXTRA_FEED.format(name="extra_feed_a"))
    _write_module(tmp_path, "hn_extra_feed_b", EXTRA_FEED.format(name="extra_feed_b"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(EXTRA_SOURCES_ENV, " hn_extra_feed_b, hn_extra_feed_a hn_extra_feed_b ")
    assert list(sources()) == [*BUNDLED, "extra_feed_b", "extra_feed_a"]
    assert get_source("extra_feed_a").raw_table == "test__feed"
    monkeypatch.delenv(EXTRA_SOURCES_ENV)
    assert list(sources()) == BUNDLED


def test_duplicate_source_names_name_both_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_module(tmp_path, "hn_extra_census_again", EXTRA_FEED.format(name="ons_census"))
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(HousingNeedError) as info:
        discover_sources("hn_extra_census_again")
    message = str(info.value)
    assert "'ons_census'" in message
    assert "housing_need.sources.ons_census" in message and "hn_extra_census_again" in message


def test_extra_modules_must_import_and_expose_a_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_module(tmp_path, "hn_extra_not_a_feed", "VALUE = 1\n")
    _write_module(tmp_path, "hn_extra_wrong_type", "SOURCE = {'name': 'x'}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(HousingNeedError, match=r"'hn_extra_not_a_feed', which has no SOURCE"):
        discover_sources("hn_extra_not_a_feed")
    with pytest.raises(HousingNeedError, match=r"hn_extra_wrong_type\.SOURCE is a dict"):
        discover_sources("hn_extra_wrong_type")
    with pytest.raises(HousingNeedError, match=r"'hn_extra_missing', which cannot be imported"):
        discover_sources("hn_extra_missing")
    assert source_modules("") == [f"housing_need.sources.{name}" for name in BUNDLED]
