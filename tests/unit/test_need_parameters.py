"""The need model's Monte Carlo draws are generated from the parameter file, never typed."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "need"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_parameter_draws", SEEDS / "generate_parameter_draws.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_draws_are_what_the_seeded_generator_writes() -> None:
    generator = _generator()
    assert (SEEDS / "ref_need_parameter_draws.csv").read_text(encoding="utf-8") == generator.draws_csv()


def test_every_uncertain_parameter_has_100_draws_inside_its_range() -> None:
    parameters = {r["parameter"]: r for r in csv.DictReader((SEEDS / "ref_need_parameters.csv").open())}
    draws: dict[str, list[float]] = {}
    for row in csv.DictReader((SEEDS / "ref_need_parameter_draws.csv").open()):
        draws.setdefault(row["parameter"], []).append(float(row["value"]))
    assert set(draws) == {name for name, p in parameters.items() if p["varies"] in ("draw", "normal")}
    for name, values in draws.items():
        low, high = float(parameters[name]["low"]), float(parameters[name]["high"])
        inside = sum(low <= v <= high for v in values)
        if parameters[name]["varies"] == "draw":
            assert len(values) == 100 and inside == 100, name
        else:  # a standard normal deviate: low and high are its P10 and P90
            assert len(values) == 100 and 65 <= inside <= 95 and abs(sum(values) / 100) < 0.3, name
    # a different seed gives different draws: the file depends on the seed, not on a typed list
    assert _generator().draws_csv(seed=1) != (SEEDS / "ref_need_parameter_draws.csv").read_text(
        encoding="utf-8"
    )


def test_a_parameter_file_with_two_versions_is_refused(tmp_path: Path) -> None:
    text = (SEEDS / "ref_need_parameters.csv").read_text(encoding="utf-8").splitlines()
    text[-1] = text[-1].replace("2026.12.1", "2027.01.1", 1)
    broken = tmp_path / "parameters.csv"
    broken.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected one parameter_version"):
        _generator().draws_csv(broken)


def test_the_method_page_lists_every_parameter_with_its_values() -> None:
    page = (SEEDS.parents[2] / "docs" / "need-method.md").read_text(encoding="utf-8")
    for row in csv.DictReader((SEEDS / "ref_need_parameters.csv").open()):
        values = " | ".join(f"{float(row[k]):g}" for k in ("low", "central", "high"))
        assert f"| `{row['parameter']}` | {values} | {row['varies']} |" in page, row["parameter"]
