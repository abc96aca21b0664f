"""The GX quality gates on real data: the published Asy_D11 sample passes the raw gate; broken
copies of it fail with messages that name the suite, table, column and offending values.

Every test runs real Great Expectations validations, as SQL on DuckDB, against a DuckDB file built
in tmp_path from the real CSV (mapped to the loader's canonical columns with DuckDB SQL).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from housing_need.errors import HousingNeedError, QualityGateFailed
from housing_need.load import ensure_schema
from housing_need.quality import GateResult, SuiteDefinitionError, load_suites, run_gate
from tests.conftest import ROOT, SAMPLE_CSV

pytestmark = pytest.mark.integration

EXPECTATIONS = ROOT / "expectations"
RAW_SUITE = "home_office__asylum_support.raw"
RAW_TABLE = "raw.home_office__asylum_support"

# The real CSV -> raw.home_office__asylum_support, as the loader lays it out.
RAW_FROM_CSV = """
create schema if not exists raw;
create or replace table raw.home_office__asylum_support as
with src as (
    select *, row_number() over () + 1 as line_no  -- CSV line, header = line 1
    from read_csv(?, all_varchar = true, header = true)
),
typed as (
    select
        cast("Date" as date) as period_end,
        case "Support Type"
            when 'Section 95' then 'section_95'
            when 'Section 4' then 'section_4'
            when 'Section 98' then 'section_98'
        end as support_type,
        trim("UK Region") as uk_region,
        trim("Local Authority") as local_authority,
        coalesce(regexp_matches(trim("LAD Code"), '^[EWSN][0-9]{8}$'), false) as is_gss,
        trim("LAD Code") as published_code,
        case lower(trim("Accommodation Type"))
            when 'dispersal accommodation' then 'dispersal'
            when 'subsistence only' then 'subsistence_only'
            when 'contingency accommodation - hotel' then 'contingency_hotel'
            when 'contingency accommodation - other' then 'contingency_other'
            when 'initial accommodation' then 'initial'
            when 'other accommodation' then 'other'
            else case when lower("Accommodation Type") like 'n/a%' then 'not_applicable' end
        end as accommodation_type,
        cast("People" as bigint) as people,
        cast(line_no as bigint) as line_no
    from src
)
select
    period_end,
    support_type,
    uk_region,
    local_authority,
    case when is_gss then published_code end as lad_code,
    accommodation_type,
    not is_gss as is_placeholder,
    people,
    'home_office_asylum_support:' || left(?, 16) as _load_id,
    '2023-12-31' as _release,
    ? as _source_file,
    ? as _source_sha256,
    line_no as _row_number,
    timestamp '2024-02-29 09:30:00' as _loaded_at
from typed
order by line_no
"""


def build_raw_warehouse(path: Path) -> Path:
    """The raw table and its meta.loads row (the gate skips suites of sources with no loads)."""
    sha = hashlib.sha256(SAMPLE_CSV.read_bytes()).hexdigest()
    con = duckdb.connect(str(path))
    try:
        for statement in RAW_FROM_CSV.split(";\n"):
            if "?" in statement:
                con.execute(statement, [str(SAMPLE_CSV), sha, SAMPLE_CSV.name, sha])
            elif statement.strip():
                con.execute(statement)
        ensure_schema(con)
        con.execute(
            "insert into meta.loads select ?, 'home_office_asylum_support', 'home_office__asylum_support', ?, "
            "'archive/sample.csv', 'sample', ?, '2023-12-31', 'csv', n, n, 0, timestamp '2024-02-29 09:30:00', "
            "null from (select count(*) as n from raw.home_office__asylum_support)",
            ["home_office_asylum_support:" + sha[:16], SAMPLE_CSV.name, sha],
        )
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def raw_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real sample as a raw table (built once; tests copy it before changing anything)."""
    return build_raw_warehouse(tmp_path_factory.mktemp("quality") / "sample.duckdb")


def broken_copy(source: Path, target: Path, *statements: str) -> Path:
    target.write_bytes(source.read_bytes())
    con = duckdb.connect(str(target))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return target


