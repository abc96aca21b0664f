"""The GX quality gates on real data: the published Asy_D11 sample passes the raw gate; broken
copies of it fail with messages that name the suite, table, column and offending values; a gate
limited to this run's new loads sees only their rows; a gate limited to rebuilt tables runs only
their suites; failures are reported per source.

Every test runs real Great Expectations validations, as SQL on DuckDB, against a DuckDB file built
in tmp_path from the real CSV (mapped to the loader's canonical columns with DuckDB SQL) or, for
the census, the real bundled file loaded by the project's loader.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from housing_need.errors import HousingNeedError, QualityGateFailed
from housing_need.pipeline.archive import ArchivedFile, sha256_of
from housing_need.pipeline.load import load_file
from housing_need.pipeline.raw_schema import ensure_raw_table, ensure_schema
from housing_need.quality import GateResult, SuiteDefinitionError, load_suites, run_gate
from housing_need.sources import get_source
from tests.conftest import ROOT, SAMPLE_CSV

pytestmark = pytest.mark.integration

EXPECTATIONS = ROOT / "expectations"
RAW_SUITE = "home_office__asylum_support.raw"
ASYLUM = "home_office_asylum_support"
CENSUS = "ons_census"
CENSUS_SAMPLE = ROOT / "data/sample/ons_census/census2021-ts054-rgn.csv"
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
            "insert into meta.loads (load_id, source, raw_table, source_file, archive_path, origin, sha256, release, "
            "file_format, rows_in_file, rows_loaded, rows_quarantined, loaded_at, run_id) "
            "select ?, 'home_office_asylum_support', 'home_office__asylum_support', ?, "
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


def by_table(result: GateResult) -> dict:
    """The gate's outcomes by table (raw.<table>), whatever other sources' suites ran beside them."""
    return {o.table: o for o in result.outcomes}


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
    outcomes = by_table(result)
    outcome, census = outcomes[RAW_TABLE], outcomes["raw.ons_census__cells"]
    # no census delivery in this warehouse: its suite is skipped, and says why (so are the other feeds')
    assert census.skipped == "no deliveries of ons_census loaded yet" and census.evaluated == 0
    others = [o for table, o in outcomes.items() if table != RAW_TABLE]
    assert len(others) == 7 and all(o.skipped and o.skipped.startswith("no deliveries of ") for o in others)
    assert "skip suite ons_census__cells.raw on raw.ons_census__cells" in result.summary()
    assert (outcome.suite, outcome.table) == (RAW_SUITE, RAW_TABLE)
    (suite,) = [d for d in load_suites(EXPECTATIONS, "raw") if d.table == RAW_TABLE]
    assert outcome.evaluated == len(suite.expectations) > 0
    assert outcome.unsuccessful == 0 and outcome.failures == []
    assert outcome.rows == 19283
    assert result.data_docs_index == tmp_path / "data-docs" / "index.html"
    index = result.data_docs_index.read_text(encoding="utf-8")
    assert RAW_SUITE in index
    # served from the site (the project's node_modules): no CDN left, nothing to warn about
    assert 'src="static/vendor/jquery/dist/jquery.min.js"' in index and "https://code.jquery.com" not in index
    assert result.data_docs_warning is None and "warning" not in result.summary()
    assert "raw gate passed" in result.summary()
    # Files under expectations/ are the source of truth; the context only keeps generated copies.
    assert (tmp_path / "gx" / "great_expectations.yml").exists()
    assert not list(EXPECTATIONS.rglob("*.html"))


def test_data_docs_without_node_modules_keep_the_cdn_links_and_say_so(
    raw_warehouse: Path, tmp_path: Path
) -> None:
    result = gate(raw_warehouse, tmp_path, node_modules=tmp_path / "no-node_modules")
    assert result.success and result.data_docs_index is not None
    assert result.data_docs_warning is not None and "./run setup" in result.data_docs_warning
    assert f"  warning: {result.data_docs_warning}" in result.summary()
    assert "https://code.jquery.com/jquery-3.7.1.min.js" in result.data_docs_index.read_text(encoding="utf-8")


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
    assert by_table(caught.value.result)[RAW_TABLE].unsuccessful == 1


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
    assert by_table(caught.value.result)[RAW_TABLE].unsuccessful == 1


def test_missing_table_fails_naming_the_table(tmp_path: Path) -> None:
    """A load is recorded for the source, but its raw table is gone."""
    warehouse = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_schema(con)
    con.execute(
        "insert into meta.loads (load_id, source, raw_table, source_file, archive_path, origin, sha256, "
        "release, file_format, rows_in_file, rows_loaded, rows_quarantined, loaded_at, run_id) values ('home_office_asylum_support:0', 'home_office_asylum_support', "
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
    outcome = by_table(result)[RAW_TABLE]
    assert not outcome.success
    assert outcome.unsuccessful == len(outcome.failures) == 3
    failures = "\n".join(outcome.failures)
    assert "expect_column_values_to_be_in_set(support_type" in failures and "e.g. ['section_99']" in failures
    quarter_end = next(f for f in outcome.failures if "(period_end is the last day of a quarter)" in f)
    assert f"_source_file: {SAMPLE_CSV.name!r}, _row_number: 4, period_end: 2023-11-30" in quarter_end
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


# --------------------------------------------------------------------------------------------
# Scoping a gate to this run: new loads, rebuilt tables; failures per source

SAMPLE_LOAD = f"{ASYLUM}:" + hashlib.sha256(SAMPLE_CSV.read_bytes()).hexdigest()[:16]
NEW_LOAD = f"{ASYLUM}:second-delivery"


def with_second_delivery(source: Path, target: Path, *statements: str) -> Path:
    """The sample (an old load) plus its last quarter delivered again as a new load, then
    ``statements`` (which may break either)."""
    return broken_copy(
        source,
        target,
        "insert into raw.home_office__asylum_support "
        f"select * replace ('{NEW_LOAD}' as _load_id, 'asy_d11-second-delivery.csv' as _source_file) "
        "from raw.home_office__asylum_support where period_end = date '2023-12-31'",
        *statements,
    )


def new_load_rows(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        (rows,) = con.execute(
            "select count(*) from raw.home_office__asylum_support where _load_id = ?", [NEW_LOAD]
        ).fetchone()
    finally:
        con.close()
    assert 0 < rows < 19283
    return int(rows)


def test_new_loads_gate_sees_only_the_new_load(raw_warehouse: Path, tmp_path: Path) -> None:
    """A bad row in an old load is not this run's business; the same gate on the whole table fails."""
    warehouse = with_second_delivery(
        raw_warehouse,
        tmp_path / "old_bad.duckdb",
        f"update raw.home_office__asylum_support set people = -5 where _row_number = 100 and _load_id = '{SAMPLE_LOAD}'",
    )
    rows = new_load_rows(warehouse)

    result = gate(warehouse, tmp_path, new_loads={ASYLUM: [NEW_LOAD]})

    assert result.success, result.summary()
    asylum, census = by_table(result)[RAW_TABLE], by_table(result)["raw.ons_census__cells"]
    assert asylum.rows == rows and asylum.evaluated == 24 and asylum.failures == []
    assert asylum.scope == f"1 new load(s): {NEW_LOAD}" and asylum.sources == [ASYLUM]
    assert census.skipped == f"no new deliveries of {CENSUS} in this run" and census.evaluated == 0
    assert f"{rows} rows of 1 new load(s)" in result.summary()

    whole = gate(warehouse, tmp_path / "whole", raise_on_failure=False)
    assert not whole.success and by_table(whole)[RAW_TABLE].rows == 19283 + rows
    assert "e.g. [-5]" in by_table(whole)[RAW_TABLE].failures[0]


