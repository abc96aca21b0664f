"""A private source's values never leave the gate: not in the failure message, the logs (GX logs
the errors it catches, and DuckDB's quote values), the validation results GX stores, nor the Data
Docs built from them.

The table is a generated synthetic extract (DuckDB ``range()``, labelled SYNTHETIC) in the shape
of a council housing-register export, a personal-data source. One row carries a recognisable
string and number that break several rules at once; run unredacted, the same gate shows them,
so the searches below would catch a leak.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
import pytest

from housing_need.errors import QualityGateFailed
from housing_need.quality import run_gate

pytestmark = pytest.mark.integration

SOURCE = "housing_register"
TABLE = "raw.housing_register__applications"
LOAD_ID = f"{SOURCE}:synthetic-1"
ROWS = 200
PLANTED_TEXT = "PLANTED-Zqx7731"
PLANTED_NUMBER = 987654321
# How a number may be rendered: plain, with thousands separators (Data Docs), in float notation.
PLANTED = (
    PLANTED_TEXT,
    str(PLANTED_NUMBER),
    f"{PLANTED_NUMBER:,}",
    f"{float(PLANTED_NUMBER)!r}",
    "9.87654321e",
)
NATIONALITY_GROUPS = ["uk", "eu", "syrian", "afghan", "eritrean", "other"]

SUITE = {
    "name": "housing_register__applications.raw",
    "meta": {
        "table": TABLE,
        "requires_loads_from": [SOURCE],
        "id_columns": ["_source_file", "_row_number"],
        "description": "test suite: a private extract",
    },
    "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "priority_band"}},
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "nationality_group", "value_set": NATIONALITY_GROUPS},
        },
        {
            "type": "expect_column_values_to_match_duckdb_regex",
            "kwargs": {"column": "nationality_group", "regex": "^[a-z]+$"},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "household_size", "min_value": 1, "max_value": 15},
        },
        {"type": "expect_column_max_to_be_between", "kwargs": {"column": "household_size", "max_value": 15}},
        {
            "type": "expect_column_distinct_values_to_be_in_set",
            "kwargs": {"column": "nationality_group", "value_set": NATIONALITY_GROUPS},
        },
        {
            # numbers against a text column: DuckDB's error quotes the first value it cannot
            # convert (a condition of its own, so that the other checks still count)
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {
                "column": "bedrooms_needed",
                "value_set": [1, 2, 3, 4, 5, 6],
                "row_condition": {
                    "type": "comparison",
                    "column": {"name": "household_size"},
                    "operator": ">",
                    "parameter": 0,
                },
            },
        },
    ],
}
FAILING = 7  # every expectation but the row count


@pytest.fixture(scope="module")
def private_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(warehouse, expectations dir): a synthetic register extract with one planted row."""
    work = tmp_path_factory.mktemp("private")
    (work / "expectations" / "raw").mkdir(parents=True)
    (work / "expectations" / "raw" / "register.json").write_text(json.dumps(SUITE), encoding="utf-8")
    warehouse = work / "register.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema raw")
        con.execute(
            f"""
            create table {TABLE} as
            select
                'SYN-' || lpad(cast(i as varchar), 6, '0') as application_ref,
                cast(1 + hash(i, 7) % 6 as bigint) as household_size,
                ['A', 'B', 'C', 'D'][1 + cast(hash(i, 8) % 4 as integer)] as priority_band,
                {NATIONALITY_GROUPS}[1 + cast(hash(i, 9) % {len(NATIONALITY_GROUPS)} as integer)] as nationality_group,
                cast(1 + hash(i, 10) % 4 as varchar) as bedrooms_needed,
                '{LOAD_ID}' as _load_id,
                'SYNTHETIC-register-export.csv' as _source_file,
                i + 2 as _row_number
            from range({ROWS}) as r(i)
            """
        )
        con.execute(
            f"update {TABLE} set nationality_group = ?, household_size = ?, bedrooms_needed = ? "
            "where _row_number = 50",
            [PLANTED_TEXT, PLANTED_NUMBER, PLANTED_TEXT],
        )
        con.execute(f"update {TABLE} set priority_band = null where _row_number = 60")
    finally:
        con.close()
    return warehouse, work / "expectations"