def gate(warehouse: Path, tmp_path: Path, name: str = "raw", **kwargs) -> GateResult:
    return run_gate(
        name,
        warehouse,
        expectations_dir=kwargs.pop("expectations_dir", EXPECTATIONS),
        gx_dir=tmp_path / "gx",
        data_docs_dir=tmp_path / "data-docs",
        **kwargs,
    )


def test_fixture_is_the_real_sample(raw_warehouse: Path) -> None:
    con = duckdb.connect(str(raw_warehouse), read_only=True)
    try:
        rows, placeholders, unmapped = con.execute(
            "select count(*), count(*) filter (where is_placeholder), "
            "count(*) filter (where accommodation_type is null or support_type is null) "
            "from raw.home_office__asylum_support"
        ).fetchone()
    finally:
        con.close()
    assert rows == 19283  # data lines in the CSV
    assert placeholders == 144  # Unknown + the three N/A labels
    assert unmapped == 0


def test_real_sample_passes_raw_gate_and_builds_data_docs(raw_warehouse: Path, tmp_path: Path) -> None:
    result = gate(raw_warehouse, tmp_path)

    assert result.success, result.summary()
    outcome, census = result.outcomes
    # no census delivery in this warehouse: its suite is skipped, and says why
    assert census.skipped == "no deliveries of ons_census loaded yet" and census.evaluated == 0
    assert "skip suite ons_census__cells.raw on raw.ons_census__cells" in result.summary()
    assert (outcome.suite, outcome.table) == (RAW_SUITE, RAW_TABLE)
    assert outcome.evaluated == len(load_suites(EXPECTATIONS, "raw")[0].expectations) > 0
    assert outcome.unsuccessful == 0 and outcome.failures == []
    assert outcome.rows == 19283
    assert result.data_docs_index == tmp_path / "data-docs" / "index.html"
    assert RAW_SUITE in result.data_docs_index.read_text(encoding="utf-8")
    assert "raw gate passed" in result.summary()
    # Files under expectations/ are the source of truth; the context only keeps generated copies.
    assert (tmp_path / "gx" / "great_expectations.yml").exists()
    assert not list(EXPECTATIONS.rglob("*.html"))


def test_negative_people_fails_naming_suite_column_and_value(raw_warehouse: Path, tmp_path: Path) -> None:
    warehouse = broken_copy(
        raw_warehouse,
        tmp_path / "negative.duckdb",
        "update raw.home_office__asylum_support set people = -5 where _row_number = 100",
    )

    with pytest.raises(QualityGateFailed) as caught:
        gate(warehouse, tmp_path)

    message = str(caught.value)
    assert message.startswith("raw gate failed")
    assert RAW_SUITE in message and RAW_TABLE in message
    line = next(ln for ln in message.splitlines() if "expect_column_values_to_be_between(people" in ln)
    assert "1 of 19283 rows unexpected" in line
    assert "e.g. [-5]" in line
    # The suite's meta.id_columns point at the file and CSV line.
    assert f"at (_source_file, _row_number) ({SAMPLE_CSV.name!r}, 100)" in line
    # Data Docs are built for a failing run too, and the exception carries the full result.
    assert caught.value.result.data_docs_index.exists()
    assert caught.value.result.outcomes[0].unsuccessful == 1


def test_bad_lad_code_fails_naming_it(raw_warehouse: Path, tmp_path: Path) -> None:
    warehouse = broken_copy(
        raw_warehouse,
        tmp_path / "bad_code.duckdb",
        "update raw.home_office__asylum_support set lad_code = 'X123' where _row_number = 2",
    )

    with pytest.raises(QualityGateFailed) as caught:
        gate(warehouse, tmp_path)

    message = str(caught.value)
    regex_line = next(
        ln for ln in message.splitlines() if "expect_column_values_to_match_duckdb_regex(lad_code" in ln
    )
    assert "'X123'" in regex_line and RAW_SUITE in regex_line
    assert caught.value.result.outcomes[0].unsuccessful == 1