def test_new_loads_gate_fails_on_a_bad_row_of_the_new_load(raw_warehouse: Path, tmp_path: Path) -> None:
    warehouse = with_second_delivery(
        raw_warehouse,
        tmp_path / "new_bad.duckdb",
        f"update raw.home_office__asylum_support set people = -5 where _row_number = 100 and _load_id = '{SAMPLE_LOAD}'",
        f"update raw.home_office__asylum_support set people = -7, lad_code = 'X7' where _row_number = 19000 and _load_id = '{NEW_LOAD}'",
    )
    rows = new_load_rows(warehouse)

    with pytest.raises(QualityGateFailed) as caught:
        gate(warehouse, tmp_path, new_loads={ASYLUM: [NEW_LOAD]})

    message = str(caught.value)
    people = next(ln for ln in message.splitlines() if "expect_column_values_to_be_between(people" in ln)
    assert f"1 of {rows} rows unexpected, e.g. [-7]" in people and "-5" not in people
    assert "at (_source_file, _row_number) ('asy_d11-second-delivery.csv', 19000)" in people
    code = next(ln for ln in message.splitlines() if "match_duckdb_regex(lad_code" in ln)
    assert "'X7'" in code
    assert by_table(caught.value.result)[RAW_TABLE].unsuccessful == 2


