"""The shared loading path, on the real Asy_D11 file: archive by sha256, load with accounting,
shadow copy and atomic publish (including a writer killed mid-run)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from housing_need.errors import HousingNeedError
from housing_need.pipeline.archive import archive_bytes, list_archived
from housing_need.pipeline.load import load_file
from housing_need.pipeline.plan import plan
from housing_need.pipeline.raw_schema import ensure_raw_table, ensure_schema
from housing_need.pipeline.warehouse import OWNER, prepare_shadow, publish
from housing_need.sources import get_source
from tests.conftest import SAMPLE_CSV
from tests.support import asy_d11

SPEC = get_source("home_office_asylum_support")


def load_new(con: duckdb.DuckDBPyConnection, archive: Path) -> list:
    """What the load_raw step does for one source: load every archived file not loaded yet."""
    ensure_schema(con)
    return [load_file(con, SPEC, entry, archive) for entry in plan(con, [SPEC], archive)[SPEC.name].pending]


def archive_sample(archive: Path, content: bytes, name: str = "asy_d11.csv") -> tuple:
    release = SPEC.parse(content, name).release
    return archive_bytes(archive, SPEC.name, content, original_name=name, origin="sample", release=release)


def test_same_bytes_are_archived_once(tmp_path: Path) -> None:
    content = SAMPLE_CSV.read_bytes()
    first, new_first = archive_sample(tmp_path, content)
    second, new_second = archive_sample(tmp_path, content, name="renamed.csv")
    assert (new_first, new_second) == (True, False)
    assert second == first and first.release == "2023-12-31"
    stored = first.absolute(tmp_path)
    assert stored.read_bytes() == content
    assert stored.name == hashlib.sha256(content).hexdigest() + ".csv"
    assert [e.sha256 for e in list_archived(tmp_path, SPEC.name)] == [first.sha256]


def test_load_accounts_for_every_row_and_is_idempotent(tmp_path: Path) -> None:
    rows = asy_d11.real_rows()[:500]
    broken = asy_d11.with_cell(asy_d11.to_publisher_csv(rows), 10, "People", "-7")
    archive_sample(tmp_path / "archive", broken, "broken.csv")
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    summaries = load_new(con, tmp_path / "archive")
    assert [(s.rows_in_file, s.rows_loaded, s.rows_quarantined) for s in summaries] == [(500, 499, 1)]
    assert con.execute("select count(*) from raw.home_office__asylum_support").fetchone() == (499,)
    quarantined = con.execute(
        "select source_file, row_number, column_name, value, reason from quarantine.rows"
    ).fetchall()
    assert quarantined[0][:4] == ("broken.csv", asy_d11.csv_line(10), "People", "-7")
    assert "-7" in quarantined[0][4]
    assert load_new(con, tmp_path / "archive") == []  # already loaded: nothing happens
    assert con.execute("select count(*) from meta.loads").fetchone() == (1,)


def test_raw_table_drift_is_refused(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    ensure_schema(con)
    con.execute("create table raw.home_office__asylum_support (people bigint)")
    with pytest.raises(HousingNeedError, match="raw.home_office__asylum_support has columns"):
        ensure_raw_table(con, SPEC)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_swaps_atomically_and_a_killed_writer_changes_nothing(tmp_path: Path) -> None:
    published = tmp_path / "warehouse" / "housing_need.duckdb"
    published.parent.mkdir()
    con = duckdb.connect(str(published))
    con.execute("create table answer as select 42 as value")
    con.close()
    before = _digest(published)

    # A writer that builds in a shadow copy and is SIGKILLed before publishing.
    script = textwrap.dedent(
        f"""
        import os, signal, duckdb
        from pathlib import Path
        from housing_need.pipeline.warehouse import prepare_shadow
        shadow = prepare_shadow(Path({str(published)!r}), Path({str(tmp_path / "shadow")!r}), "killed")
        con = duckdb.connect(str(shadow))
        con.execute("create or replace table answer as select range as value from range(1000000)")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert _digest(published) == before
    reader = duckdb.connect(str(published), read_only=True)
    assert reader.execute("select value from answer").fetchall() == [(42,)]

    # The next run clears the killed run's shadow; a reader holding the old file keeps its
    # snapshot while a new version is published.
    assert (tmp_path / "shadow" / OWNER).read_text().strip() == "killed"
    shadow = prepare_shadow(published, tmp_path / "shadow", "good")
    assert (tmp_path / "shadow" / OWNER).read_text().strip() == "good"
    assert sorted(p.name for p in (tmp_path / "shadow").iterdir()) == [OWNER, "housing_need.duckdb"]
    with duckdb.connect(str(shadow)) as writer:
        writer.execute("create or replace table answer as select 43 as value")
    publish(shadow, published)
    assert reader.execute("select value from answer").fetchall() == [(42,)]
    reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select value from answer").fetchall() == [(43,)]
    assert not shadow.exists()
    assert not os.path.exists(str(published) + ".wal")
