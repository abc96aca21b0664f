"""Synthetic raw tables, in the loader's exact column layout, for scale measurements.

:func:`synthesize_asylum_support` writes N rows of ``raw.home_office__asylum_support`` with
DuckDB SQL only, in one ``insert ... select`` over ``range(N)``: seeded and deterministic (every
value is a function of the row number and the seed through DuckDB's ``hash``, stable for a given
DuckDB version), and about 40 s for 15M rows on two idle cores (longer on busy ones), most of
it DuckDB writing the text columns. The table is created by the loader's own
:func:`~housing_need.pipeline.raw_schema.ensure_raw_table`, so its columns and types are the loader's. Every row
is labelled synthetic: ``_source_file`` is ``SYNTHETIC-asy_d11-<seed>.csv``, ``_release`` is
``synthetic-<seed>`` and the whole table is one load, ``home_office_asylum_support:synthetic-<seed>``,
recorded in ``meta.loads`` like a real one.

Labels and codes are not invented: places (region, local authority, LAD code, placeholder flag)
and support/accommodation type pairs are drawn, independently, from the distinct ones of a real
raw table (e.g. the bundled Asy_D11 sample loaded into a warehouse), so every raw expectation
passes. People counts are skewed towards small numbers as published (median about 8, up to
4,999), and dates are quarter ends from 2014 Q1 to 2023 Q4. Generated on demand into a temporary
folder (``benchmarks/bench_quality_gate.py``), never committed. Test support, not the package: it
serves that benchmark and ``tests/integration/test_synth_raw_tables.py`` only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from housing_need.pipeline.raw_schema import ensure_raw_table, ensure_schema
from housing_need.sources import get_source

SOURCE = "home_office_asylum_support"
DEFAULT_ROWS = 15_000_000
FIRST_QUARTER_END = "2014-03-31"
QUARTERS = 40  # 2014 Q1 .. 2023 Q4


@dataclass(frozen=True)
class SyntheticLoad:
    table: str  # "raw.<table>"
    load_id: str
    rows: int


def synthesize_asylum_support(
    con: duckdb.DuckDBPyConnection,
    *,
    labels_from: Path,
    rows: int = DEFAULT_ROWS,
    seed: int = 1,
) -> SyntheticLoad:
    """Append ``rows`` synthetic rows (one load) to raw.home_office__asylum_support on ``con``.

    ``labels_from`` is a warehouse file holding a real raw.home_office__asylum_support (e.g. the
    bundled sample, loaded); it is attached read-only only while its distinct labels are copied.
    """
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    spec = get_source(SOURCE)
    load_id = f"{SOURCE}:synthetic-{seed}"
    source_file = f"SYNTHETIC-asy_d11-{seed}.csv"
    release = f"synthetic-{seed}"
    sha256 = hashlib.sha256(load_id.encode()).hexdigest()  # stands for the file's digest
    literal = "'" + str(labels_from).replace("'", "''") + "'"  # ATTACH takes no parameters
    con.execute(f"attach {literal} as synth_labels (read_only)")
    try:
        real = f"synth_labels.raw.{spec.raw_table}"
        con.execute(
            f"""
            create or replace temp table synth_places as
            select row_number() over (order by uk_region, local_authority, lad_code, is_placeholder) - 1 as k, *
            from (select distinct uk_region, local_authority, lad_code, is_placeholder from {real})
            """
        )
        con.execute(
            f"""
            create or replace temp table synth_kinds as
            select row_number() over (order by support_type, accommodation_type) - 1 as k, *
            from (select distinct support_type, accommodation_type from {real})
            """
        )
    finally:
        # detached before the raw table is made: the loader's checks look at every attached schema
        con.execute("detach synth_labels")
    (places,) = con.execute("select count(*) from synth_places").fetchone() or (0,)
    (kinds,) = con.execute("select count(*) from synth_kinds").fetchone() or (0,)
    if not places or not kinds:
        raise ValueError(f"{labels_from}: raw.{spec.raw_table} has no rows to draw labels from")
    ensure_schema(con)
    ensure_raw_table(con, spec)
    con.execute(
        f"""
        create or replace temp table synth_quarters as
        select q as k, last_day(date '{FIRST_QUARTER_END}' + to_months(3 * cast(q as integer))) as period_end
        from range({QUARTERS}) as r(q)
        """
    )
    con.execute(
        f"""
        insert into raw.{spec.raw_table} by name
        with numbered as (
            select i, hash(i, $seed) as h from range($rows) as r(i)
        )
        select
            quarters.period_end,
            kinds.support_type,
            places.uk_region,
            places.local_authority,
            places.lad_code,
            kinds.accommodation_type,
            places.is_placeholder,
            -- skewed like the published counts (median 15, a few in the tens of thousands): 0 to 4,999
            cast(floor(exp(pow(((h >> 40) % 10000) / 10000.0, 2) * ln(5000))) as bigint) - 1 as people,
            $load_id as _load_id,
            $release as _release,
            $source_file as _source_file,
            $sha256 as _source_sha256,
            i + 2 as _row_number,  -- CSV line, header = line 1
            timestamp '2024-02-29 09:30:00' as _loaded_at
        from numbered
        join synth_quarters as quarters on quarters.k = h % {QUARTERS}
        join synth_places as places on places.k = (h >> 8) % {places}
        join synth_kinds as kinds on kinds.k = (h >> 32) % {kinds}
        """,
        {
            "seed": seed,
            "rows": rows,
            "load_id": load_id,
            "release": release,
            "source_file": source_file,
            "sha256": sha256,
        },
    )
    con.execute(
        "insert into meta.loads (load_id, source, raw_table, source_file, archive_path, origin, sha256, release, "
        "file_format, rows_in_file, rows_loaded, rows_quarantined, loaded_at, run_id) "
        "values ($load_id, $source, $table, $source_file, $archive, 'synthetic', "
        "$sha256, $release, 'csv', $rows, $rows, 0, timestamp '2024-02-29 09:30:00', null)",
        {
            "load_id": load_id,
            "source": SOURCE,
            "table": spec.raw_table,
            "source_file": source_file,
            "archive": f"synthetic/{source_file}",
            "release": release,
            "rows": rows,
            "sha256": sha256,
        },
    )
    for temp in ("synth_quarters", "synth_places", "synth_kinds"):
        con.execute(f"drop table {temp}")
    return SyntheticLoad(table=f"raw.{spec.raw_table}", load_id=load_id, rows=rows)
