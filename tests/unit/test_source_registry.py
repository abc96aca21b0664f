"""The source registry and the spec every source package declares."""

from __future__ import annotations

import dataclasses

import pytest

from housing_need.sources import SOURCES, ParseResult, PrivacyClass, SourceSpec, get_source


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