def run(warehouse: Path, expectations: Path, out: Path, redact: bool) -> QualityGateFailed:
    with pytest.raises(QualityGateFailed) as caught:
        run_gate(
            "raw",
            warehouse,
            expectations_dir=expectations,
            gx_dir=out / "gx",
            data_docs_dir=out / "data-docs",
            new_loads={SOURCE: [LOAD_ID]},
            redact_sources=[SOURCE] if redact else [],
        )
    return caught.value


def files_showing(folder: Path, needles: tuple[str, ...]) -> dict[str, list[str]]:
    """Every file under ``folder`` that contains any of ``needles``, with the ones it contains."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        hits = [n for n in needles if n in text]
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


def test_redacted_gate_shows_counts_and_rules_but_no_value(
    private_warehouse: tuple[Path, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse, expectations = private_warehouse
    caplog.set_level(logging.INFO)

    error = run(warehouse, expectations, tmp_path, redact=True)

    message = str(error)
    assert not [n for n in PLANTED if n in message], message
    assert not [n for n in PLANTED if n in caplog.text]
    [outcome] = error.result.outcomes  # type: ignore[attr-defined]
    assert outcome.redacted and outcome.sources == [SOURCE] and outcome.rows == ROWS
    assert outcome.unsuccessful == FAILING
    # Still actionable: the rule, its column and parameters, and how many rows broke it.
    for rule in (
        "expect_column_values_to_not_be_null(priority_band)",
        "expect_column_values_to_be_in_set(nationality_group, value_set=['uk'",
        "expect_column_values_to_match_duckdb_regex(nationality_group, regex='^[a-z]+$')",
        "expect_column_values_to_be_between(household_size, min 1, max 15)",
    ):
        line = next(f for f in outcome.failures if f.startswith(rule))
        assert line.endswith(f": 1 of {ROWS} rows unexpected (values withheld: private source)"), line
    for rule in (
        "expect_column_max_to_be_between(household_size, max 15)",
        "expect_column_distinct_values_to_be_in_set(nationality_group",
    ):
        line = next(f for f in outcome.failures if f.startswith(rule))
        assert line.endswith(": failed (values withheld: private source)"), line
    line = next(
        f for f in outcome.failures if f.startswith("expect_column_values_to_be_in_set(bedrooms_needed")
    )
    assert line.endswith(
        ": could not be evaluated: error text withheld (private source: it may quote a value)"
    )
    # Nothing generated holds a value either: the stored results, the suites, the Data Docs.
    docs = tmp_path / "data-docs"
    assert error.result.data_docs_index == docs / "index.html"  # type: ignore[attr-defined]
    assert list(docs.rglob("validations/**/*.html")), "no validation page was built"
    assert list((tmp_path / "gx").rglob("validations/**/*.json")), "no validation result was stored"
    assert files_showing(docs, PLANTED) == {}
    assert files_showing(tmp_path / "gx", PLANTED) == {}


def test_the_same_gate_unredacted_shows_the_planted_values(
    private_warehouse: tuple[Path, Path], tmp_path: Path
) -> None:
    """The control: without redaction the values are there, so the searches above can fail."""
    warehouse, expectations = private_warehouse

    error = run(warehouse, expectations, tmp_path, redact=False)

    message = str(error)
    assert (
        f"e.g. [{PLANTED_TEXT!r}] at (_source_file, _row_number) ('SYNTHETIC-register-export.csv', 50)"
        in message
    )
    assert f"e.g. [{PLANTED_NUMBER}]" in message
    assert f"observed {PLANTED_NUMBER}" in message  # the column's max
    assert f"Could not convert string '{PLANTED_TEXT}'" in message  # DuckDB's error text
    assert not error.result.outcomes[0].redacted  # type: ignore[attr-defined]
    pages = files_showing(tmp_path / "data-docs", PLANTED)
    assert any(page.startswith("validations/") and PLANTED_TEXT in hits for page, hits in pages.items()), (
        pages
    )
    stored = files_showing(tmp_path / "gx", PLANTED)
    assert any(PLANTED_TEXT in hits and str(PLANTED_NUMBER) in hits for hits in stored.values()), stored
