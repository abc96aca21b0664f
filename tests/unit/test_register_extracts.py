"""SYNTHETIC council housing-register exports: generated (seeded, deterministic), calibrated to the
LAHS register size and the census mix, written in three vendor layouts that the configured reader
turns back into the same canonical rows; bad snapshots fail clearly or quarantine, without ever
repeating a personal value."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from housing_need.errors import ParseError
from housing_need.sources.council_housing_register import layouts as layout_config
from housing_need.sources.council_housing_register.read import (
    inspect_register,
    parse_register,
    parse_registers,
)
from housing_need.synth import councils, register, register_exports

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"E06000016": 400, "E06000018": 300, "E06000015": 250}  # small registers for speed
MONTHS = 3


@pytest.fixture(scope="module")
def mix() -> dict[str, dict[str, float]]:
    return register.community_mix(
        ROOT / "data" / "sample" / "ons_census" / "demographr_country_of_birth21_ltla21_TS012.csv",
        ROOT / "dbt_project" / "seeds" / "reference" / "ref_census_country_of_birth_categories.csv",
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, mix) -> list[Path]:
    out = tmp_path_factory.mktemp("registers")
    return list(
        register.write_registers(out, councils.default_councils(), sizes=SIZES, mix=mix, months=MONTHS)
    )


def test_sizes_are_the_lahs_2024_figures() -> None:
    sizes = register.register_sizes(
        ROOT / "data" / "sample" / "mhclg_waiting_lists" / "lahs_waiting_list_2015_2025.csv"
    )
    assert sum(sizes.values()) == 1_330_602  # England, households on registers at 1 April 2024 (LAHS)
    assert (sizes["E06000016"], sizes["E06000018"], sizes["E06000015"]) == (5_687, 10_391, 8_492)


def test_the_same_seed_writes_the_same_bytes_and_every_file_says_synthetic(
    files, mix, tmp_path: Path
) -> None:
    again = list(
        register.write_registers(tmp_path, councils.default_councils(), sizes=SIZES, mix=mix, months=MONTHS)
    )
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in files]
    other = list(
        register.write_registers(
            tmp_path / "other", councils.default_councils()[:1], sizes=SIZES, mix=mix, months=1, seed=7
        )
    )
    assert other[0].read_bytes() != files[0].read_bytes()
    assert len(files) == 3 * MONTHS and all(p.name.startswith("SYNTHETIC-register-") for p in files)
    for path in files:
        text = path.read_text(encoding="latin-1")
        assert register_exports.SYNTHETIC_LABEL in text
        if path.suffix == ".json":
            assert json.loads(text)["export"]["synthetic"] is True


def test_the_register_holds_its_calibrated_size_and_the_census_mix(mix) -> None:
    council = councils.default_councils()[0]  # Leicester
    rows = register.simulate(council, 5_687, mix["E06000016"], seed=2024)
    last = rows[rows["snapshot_date"] == rows["snapshot_date"].max()]
    live = last["status"].isin(["active", "suspended"]).sum()
    assert abs(live - 5_687) / 5_687 < 0.03
    india = (last["community_key"] == "india").mean()
    assert india == pytest.approx(mix["E06000016"]["india"], abs=0.02)  # 16% of Leicester's residents
    # churn: exits and arrivals every month, and re-registrations keep the person, not the application
    assert (rows.groupby("snapshot_date")["status"].apply(lambda s: (s == "housed").sum()) > 0).all()
    people = rows.drop_duplicates("application_seq").groupby("person").size()
    assert (people > 1).any()


def test_three_layouts_read_back_to_the_simulated_rows(files, mix) -> None:
    for council in councils.default_councils():
        simulated = register.simulate(
            council, SIZES[council.lad_code], mix[council.lad_code], seed=2024, months=MONTHS
        )
        for path in (p for p in files if council.lad_code in p.name):
            result = parse_register(path.read_bytes(), path.name)
            assert result.quarantined == [] and result.rows_in_file == result.row_count
            snap = simulated[simulated["snapshot_date"].astype(str) == result.release]
            assert result.row_count == len(snap)
            read = result.records()
            assert read["status"].value_counts().to_dict() == snap["status"].value_counts().to_dict()
            assert read["band_rank"].value_counts().to_dict() == snap["band_rank"].value_counts().to_dict()
            assert read["household_size"].sum() == snap["household_size"].sum()
            assert (read["tenure"] == "home_office_asylum_support").sum() == (
                snap["tenure"] == "home_office_asylum_support"
            ).sum()
            assert set(read["layout"]) == {council.layout.name} and set(read["lad_code"]) == {
                council.lad_code
            }


def _rewrite(path: Path, old: str, new: str, count: int = 1) -> bytes:
    return path.read_bytes().replace(old.encode(), new.encode(), count)


def test_bad_values_are_quarantined_with_the_column_and_never_the_value(files) -> None:
    leicester = next(p for p in files if "E06000016" in p.name)
    lines = leicester.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    first, second = lines[1].split(","), lines[2].split(",")
    first[header.index("Band")] = "Band 9"
    second[header.index("RegisteredDate")] = "01/01/2099"
    duplicate = list(lines[3].split(","))
    duplicate[header.index("ApplicationRef")] = lines[4].split(",")[header.index("ApplicationRef")]
    bad = "\r\n".join([lines[0], ",".join(first), ",".join(second), ",".join(duplicate), *lines[4:]]) + "\r\n"
    result = parse_register(bad.encode(), leicester.name)
    reasons = {q.column: q.reason for q in result.quarantined}
    assert [q.row_number for q in result.quarantined] == [2, 3, 5]
    assert reasons["band_code"].startswith("band code not in Leicester's scheme")
    assert reasons["registration_date"] == "registration date after the snapshot date"
    assert reasons["application_ref"] == "application id already in this snapshot (duplicate)"
    assert result.rows_in_file == result.row_count + 3
    assert all(q.value is None and not q.record for q in result.quarantined)
    assert not any(v in q.reason for q in result.quarantined for v in ("Band 9", "2099", first[2], first[3]))


def test_snapshots_checked_together_give_what_each_gives_alone(files) -> None:
    """The load parses a batch of snapshots at once (parse_registers: one frame per layout, checked
    together): every file's rows, quarantine (reasons, row numbers) and counts are what parsing it
    alone gives, and an application id in two snapshots is no duplicate in either."""
    leicester = next(p for p in files if "E06000016" in p.name)
    lines = leicester.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("Band")] = "Band 9"
    row[header.index("HouseholdSize")] = "x"
    bad = "\r\n".join([lines[0], ",".join(row), lines[2], lines[2], "1,2", *lines[3:]]) + "\r\n"
    batch = [(p.read_bytes(), p.name) for p in files]
    batch += [(bad.encode(), leicester.name), (leicester.read_bytes(), leicester.name)]
    together = parse_registers(batch)
    alone = [parse_register(content, name) for content, name in batch]
    assert len(together[-2].quarantined) == 3  # the band, the duplicate, the malformed record
    for one, other in zip(together, alone, strict=True):
        assert one.quarantined == other.quarantined
        assert (one.rows_in_file, one.release, one.notes) == (other.rows_in_file, other.release, other.notes)
        pd.testing.assert_frame_equal(_missing_as_none(one.records()), _missing_as_none(other.records()))


def _missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """The values as the raw table gets them: a missing value is None whether pandas held NaN or None."""
    return frame.astype(object).where(frame.notna(), None)


@pytest.mark.parametrize("read", [parse_register, inspect_register], ids=["parse", "inspect"])
def test_structural_problems_fail_the_file_clearly(files, read) -> None:
    """The load's parse and the extract's inspection (which archives without reading rows) refuse
    the same files with the same messages; on a sound file the inspection gives the parse's release."""
    csv_file = next(p for p in files if p.suffix == ".csv")
    fixed = next(p for p in files if p.suffix == ".txt")
    api = next(p for p in files if p.suffix == ".json")
    with pytest.raises(
        ParseError, match=r"row 1: the layout northgate_csv maps column\(s\) Band, not in the file"
    ):
        read(_rewrite(csv_file, ",Band,", ",PriorityBand,"), csv_file.name)
    truncated = b"\n".join(fixed.read_bytes().splitlines()[:-5]) + b"\n"
    with pytest.raises(ParseError, match="truncated"):
        read(truncated, fixed.name)
    with pytest.raises(ParseError, match="not valid JSON"):
        read(api.read_bytes()[:-200], api.name)
    with pytest.raises(ParseError, match="names no configured council"):
        read(csv_file.read_bytes(), "register-export-march.csv")
    with pytest.raises(ParseError, match="the header names council E06000016, the file name E06000015"):
        read(_rewrite(fixed, "HE06000015", "HE06000016"), fixed.name)
    two_dates = csv_file.read_bytes().replace(b"30/04/2023", b"31/05/2023", 1)
    with pytest.raises(ParseError, match="2 snapshot dates in one snapshot file"):
        read(two_dates, csv_file.name)
    for path in (csv_file, fixed, api):
        assert (
            inspect_register(path.read_bytes(), path.name)
            == parse_register(path.read_bytes(), path.name).release
        )