def test_sources_without_new_loads_are_skipped(raw_warehouse: Path, tmp_path: Path) -> None:
    """A bad row anywhere does not matter when the run brought nothing new of its source."""
    warehouse = broken_copy(
        raw_warehouse,
        tmp_path / "bad.duckdb",
        "update raw.home_office__asylum_support set people = -5 where _row_number = 100",
    )

    result = gate(warehouse, tmp_path, new_loads={ASYLUM: [], CENSUS: []})

    assert result.success
    skipped = {o.sources[0]: o.skipped for o in result.outcomes}
    assert skipped[ASYLUM] == f"no new deliveries of {ASYLUM} in this run"
    assert skipped[CENSUS] == f"no new deliveries of {CENSUS} in this run"
    assert len(skipped) == 8 and all(
        s == f"no new deliveries of {source} in this run" for source, s in skipped.items()
    )
    assert all(o.evaluated == 0 and o.rows is None for o in result.outcomes)


def test_tables_gate_runs_only_the_rebuilt_tables(raw_warehouse: Path, tmp_path: Path) -> None:
    """The marts gate on a warehouse without marts: only the suite of the rebuilt table runs."""
    rebuilt = "marts.fct_asylum_support_by_la_quarter"

    result = gate(raw_warehouse, tmp_path, "marts", tables=[rebuilt], raise_on_failure=False)

    ran = [o for o in result.outcomes if not o.skipped]
    assert [o.table for o in ran] == [rebuilt]
    assert ran[0].failures == [f"table {rebuilt} does not exist in the warehouse: nothing validated"]
    skipped = [o for o in result.outcomes if o.skipped]
    assert len(skipped) == len(load_suites(EXPECTATIONS, "marts")) - 1 == 24
    assert {o.skipped for o in skipped} == {"not rebuilt in this run"}
    assert result.failed_sources() == {
        ASYLUM: [f"suite fct_asylum_support_by_la_quarter on {rebuilt}: {ran[0].failures[0]}"]
    }


def load_census_sample(warehouse: Path) -> str:
    """The real Census 2021 TS054 (regions) file, loaded by the project's loader; its load id."""
    spec = get_source(CENSUS)
    content = CENSUS_SAMPLE.read_bytes()
    entry = ArchivedFile(
        source=CENSUS,
        release="2021",
        sha256=sha256_of(content),
        path=str(CENSUS_SAMPLE.relative_to(CENSUS_SAMPLE.parents[1])),
        original_name=CENSUS_SAMPLE.name,
        origin="sample",
        size=len(content),
        received_at="2024-02-29T09:30:00+00:00",
    )
    con = duckdb.connect(str(warehouse))
    try:
        ensure_raw_table(con, spec)
        summary = load_file(con, spec, entry, CENSUS_SAMPLE.parents[1])
    finally:
        con.close()
    assert summary.rows_loaded > 0
    return summary.load_id


def test_failed_sources_lets_a_caller_set_one_source_aside(raw_warehouse: Path, tmp_path: Path) -> None:
    """A census cell out of range fails the census suite only: its source is named, Asy_D11's is not."""
    warehouse = broken_copy(raw_warehouse, tmp_path / "both.duckdb")
    census_load = load_census_sample(warehouse)
    broken_copy(
        warehouse,
        tmp_path / "both_broken.duckdb",
        "update raw.ons_census__cells set value = -1 where rowid = "
        "(select min(rowid) from raw.ons_census__cells where _row_number = 3)",
    ).replace(warehouse)

    result = gate(
        warehouse, tmp_path, new_loads={ASYLUM: [SAMPLE_LOAD], CENSUS: [census_load]}, raise_on_failure=False
    )

    asylum, census = by_table(result)[RAW_TABLE], by_table(result)["raw.ons_census__cells"]
    assert asylum.success and asylum.rows == 19283
    assert not census.success and census.sources == [CENSUS] and census.rows and census.rows > 0
    failed = result.failed_sources()
    assert list(failed) == [CENSUS]
    [line] = failed[CENSUS]
    assert line.startswith(
        "suite ons_census__cells.raw on raw.ons_census__cells: expect_column_values_to_be_between(value"
    )
    assert f"1 of {census.rows} rows unexpected, e.g. [-1]" in line
    assert f"at (_source_file, _row_number, category_path) ({CENSUS_SAMPLE.name!r}, 3," in line


