"""What a failure message and a stored result may show: values for open sources, none for private.

The results are shaped as GX 1.24 returns them on DuckDB (field names and nesting as in
ExpectationValidationResult); the values are the ones the integration tests plant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from housing_need.quality.messages import describe_failure, redact


@dataclass
class Config:
    type: str
    kwargs: dict[str, Any]
    id: str = "x"


@dataclass
class Result:
    expectation_config: Config
    result: dict[str, Any]
    exception_info: dict[str, Any] = field(default_factory=dict)
    success: bool = False


def result(kind: str, kwargs: dict[str, Any], found: dict[str, Any], **more: Any) -> Result:
    return Result(Config(kind, kwargs), found, **more)


MAP_SUMMARY = {
    "element_count": 200,
    "unexpected_count": 1,
    "unexpected_percent": 0.5,
    "missing_count": 0,
    "partial_unexpected_list": ["PLANTED"],
    "partial_unexpected_counts": [{"value": "PLANTED", "count": 1}],
    "partial_unexpected_index_list": [{"_source_file": "f.csv", "_row_number": 50, "group": "PLANTED"}],
    "unexpected_index_column_names": ["_source_file", "_row_number"],
    "unexpected_index_query": "select * from t where group not in ('a')",
}


def test_open_source_message_shows_values_and_rows() -> None:
    found = result("expect_column_values_to_be_in_set", {"column": "group", "value_set": ["a"]}, MAP_SUMMARY)

    line = describe_failure(found, None, ["_source_file", "_row_number"], redacted=False)

    assert line == (
        "expect_column_values_to_be_in_set(group, value_set=['a']): 1 of 200 rows unexpected, "
        "e.g. ['PLANTED'] at (_source_file, _row_number) ('f.csv', 50)"
    )


@pytest.mark.parametrize(
    ("kind", "kwargs", "found", "kept"),
    [
        (
            "expect_column_values_to_be_in_set",
            {"column": "group", "value_set": ["a"]},
            MAP_SUMMARY,
            {"element_count": 200, "unexpected_count": 1, "unexpected_percent": 0.5, "missing_count": 0},
        ),
        (
            "expect_column_max_to_be_between",
            {"column": "size", "max_value": 15},
            {"observed_value": 987654321},
            {},
        ),
        (
            "expect_column_distinct_values_to_be_in_set",
            {"column": "group", "value_set": ["a"]},
            {"observed_value": None, "partial_unexpected_list": ["PLANTED"], "unexpected_count": 1},
            {},
        ),
        (
            "expect_table_row_count_to_be_between",
            {"min_value": 1},
            {"observed_value": 0},
            {"observed_value": 0},
        ),
        (
            "expect_table_columns_to_match_set",
            {"column_set": ["a"]},
            {"observed_value": ["a", "b"], "details": {"mismatched": {"unexpected": ["b"]}}},
            {"observed_value": ["a", "b"], "details": {"mismatched": {"unexpected": ["b"]}}},
        ),
        (
            "unexpected_rows_expectation",
            {"unexpected_rows_query": "select * from {batch} where x"},
            {"observed_value": 2, "details": {"unexpected_rows": [{"x": "PLANTED"}]}},
            {"observed_value": 2},
        ),
    ],
)
def test_redact_keeps_counts_and_column_names_only(
    kind: str, kwargs: dict[str, Any], found: dict[str, Any], kept: dict[str, Any]
) -> None:
    stored = result(kind, kwargs, dict(found))

    redact(stored)

    assert stored.result == kept
    line = describe_failure(stored, None, ["_row_number"], redacted=True)
    assert "PLANTED" not in line and "987654321" not in line
    assert line.startswith(kind + "(")


def test_redact_withholds_error_text_but_says_it_failed() -> None:
    stored = result(
        "expect_column_values_to_be_in_set",
        {"column": "rooms", "value_set": [1, 2]},
        {},
        exception_info={
            "metric id": {
                "raised_exception": True,
                "exception_message": "Conversion Error: Could not convert string 'PLANTED' to INT32",
                "exception_traceback": "Traceback ... 'PLANTED'",
            }
        },
    )

    redact(stored)

    assert "PLANTED" not in repr(stored.exception_info)
    assert describe_failure(stored, None, [], redacted=True) == (
        "expect_column_values_to_be_in_set(rooms, value_set=[1, 2]): could not be evaluated: "
        "error text withheld (private source: it may quote a value)"
    )


def test_message_uses_the_kwargs_and_description_as_written() -> None:
    written = {
        "type": "unexpected_rows_expectation",
        "description": "one raw row per published row",
        "kwargs": {"unexpected_rows_query": "select ..."},
    }
    found = result(
        "unexpected_rows_expectation",
        {"unexpected_rows_query": "select ..."},
        {"observed_value": 1, "details": {"unexpected_rows": [{"_row_number": 5, "copies": 2}]}},
    )

    line = describe_failure(found, written, [], redacted=False)

    assert line == (
        "unexpected_rows_expectation(one raw row per published row): its query returned 1 unexpected "
        "row(s), e.g. [{_row_number: 5, copies: 2}]"
    )