def test_missing_table_fails_naming_the_table(tmp_path: Path) -> None:
    """A load is recorded for the source, but its raw table is gone."""
    warehouse = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_schema(con)
    con.execute(
        "insert into meta.loads values ('home_office_asylum_support:0', 'home_office_asylum_support', "
        "'home_office__asylum_support', 'f.csv', 'a/f.csv', 'sample', '0', '2023-12-31', 'csv', 1, 1, 0, "
        "timestamp '2024-01-01', null)"
    )
    con.close()

    with pytest.raises(QualityGateFailed) as caught:
        gate(warehouse, tmp_path)

    message = str(caught.value)
    assert f"table {RAW_TABLE} does not exist" in message
    assert RAW_SUITE in message
    assert caught.value.result.data_docs_index is not None  # built even though nothing was validated


def test_raise_on_failure_false_returns_the_failures(raw_warehouse: Path, tmp_path: Path) -> None:
    warehouse = broken_copy(
        raw_warehouse,
        tmp_path / "several.duckdb",
        "update raw.home_office__asylum_support set support_type = 'section_99' where _row_number in (2, 3)",
        "update raw.home_office__asylum_support set period_end = date '2023-11-30' where _row_number = 4",
        "insert into raw.home_office__asylum_support select * from raw.home_office__asylum_support "
        "where _row_number = 5",
    )

    result = gate(warehouse, tmp_path, raise_on_failure=False)

    assert not result.success
    outcome = result.outcomes[0]
    assert not outcome.success
    assert outcome.unsuccessful == len(outcome.failures) == 3
    failures = "\n".join(outcome.failures)
    assert "expect_column_values_to_be_in_set(support_type" in failures and "e.g. ['section_99']" in failures
    assert "expect_column_values_to_match_duckdb_regex(period_end" in failures and "2023-11-30" in failures
    repeated = next(
        f for f in outcome.failures if f.startswith("unexpected_rows_expectation(one raw row per")
    )
    assert "its query returned 1 unexpected row(s)" in repeated and "_row_number: 5, copies: 2" in repeated
    assert "FAILED" in result.summary() and RAW_SUITE in result.summary()


def test_every_suite_file_loads_and_names_a_table() -> None:
    files = sorted(EXPECTATIONS.glob("*/*.json"))
    assert files, "no suite files under expectations/"
    gates = sorted({f.parent.name for f in files})
    assert {"raw", "marts"} <= set(gates)
    loaded = [s for g in gates for s in load_suites(EXPECTATIONS, g)]
    assert len(loaded) == len(files)
    for suite in loaded:
        schema, table = suite.table.split(".")
        assert schema and table, suite.path
        assert suite.expectations, suite.path
    assert {s.table for s in loaded} >= {
        RAW_TABLE,
        "marts.fct_asylum_support_by_la_quarter",
        "marts.mart_dispersal_vs_deprivation",
        "marts.mart_dispersal_concentration_by_region",
    }


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{not json", "not valid JSON"),
        (
            json.dumps(
                {
                    "name": "s",
                    "meta": {"table": "raw.t"},
                    "expectations": [{"type": "expect_nonsense", "kwargs": {}}],
                }
            ),
            "'expect_nonsense': unknown expectation type",
        ),
        (
            json.dumps(
                {
                    "name": "s",
                    "meta": {"table": "raw.t"},
                    "expectations": [
                        {"type": "expect_column_values_to_not_be_null", "kwargs": {"colum": "x"}}
                    ],
                }
            ),
            "is not valid",
        ),
        (json.dumps({"name": "s", "meta": {}, "expectations": []}), "meta.table"),
        (
            json.dumps(
                {
                    "name": "s",
                    "meta": {"table": "raw.t"},
                    "expectations": [
                        {
                            "type": "expect_column_values_to_match_regex",
                            "kwargs": {"column": "x", "regex": "^a"},
                        }
                    ],
                }
            ),
            "does not run as SQL on DuckDB in GX 1.24; use expect_column_values_to_match_duckdb_regex",
        ),
    ],
)
def test_bad_suite_file_raises_naming_the_file(tmp_path: Path, content: str, complaint: str) -> None:
    (tmp_path / "raw").mkdir()
    bad = tmp_path / "raw" / "broken.json"
    bad.write_text(content, encoding="utf-8")

    with pytest.raises(SuiteDefinitionError) as caught:
        load_suites(tmp_path, "raw")

    assert str(bad) in str(caught.value)
    assert complaint in str(caught.value)


def test_gate_without_suites_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(HousingNeedError, match="no suite files"):
        load_suites(tmp_path, "raw")