# --------------------------------------------------------------------------------------------
# One persistent DuckDB connection per gate, released when the gate ends


@pytest.fixture
def dbapi_connections() -> Iterator[dict[str, list[object]]]:
    """Every DB-API connection SQLAlchemy opens, and the one each statement runs on, meanwhile."""
    seen: dict[str, list[object]] = {"opened": [], "used": []}

    def opened(dbapi_connection: object, record: object) -> None:
        seen["opened"].append(dbapi_connection)

    def used(conn: sa.Connection, *args: object) -> None:
        seen["used"].append(conn.connection.dbapi_connection)

    sa.event.listen(sa.pool.Pool, "connect", opened)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", used)
    try:
        yield seen
    finally:
        sa.event.remove(sa.pool.Pool, "connect", opened)
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", used)


def test_gate_runs_every_query_on_one_connection_and_releases_the_file(
    raw_warehouse: Path, tmp_path: Path, dbapi_connections: dict[str, list[object]]
) -> None:
    warehouse = with_second_delivery(raw_warehouse, tmp_path / "two_loads.duckdb")
    gate(warehouse, tmp_path)  # registers the datasource (GX probes it once, on its own engine)
    dbapi_connections["opened"].clear()
    dbapi_connections["used"].clear()

    result = gate(warehouse, tmp_path, new_loads={ASYLUM: [NEW_LOAD]})

    assert result.success and by_table(result)[RAW_TABLE].evaluated == 24
    assert len(dbapi_connections["opened"]) == 1
    assert len(dbapi_connections["used"]) > 24  # GX's metric queries and the gate's own
    assert {id(c) for c in dbapi_connections["used"]} == {id(dbapi_connections["opened"][0])}
    # Closed when the gate ended: another process can now write the file (dbt's next step).
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import duckdb; duckdb.connect({str(warehouse)!r}).execute('checkpoint').close()",
        ],
        check=True,
        timeout=60,
    )


