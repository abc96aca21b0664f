"""The synthetic Asy_D11 raw table used for scale measurements: the loader's layout, the real
sample's labels, labelled synthetic, the same rows for the same seed, and it passes the raw gate."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from housing_need.pipeline.raw_schema import METADATA_COLUMNS
from housing_need.quality import run_gate
from housing_need.sources import get_source
from tests.conftest import ROOT
from tests.integration.test_quality_gates import build_raw_warehouse
from tests.support.raw_tables import synthesize_asylum_support

pytestmark = pytest.mark.integration

ROWS = 30_000
PLACES = "uk_region, local_authority, lad_code, is_placeholder"
KINDS = "support_type, accommodation_type"


def synthesize(sample: Path, target: Path, seed: int) -> tuple[str, str]:
    """(load id, content hash) of a synthetic table of ROWS rows made with ``seed``."""
    con = duckdb.connect(str(target))
    try:
        load = synthesize_asylum_support(con, labels_from=sample, rows=ROWS, seed=seed)
        rows = con.execute("select * from raw.home_office__asylum_support order by _row_number").fetchall()
    finally:
        con.close()
    assert load.rows == len(rows) == ROWS
    return load.load_id, hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_raw_warehouse(tmp_path_factory.mktemp("synth") / "sample.duckdb")


def test_same_seed_same_rows_other_seed_other_rows(sample: Path, tmp_path: Path) -> None:
    first = synthesize(sample, tmp_path / "a.duckdb", seed=3)
    again = synthesize(sample, tmp_path / "b.duckdb", seed=3)
    other = synthesize(sample, tmp_path / "c.duckdb", seed=4)

    assert first == again
    assert other[1] != first[1] and other[0] == "home_office_asylum_support:synthetic-4"


def test_loader_layout_real_labels_and_labelled_synthetic(sample: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "synthetic.duckdb"
    load_id, _ = synthesize(sample, warehouse, seed=1)
    con = duckdb.connect(str(warehouse))
    try:
        layout = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'home_office__asylum_support' order by ordinal_position"
        ).fetchall()
        con.execute(f"attach '{sample}' as sample (read_only)")
        foreign = [
            con.execute(
                f"select count(*) from (select {labels} from raw.home_office__asylum_support "
                f"except select {labels} from sample.raw.home_office__asylum_support)"
            ).fetchone()
            for labels in (PLACES, KINDS)
        ]
        marks = con.execute(
            "select count(distinct _load_id), min(_source_file), max(_source_file), min(_release), "
            "count(distinct period_end), min(people), max(people), median(people) "
            "from raw.home_office__asylum_support"
        ).fetchone()
        recorded = con.execute("select load_id, source, rows_loaded from meta.loads").fetchall()
    finally:
        con.close()

    assert dict(layout) == {**get_source("home_office_asylum_support").columns, **METADATA_COLUMNS}
    assert foreign == [(0,), (0,)]  # every place and every support/accommodation pair is a real one
    assert marks[:4] == (1, "SYNTHETIC-asy_d11-1.csv", "SYNTHETIC-asy_d11-1.csv", "synthetic-1")
    assert marks[4] == 40 and marks[5] >= 0 and marks[6] < 5000 and marks[7] < 50
    assert recorded == [(load_id, "home_office_asylum_support", ROWS)]

    result = run_gate(
        "raw",
        warehouse,
        expectations_dir=ROOT / "expectations",
        gx_dir=tmp_path / "gx",
        data_docs_dir=tmp_path / "data-docs",
        new_loads={"home_office_asylum_support": [load_id]},
    )
    (asylum,) = [o for o in result.outcomes if o.table == "raw.home_office__asylum_support"]
    assert result.success and asylum.rows == ROWS and asylum.evaluated == 24
