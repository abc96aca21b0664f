"""The scenario file on its own (no warehouse): keys, admissible ranges, the clearance-period alias,
and known events applied to a projection frame (pure functions). The checks against a real baseline
and the real command are in tests/integration/test_scenarios.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from housing_need.model.projection import apply_known_events
from housing_need.scenarios.spec import ScenarioError, read_file

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\ndescription: d\nauthor: a\n{body}", encoding="utf-8")
    return path


def test_the_bundled_examples_read_and_the_clearance_period_is_the_quota(tmp_path: Path) -> None:
    for example in sorted((ROOT / "scenarios").glob("*.yaml")):
        spec = read_file(example)
        assert spec.name == example.stem and spec.author
    spec = read_file(write(tmp_path, "backlog_clearance_years: 10\n"))
    assert spec.parameter_overrides() == {"backlog_quota": pytest.approx(0.1)}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("parameters: {backlog_quota: 0.1}\nbacklog_clearance_years: 10\n", "say the same thing"),
        ("parameters: {relet_rate: -1}\n", "parameters.relet_rate: value -1 out of range [0, 0.2]"),
        ("migration: {regime_factors: {eu99: 1}}\n", "migration.regime_factors.eu99"),
        ("migration: {regime_factors: {eu14: 9}}\n", "eu14: factor 9.0 out of range [0.0, 5.0]"),
        (
            "known_events: [{date: someday, la: Leicester, people_supported_change: 1}]\n",
            "known_events.0.date",
        ),
        ("grant_rates: {Iran: 1.5}\n", "Iran: grant rate 1.5 out of range [0, 1]"),
        ("name2: x\n", "name2: unknown key"),
        ("- a list\n", "cannot read the scenario file"),
    ],
)
def test_a_bad_file_names_the_file_and_the_key(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ScenarioError) as failed:
        read_file(write(tmp_path, body))
    assert str(failed.value).startswith(f"{tmp_path / 's.yaml'}: ") and message in str(failed.value)


def test_known_events_change_the_projected_people_from_their_quarter_and_never_below_zero() -> None:
    ends = pd.to_datetime(["2024-03-31", "2024-06-30", "2024-09-30"])
    frame = pd.DataFrame(
        {
            "lad_code": ["A"] * 3 + ["B"] * 3,
            "period_end": list(ends) * 2,
            "people_p10": [80.0] * 6,
            "people_p50": [100.0] * 6,
            "people_p90": [120.0] * 6,
        }
    )
    out = apply_known_events(frame, [("A", "2024-05-15", -90)])
    assert list(out["people_p50"]) == [100.0, 10.0, 10.0, 100.0, 100.0, 100.0]
    assert list(out["people_p10"]) == [80.0, 0.0, 0.0, 80.0, 80.0, 80.0]
    assert list(frame["people_p50"]) == [100.0] * 6  # the input is not changed


def test_a_snapshot_is_one_published_state_while_a_refresh_renames_a_new_one_over_it(tmp_path: Path) -> None:
    """The refresh publishes by os.replace; a snapshot taken across it holds the old file or the new,
    never part of each (the copy reads the file it opened)."""
    import os
    import threading

    from housing_need.scenarios.build import snapshot

    published, shadow = tmp_path / "housing_need.duckdb", tmp_path / "shadow.duckdb"
    old, new = b"A" * (48 << 20), b"B" * (48 << 20)
    published.write_bytes(old)
    shadow.write_bytes(new)
    copies = [tmp_path / f"copy{i}" for i in range(3)]
    threads = [threading.Thread(target=snapshot, args=(published, c)) for c in copies]
    threads[0].start()
    os.replace(shadow, published)
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join()
    assert copies[0].read_bytes() in (old, new)
    assert all(c.read_bytes() == new for c in copies[1:])
    with pytest.raises(ScenarioError, match="nothing is published yet"):
        snapshot(tmp_path / "missing.duckdb", tmp_path / "x")