def test_gate_refuses_to_run_if_gx_would_not_keep_one_connection(
    raw_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GX internals the DuckDB route relies on are checked, not assumed: without a persisted
    connection GX would lose query results, so the gate stops before validating anything."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as gx_engine

    from housing_need.quality import context

    shipped = tuple(d for d in gx_engine._PERSISTED_CONNECTION_DIALECTS if d != "duckdb")
    monkeypatch.setattr(gx_engine, "_PERSISTED_CONNECTION_DIALECTS", ())  # the list is gone
    with pytest.raises(context.GxInternalsChanged, match="_PERSISTED_CONNECTION_DIALECTS"):
        gate(raw_warehouse, tmp_path / "no_list")

    monkeypatch.setattr(gx_engine, "_PERSISTED_CONNECTION_DIALECTS", shipped)  # duckdb not added
    monkeypatch.setattr(context, "persist_duckdb_connections", lambda: None)
    with pytest.raises(context.GxInternalsChanged, match="did not keep one open connection"):
        gate(raw_warehouse, tmp_path / "not_persisted")


# --------------------------------------------------------------------------------------------
# The gate in a child process (what a refresh runs): the same result, the same errors, and the
# process that asked for it never imports Great Expectations

# In a fresh interpreter, as a DAG task's process: import the refresh (its steps, the gates' caller),
# run each case through the child, say what came back and which modules this process holds.
THROUGH_THE_CHILD = """
import json, sys
from pathlib import Path

import housing_need.refresh.run  # what a DAG task imports: every step, the gates' module among them
from housing_need.errors import QualityGateFailed
from housing_need.quality.child import run_gate_in_child

cases, out = json.loads(sys.argv[1]), {}
for name, case in cases.items():
    try:
        result = run_gate_in_child(
            "raw",
            Path(case["warehouse"]),
            expectations_dir=Path(case["expectations"]),
            gx_dir=Path(case["out"]) / "gx",
            data_docs_dir=Path(case["out"]) / "data-docs",
            new_loads=case.get("new_loads"),
        )
        out[name] = {"result": result.to_dict()}
    except QualityGateFailed as e:
        out[name] = {"raised": "QualityGateFailed", "message": str(e), "result": e.result.to_dict()}
    except Exception as e:
        out[name] = {"raised": type(e).__name__, "message": str(e), "cause": type(e.__cause__).__name__}
out["modules"] = sorted(m for m in sys.modules if m.partition(".")[0] in ("great_expectations", "altair"))
print(json.dumps(out))
"""


def comparable(result: dict) -> dict:
    """A gate result without its timings (two runs of the same gate differ only in those)."""
    return {
        **result,
        "seconds": None,
        "data_docs_index": Path(result["data_docs_index"]).name if result["data_docs_index"] else None,
        "outcomes": [{**o, "seconds": None} for o in result["outcomes"]],
    }


def test_a_gate_in_a_child_process_returns_what_run_gate_returns_and_gx_stays_there(
    raw_warehouse: Path, tmp_path: Path
) -> None:
    broken = broken_copy(
        raw_warehouse,
        tmp_path / "negative.duckdb",
        "update raw.home_office__asylum_support set people = -5 where _row_number = 100",
    )
    bad_suites = tmp_path / "bad-suites"
    (bad_suites / "raw").mkdir(parents=True)
    (bad_suites / "raw" / "broken.json").write_text("{not json", encoding="utf-8")
    cases = {
        "passes": {"warehouse": raw_warehouse, "new_loads": {ASYLUM: [SAMPLE_LOAD]}},
        "fails": {"warehouse": broken},
        "no warehouse": {"warehouse": tmp_path / "missing.duckdb"},
        "bad suite file": {"warehouse": raw_warehouse, "expectations": bad_suites},
    }
    request = {
        name: {"expectations": str(EXPECTATIONS), **case, "out": str(tmp_path / "child" / name)}
        for name, case in cases.items()
    }
    for case in request.values():
        case["warehouse"] = str(case["warehouse"])
        case["expectations"] = str(case["expectations"])

    child = subprocess.run(
        [sys.executable, "-c", THROUGH_THE_CHILD, json.dumps(request)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert child.returncode == 0, child.stderr
    got = json.loads(child.stdout.splitlines()[-1])

    # The asking process never imported GX (nor its charting library), yet every gate ran in full.
    assert got["modules"] == []
    passed = gate(raw_warehouse, tmp_path / "here", new_loads={ASYLUM: [SAMPLE_LOAD]})
    assert comparable(got["passes"]["result"]) == comparable(passed.to_dict())
    assert by_table(GateResult.from_dict(got["passes"]["result"]))[RAW_TABLE].evaluated == 24
    assert Path(got["passes"]["result"]["data_docs_index"]).exists()

    with pytest.raises(QualityGateFailed) as caught:
        gate(broken, tmp_path / "here-broken")
    assert got["fails"]["raised"] == "QualityGateFailed"
    here_message = str(caught.value).replace(str(tmp_path / "here-broken"), "<out>")
    assert got["fails"]["message"].replace(request["fails"]["out"], "<out>") == here_message
    assert "e.g. [-5]" in got["fails"]["message"]
    assert comparable(got["fails"]["result"]) == comparable(caught.value.result.to_dict())

    with pytest.raises(HousingNeedError) as missing:
        gate(tmp_path / "missing.duckdb", tmp_path / "here-missing")
    assert got["no warehouse"] == {
        "raised": "HousingNeedError",
        "message": str(missing.value),
        "cause": "ChildTraceback",
    }
    with pytest.raises(SuiteDefinitionError) as bad:
        gate(raw_warehouse, tmp_path / "here-bad", expectations_dir=bad_suites)
    assert got["bad suite file"]["raised"] == "SuiteDefinitionError"
    assert got["bad suite file"]["message"] == str(bad.value)
