"""The community population engine and its ten-year hindcast on the bundled real files (Census 2001,
2011, 2021; MYEB3): the formula on a hand-computed cell, the 2001 -> 2011 LA lookup, the static
baseline, the look-ahead guard, and docs/hindcast.md being the current output of the command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from housing_need.model.hindcast import (
    DEFAULT,
    Dispersion,
    LookAheadError,
    cell_rate,
    project_cells,
    score,
)
from housing_need.publish.hindcast import HindcastReport, render_markdown, run_hindcast, write_hindcast
from housing_need.sources.ons_census import hindcast_inputs as hi
from tests.conftest import ROOT

E_AND_W_2001 = 52_041_916  # all people, England and Wales, Census 2001 (KS005)


@pytest.fixture(scope="module")
def report() -> HindcastReport:
    return run_hindcast(ROOT)


@pytest.fixture(scope="module")
def inputs() -> hi.HindcastInputs:
    return hi.read_inputs(ROOT)


def one_cell(as_of: int = 2011) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    cells = pd.DataFrame(
        [
            {
                "lad_code": "E1",
                "community": "X",
                "group": "G",
                "base": 50.0,
                "group_start": 100.0,
                "group_base": 300.0,
            }
        ]
    ).assign(as_of=as_of)
    groups = pd.DataFrame([{"group": "G", "national_start": 1000.0, "national_base": 2000.0, "as_of": 2011}])
    las = pd.DataFrame([{"lad_code": "E1", "internal_rate": 0.01, "international_rate": 0.02, "as_of": 2011}])
    return cells, groups, las


def test_the_engine_on_a_hand_computed_cell() -> None:
    # R = ln(2000/1000)/10 = 0.0693147; R* = 0.025 tanh(R/0.025) = 0.0248054
    # d = ln(300.5/100.5)/10 - R = 0.0402143; w = 100/(100+100) = 0.5
    # local = 0.25 * 0.5 * 0.05 * tanh(d/0.05) = 0.0041652; migration = 1.0 * 0.01 + 0.0 * 0.02
    # r = 0.0389706; P50 = 50 exp(10 r) = 73.8273
    # s = sqrt(0.2^2 + 0.1^2 + 2/(50+1)) = 0.298690; P10 = floor(73.8273 e^(-1.28155 s)) = floor(50.35) = 50,
    # P90 = ceil(73.8273 e^(1.28155 s)) = ceil(108.26) = 109
    cells, groups, las = one_cell()
    a = [np.array([v]) for v in (100.0, 300.0, 1000.0, 2000.0, 0.01, 0.02)]
    rate = cell_rate(a[0], a[1], a[2], a[3], a[4], a[5], DEFAULT)
    assert rate[0] == pytest.approx(0.0389706, abs=1e-7)
    out = project_cells(cells, groups, las, 2011, DEFAULT, Dispersion(sigma={"G": 0.2}, tau=0.1, nu=2.0))
    row = out.iloc[0]
    assert row["p50"] == pytest.approx(73.8273, abs=1e-4)
    assert (row["p10"], row["p90"]) == (50.0, 109.0)
    # a cell with nobody in 2011 stays at nobody, with an empty range
    empty = project_cells(
        cells.assign(base=0.0), groups, las, 2011, DEFAULT, Dispersion({"G": 0.2}, 0.1, 2.0)
    )
    assert empty[["p10", "p50", "p90"]].iloc[0].tolist() == [0.0, 0.0, 0.0]


def test_a_planted_row_after_2011_is_refused() -> None:
    cells, groups, las = one_cell()
    planted = pd.concat([cells, cells.assign(lad_code="E2", base=1e6, as_of=2021)], ignore_index=True)
    with pytest.raises(LookAheadError, match=r"cells: 1 row\(s\) refer to after the origin 2011"):
        project_cells(planted, groups, las, 2011)
    with pytest.raises(LookAheadError, match="las"):
        project_cells(cells, groups, las.assign(as_of=2013), 2011)
    with pytest.raises(LookAheadError, match="no 'as_of' column"):
        project_cells(cells, groups.drop(columns="as_of"), las, 2011)


def test_the_forecast_reads_no_later_figure(tmp_path: Path, inputs: hi.HindcastInputs) -> None:
    """A copy of the project without Census 2021 and with MYEB3's mid-2012 and mid-2013 columns
    multiplied by 100 gives exactly the same inputs: nothing after 2011 reaches the forecast."""
    for rel in (hi.CENSUS_2011, hi.KS005_2001, hi.ST015_2001, hi.LOOKUP_2001, hi.LTLA_CHAIN, hi.REGIONS):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, tmp_path / rel)
    myeb3 = pd.read_csv(ROOT / hi.MYEB3)
    later = [c for c in myeb3.columns if c.endswith(("_2012", "_2013"))]
    assert len(later) == 22
    myeb3[later] = myeb3[later] * 100
    myeb3.to_csv(tmp_path / hi.MYEB3, index=False)
    assert not (tmp_path / hi.CENSUS_2021).exists()
    again = hi.read_inputs(tmp_path)
    for name in ("cells", "groups", "las"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(inputs, name))
    assert {frame["as_of"].max() for frame in (again.cells, again.groups, again.las)} == {2011}


def test_every_2001_la_maps_once_and_totals_are_kept() -> None:
    lookup = pd.read_csv(ROOT / hi.LOOKUP_2001, dtype={"la2001_code": str})
    ks005 = pd.read_csv(ROOT / hi.KS005_2001)
    st015 = pd.read_csv(ROOT / hi.ST015_2001, dtype={"la2001_code": str})
    assert len(lookup) == len(ks005) == len(st015) == 376
    assert lookup["la2001_code"].is_unique and lookup["la2001_name"].is_unique
    assert set(lookup["la2001_name"]) == set(ks005["la2001_name"])
    assert set(lookup["la2001_code"]) == set(st015["la2001_code"])
    # the name (KS005) and the code (ST015) are one place: totals agree within the small-cell adjustment
    gap = lookup["population_2001_ks005"] / lookup["population_2001_st015"] - 1
    assert gap.abs().max() < 0.005
    # 376 2001 LAs onto the 348 LAs of QS203EW, each receiving at least one
    census = hi.read_census_2011(ROOT)
    assert set(lookup["lad11_code"]) == set(census.index) and len(census) == 348
    merged = lookup[lookup["basis"] == "2009 unitary"].groupby("lad11_name")["la2001_name"].count()
    assert merged.to_dict() == {
        "Bedford": 1,
        "Central Bedfordshire": 2,
        "Cheshire East": 3,
        "Cheshire West and Chester": 3,
        "Cornwall": 6,
        "County Durham": 7,
        "Northumberland": 6,
        "Shropshire": 5,
        "Wiltshire": 4,
    }
    assert lookup.set_index("la2001_name").at["Chester", "lad11_name"] == "Cheshire West and Chester"
    population = hi.read_population_2001(ROOT)
    assert population.sum() == ks005["KS0050001 All people"].sum() == E_AND_W_2001
    groups = hi.read_groups_2001(ROOT)
    assert groups["Poland"].sum() == ks005["UV0080031 Europe \\ Eastern Europe \\ Poland"].sum() == 58_075
    assert groups["Germany"].sum() == st015.filter(like="Germany").iloc[:, 0].sum()


def test_static_and_oracle_reproduce_the_issue(report: HindcastReport) -> None:
    # the issue measured 0.317 (static) and 0.230 (oracle) on LA x 27 countries
    assert report.static.cells == 318 * 27
    assert round(report.static.wape, 4) == 0.3170  # 0.316958 exactly
    assert round(report.oracle.wape, 4) == 0.2301
    assert report.model.wape <= 0.285 and 0.75 <= report.model.coverage <= 0.85


def test_the_scores_are_those_docs_hindcast_states(report: HindcastReport) -> None:
    text = (ROOT / "docs" / "hindcast.md").read_text(encoding="utf-8")
    engine = re.search(r"^\| engine \| ([0-9.]+) \| ([0-9.]+)% \|$", text, re.M)
    static = re.search(r"^\| static \| ([0-9.]+) \|", text, re.M)
    assert engine and static
    assert float(engine.group(1)) == round(report.model.wape, 3)
    assert float(engine.group(2)) == round(100 * report.model.coverage, 1)
    assert float(static.group(1)) == round(report.static.wape, 3)


def test_docs_hindcast_is_current(tmp_path: Path, report: HindcastReport) -> None:
    files = write_hindcast(ROOT, tmp_path)
    assert files.markdown.read_bytes() == (ROOT / "docs" / "hindcast.md").read_bytes(), (
        "docs/hindcast.md is stale: run ./run hindcast --out docs"
    )
    assert render_markdown(report) == files.markdown.read_text(encoding="utf-8")


def test_score_counts_a_missing_actual_as_zero() -> None:
    forecast = pd.DataFrame(
        {
            "lad_code": ["A", "B"],
            "community": ["X", "X"],
            "p50": [10.0, 5.0],
            "p10": [8.0, 0.0],
            "p90": [12.0, 6.0],
        }
    )
    actual = pd.DataFrame({"lad_code": ["A"], "community": ["X"], "people": [20.0]})
    result = score(forecast, actual)["all"]
    assert result.wape == pytest.approx((10 + 5) / 20) and result.coverage == pytest.approx(0.5)