def test_the_generate_command_writes_the_three_councils(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from housing_need.cli import main

    assert main(["generate", "register", "--out", str(tmp_path), "--months", "1"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "SYNTHETIC-register-E06000015-academy_fixed_width-2023-04.txt",
        "SYNTHETIC-register-E06000016-northgate_csv-2023-04.csv",
        "SYNTHETIC-register-E06000018-locata_json-2023-04.json",
    ]
    assert "wrote 3 SYNTHETIC register snapshot(s)" in capsys.readouterr().out
    for path in tmp_path.iterdir():
        assert parse_register(path.read_bytes(), path.name).quarantined == []


def _row_path(result) -> list[dict]:
    """The parse's rows as a row-by-row parser would return them: dates as dates, missing as None."""

    def plain(value):
        if value is pd.NaT or (isinstance(value, float) and value != value):
            return None
        return value.date() if isinstance(value, pd.Timestamp) else value

    return [{k: plain(v) for k, v in row.items()} for row in result.records().to_dict("records")]


def test_the_columnar_load_path_writes_what_the_row_path_writes(files) -> None:
    """Registers are read as columns (16M rows at national scale); every other feed row by row.
    Screening, pseudonymisation and the Arrow table the loader inserts must not depend on which."""
    import dataclasses

    from housing_need.pipeline.raw_schema import LOAD_COLUMNS, frame_to_arrow, raw_columns, rows_to_arrow
    from housing_need.privacy import pseudonymise
    from housing_need.sources import get_source
    from housing_need.sources.screening import screen

    spec = get_source("council_housing_register")
    key = bytes(range(32))
    for path in files:
        lines = path.read_bytes().splitlines(keepends=True)
        if path.suffix == ".csv":  # a formula-like surname for screening; a repeated row for the parser
            header = lines[0].decode().split(",")
            formula = lines[3].decode().split(",")
            formula[header.index("Surname")] = "=HYPERLINK(1)"
            lines = [*lines[:3], ",".join(formula).encode(), lines[4], lines[4], *lines[5:]]
        columnar = parse_register(b"".join(lines), path.name)
        by_rows = dataclasses.replace(columnar, frame=None, rows=_row_path(columnar))
        screened, screened_rows = screen(columnar, spec), screen(by_rows, spec)
        assert screened.quarantined == screened_rows.quarantined
        assert screened.warnings == screened_rows.warnings
        if path.suffix == ".csv":
            assert [(q.row_number, q.reason) for q in screened.quarantined] == [
                (6, "application id already in this snapshot (duplicate)"),
                (4, "text in column 'surname' begins with '=' and would run as a spreadsheet formula"),
            ]
        frame = {name: screened.frame[name] for name in screened.frame.columns}
        pseudonymise.apply_columns(frame, spec.pseudonymise, key)
        rows = []
        for parsed in screened_rows.rows:
            row = dict(parsed)
            pseudonymise.apply(row, spec.pseudonymise, key)
            rows.append(row)
        columns = {k: v for k, v in raw_columns(spec).items() if k not in LOAD_COLUMNS}
        assert frame_to_arrow(frame, columns).equals(rows_to_arrow(rows, columns))


def test_the_keyed_hasher_is_hmac_sha256() -> None:
    from housing_need.privacy.pseudonymise import keyed_hash, keyed_hasher

    for key in (b"k", bytes(range(32)), b"x" * 100):  # shorter than, equal to and over a block
        digest = keyed_hasher(key)
        for value in ("HR0160000001", " per-e06000018-0000002a ", "Ünïcode"):
            assert digest(value) == keyed_hash(value, key)


def test_worker_processes_load_what_one_process_loads_and_report_a_bad_file(
    files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national run prepares its snapshots in worker processes (load.load_files); the warehouse
    rows, their order and the load records are the same as loading in one process, and a file that
    fails in a worker fails the load with the file's own ParseError."""
    import duckdb

    from housing_need.errors import ParseError as LoadParseError
    from housing_need.pipeline import load
    from housing_need.pipeline.archive import archive_bytes
    from housing_need.pipeline.plan import plan
    from housing_need.pipeline.raw_schema import ensure_schema
    from housing_need.privacy.keys import ARCHIVE_KEY, load_key, new_key
    from housing_need.sources import get_source

    spec = get_source("council_housing_register")
    for name in ("HOUSING_NEED_ARCHIVE_KEY", "HOUSING_NEED_PSEUDONYMISATION_KEY"):
        monkeypatch.setenv(name, new_key())
    archive = tmp_path / "archive"
    key = load_key(ARCHIVE_KEY)
    for path in files:
        archive_bytes(archive, spec.name, path.read_bytes(), original_name=path.name, origin="sample",
                      release=inspect_register(path.read_bytes(), path.name), key=key)  # fmt: skip
    tables = {}
    for workers in ("1", "2"):
        monkeypatch.setenv(load.WORKERS_ENV, workers)
        con = duckdb.connect(str(tmp_path / f"wh{workers}.duckdb"))
        ensure_schema(con)
        pending = plan(con, [spec], archive)[spec.name].pending
        records = list(load.load_files(con, spec, pending, archive))
        assert [r.rows_loaded for r in records] == [
            parse_register(p.read_bytes(), p.name).row_count for p in files
        ]
        tables[workers] = con.execute(
            f"select * exclude (_loaded_at) from raw.{spec.raw_table} order by _source_file, _row_number"
        ).fetchall()
        assert not any(name in str(tables[workers][:50]) for name in ("Forename", "HR016"))
    assert tables["1"] == tables["2"] and len(tables["1"]) == sum(r.rows_loaded for r in records)

    bad = next(p for p in files if p.suffix == ".txt")
    truncated = b"\n".join(bad.read_bytes().splitlines()[:-5]) + b"\n"
    archive_bytes(archive, spec.name, truncated, original_name="SYNTHETIC-register-E06000015-academy_fixed_width-2099-01.txt",
                  origin="inbox", release="2099-01-31", key=key)  # fmt: skip
    con = duckdb.connect(str(tmp_path / "wh2.duckdb"))
    pending = plan(con, [spec], archive)[spec.name].pending
    assert len(pending) == 1
    with pytest.raises(LoadParseError, match="2099-01.txt'.*truncated"):
        list(load.load_files(con, spec, pending * 2, archive))


def _council_with(name: str, **changes: object) -> councils.Council:
    """A default council whose layout differs from the bundled one by ``changes`` (top-level keys)."""
    council = next(c for c in councils.default_councils() if c.layout.name == name)
    data = {**council.layout.model_dump(by_alias=True), **changes}
    return dataclasses.replace(council, layout=layout_config.Layout.model_validate(data))


def test_the_writers_are_derived_from_the_layout(mix) -> None:
    """A change to a layout (a column renamed, a vendor code list, a JSON path) changes what the
    SYNTHETIC writer writes: the writers restate nothing of the layout."""
    northgate = _council_with(
        "northgate_csv",
        fields={**councils.default_councils()[0].layout.fields, "band_code": "PriorityBand"},
        codes={
            **councils.default_councils()[0].layout.codes.model_dump(),
            "status": {
                "ACT": "active",
                "SUS": "suspended",
                "HSD": "housed",
                "CNL": "cancelled",
                "REJ": "rejected",
            },
        },
    )
    snap = register.simulate(northgate, 300, mix[northgate.lad_code], seed=1, months=1)
    text = register_exports.export(northgate, snap).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [*northgate.layout.fields.values(), "SnapshotDate", "RecordSource"]
    assert "PriorityBand" in rows[0] and "Band" not in rows[0]
    assert {r["Status"] for r in rows} == {"ACT", "SUS", "HSD", "CNL", "REJ"}

    bundled = next(c for c in councils.default_councils() if c.layout.name == "locata_json").layout
    locata = _council_with("locata_json", fields={**bundled.fields, "band_code": "priority.band"})
    snap = register.simulate(locata, 200, mix[locata.lad_code], seed=1, months=1)
    document = json.loads(register_exports.export(locata, snap))
    first = document["applications"][0]
    assert "band" not in first and first["priority"]["band"] in locata.bands
    assert document["export"]["count"] == len(snap) and document["export"]["synthetic"] is True


def test_every_fixed_width_record_fills_the_layout(files) -> None:
    layout = layout_config.layouts()["academy_fixed_width"]
    width = max(start + size - 1 for start, size in layout.fields.values())
    path = next(p for p in files if "academy_fixed_width" in p.name)
    header, *details, trailer = path.read_text(encoding=layout.encoding).splitlines()
    start, size = layout.header["council"]
    assert header[start - 1 : start - 1 + size] == "E06000015"
    assert {len(d) for d in details} == {width} and {d[0] for d in details} == {layout.detail_record_type}
    start, size = layout.trailer["count"]
    assert int(trailer[start - 1 : start - 1 + size]) == len(details)
