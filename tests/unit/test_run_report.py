"""The run report is a pydantic model: saved and read back unchanged, written to var/runs/ as the
JSON the CLI and meta.runs read, and a file with a wrong or unknown key fails naming the file and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from housing_need.errors import HousingNeedError
from housing_need.pipeline.records import LoadRecord
from housing_need.refresh.report import BuildRecord, RunReport, StepRecord, load_report, report_path


def a_report() -> RunReport:
    report = RunReport(run_id="manual__2026-01-01T00:00:00+00:00", started_at="2026-01-01T00:00:00+00:00")
    record = report.source("home_office_asylum_support")
    record.status = "new data"
    record.loads.append(
        LoadRecord(
            load_id="home_office_asylum_support:0123456789abcdef",
            source_file="asy_d11.csv",
            release="2023-12-31",
            rows_in_file=10,
            rows_loaded=9,
            rows_quarantined=1,
            quarantined_by_reason={"quarantined at load: bad row": 1},
        )
    )
    report.build = BuildRecord(mode="incremental", reason="new deliveries: home_office_asylum_support")
    report.steps.append(
        StepRecord(name="begin", status="done", started_at=report.started_at, seconds=0.25, summary="ok")
    )
    return report


def test_a_saved_report_reads_back_the_same(tmp_path: Path) -> None:
    report = a_report()
    path = report.save(tmp_path)
    assert (
        path == report_path(tmp_path, report.run_id) and path.name == "manual__2026-01-01T00_00_00_00_00.json"
    )
    assert (tmp_path / "latest.json").read_text() == path.read_text()
    again = load_report(tmp_path, report.run_id)
    assert again == report and again is not None and again.to_json() == path.read_text()
    data = json.loads(path.read_text())
    assert list(data)[:4] == ["run_id", "started_at", "finished_at", "status"]  # the order meta.runs shows
    assert data["sources"]["home_office_asylum_support"]["loads"][0]["rows_loaded"] == 9
    assert again.changed_sources == ["home_office_asylum_support"]


def test_an_unknown_or_wrong_key_fails_naming_the_file_and_the_key(tmp_path: Path) -> None:
    path = a_report().save(tmp_path)
    data = json.loads(path.read_text())
    data["sources"]["home_office_asylum_support"]["loads"][0]["rows_loded"] = 9
    path.write_text(json.dumps(data))
    with pytest.raises(HousingNeedError) as caught:
        load_report(tmp_path, "manual__2026-01-01T00:00:00+00:00")
    assert str(path) in str(caught.value)
    assert "sources.home_office_asylum_support.loads.0.rows_loded: Extra inputs are not permitted" in str(
        caught.value
    )
    data["sources"]["home_office_asylum_support"]["loads"][0].pop("rows_loded")
    data["build"]["mode"] = "partial"
    path.write_text(json.dumps(data))
    with pytest.raises(
        HousingNeedError, match=r"build\.mode: Input should be 'full', 'modified', 'incremental' or 'none'"
    ):
        load_report(tmp_path, "manual__2026-01-01T00:00:00+00:00")
