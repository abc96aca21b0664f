"""The asylum support projection and its backtest, on small frames built here (no warehouse)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date

import numpy as np
import pandas as pd
import pytest

from housing_need.model.backtest import (
    OriginScore,
    backtest,
    coverage,
    score_origin,
    static_baseline,
    summarise,
    wape,
)
from housing_need.model.projection import (
    ProjectionParams,
    build_panel,
    project,
    project_move_on,
    reallocations,
    trend_growth,
)
from housing_need.publish.backtest import render_markdown, wape_chart

COLUMNS = ["period_end", "lad_code", "support_type", "accommodation_type", "people"]
NO_DECISIONS = pd.DataFrame({"period_end": pd.Series(dtype="datetime64[ns]"), "decisions_on_merits": []})


def frame(rows: list[tuple[str, str | None, str, str, int]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["period_end"] = pd.to_datetime(out["period_end"])
    return out


def synthetic_history(quarters: int = 12, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten LAs with dispersal, hotel and subsistence rows plus unallocated rows, and decisions."""
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2018-03-31", periods=quarters, freq="QE-DEC")
    rows = []
    for t, period in enumerate(periods):
        for i, lad in enumerate(f"E{n}" for n in range(1, 11)):
            rows.append(
                (period, lad, "section_95", "dispersal", int(100 * (i + 1) + 5 * t + rng.integers(0, 30)))
            )
            rows.append((period, lad, "section_95", "subsistence_only", int(10 + rng.integers(0, 5))))
            if t >= 4 and i < 4:
                rows.append((period, lad, "section_98", "contingency_hotel", int(50 + rng.integers(0, 40))))
        rows.append((period, None, "section_98", "not_applicable", int(300 + rng.integers(0, 50))))
    history = pd.DataFrame(rows, columns=COLUMNS)
    decisions = pd.DataFrame(
        {"period_end": periods, "decisions_on_merits": rng.integers(1000, 2000, quarters)}
    )
    return history, decisions


def test_hand_built_p50_is_each_components_stock_times_its_damped_national_growth() -> None:
    """Hand-built: LA E1 has 80 in dispersal and 20 in hotels at the origin (2020 Q3). National
    dispersal (E1 + E2) is 200, 220, 242: b = ln 1.1 per quarter. National contingency (E1's hotel plus
    the unallocated section 98 rows) is 40, 40, 40: b = 0. With phi = 0.5 and m = 2:
    P50(h=1) = 80 * 1.1^0.5 + 20 = 103.905; P50(h=2) = 80 * 1.1^(0.5 + 0.25) + 20 = 105.928."""
    history = frame(
        [
            ("2020-03-31", "E1", "section_95", "dispersal", 50),
            ("2020-06-30", "E1", "section_95", "dispersal", 60),
            ("2020-09-30", "E1", "section_95", "dispersal", 80),
            ("2020-03-31", "E2", "section_95", "dispersal", 150),
            ("2020-06-30", "E2", "section_95", "dispersal", 160),
            ("2020-09-30", "E2", "section_95", "dispersal", 162),
            ("2020-06-30", "E1", "section_98", "contingency_hotel", 10),
            ("2020-09-30", "E1", "section_98", "contingency_hotel", 20),
            ("2020-03-31", None, "section_98", "not_applicable", 40),
            ("2020-06-30", None, "section_98", "not_applicable", 30),
            ("2020-09-30", None, "section_98", "not_applicable", 20),
        ]
    )
    params = ProjectionParams(phi=0.5, trend_quarters=2)
    out = project(history, NO_DECISIONS, date(2020, 9, 30), horizons=2, params=params)
    e1 = out[out["lad_code"] == "E1"].set_index("horizon")
    assert e1.loc[1, "people_p50"] == pytest.approx(103.905, abs=1e-3)
    assert e1.loc[2, "people_p50"] == pytest.approx(105.928, abs=1e-3)
    assert e1.loc[1, "people_p50"] == pytest.approx(80 * 1.1**0.5 + 20)
    assert list(e1["people_at_origin"]) == [100, 100]
    assert list(e1["period_end"]) == [pd.Timestamp("2020-12-31"), pd.Timestamp("2021-03-31")]
    assert (out["people_p10"] <= out["people_p50"]).all() and (out["people_p50"] <= out["people_p90"]).all()


def test_a_quarter_that_jumps_by_more_than_half_switches_the_national_trend_off() -> None:
    params = ProjectionParams(phi=0.5, trend_quarters=2)
    assert trend_growth(np.array([100.0, 200.0, 210.0]), 2, params) == pytest.approx([1.0, 1.0])
    steady = trend_growth(np.array([100.0, 110.0, 121.0]), 2, params)
    assert steady == pytest.approx([1.1**0.5, 1.1**0.75])


def test_rows_after_the_origin_change_nothing() -> None:
    history, decisions = synthetic_history()
    origin = date(2019, 12, 31)
    before = project(history, decisions, origin, horizons=4)
    planted = pd.concat(
        [
            history,
            frame(
                [
                    ("2020-03-31", "E1", "section_95", "dispersal", 10**9),
                    ("2020-03-31", "E99", "section_98", "contingency_hotel", 10**9),
                    ("2031-12-31", None, "section_98", "not_applicable", 10**9),
                ]
            ),
        ],
        ignore_index=True,
    )
    more_decisions = pd.concat(
        [
            decisions,
            pd.DataFrame({"period_end": [pd.Timestamp("2020-03-31")], "decisions_on_merits": [10**9]}),
        ]
    )
    for params in (ProjectionParams(), ProjectionParams(national_model="decisions")):
        expected = project(history, decisions, origin, horizons=4, params=params)
        pd.testing.assert_frame_equal(
            project(planted, more_decisions, origin, horizons=4, params=params), expected
        )
    assert before["people_p90"].gt(before["people_p10"]).any()  # the ranges were calibrated, not degenerate

    origins = [date(2019, 9, 30), date(2019, 12, 31)]
    late = frame([("2035-12-31", "E1", "section_95", "dispersal", 10**9)])
    expected_report = backtest(history, decisions, origins, horizons=2)
    assert (
        backtest(pd.concat([history, late], ignore_index=True), more_decisions, origins, horizons=2)
        == expected_report
    )
    assert [s.n for s in expected_report.horizons] == [20, 20]


def test_wape_and_coverage_on_a_hand_made_example() -> None:
    """A: P10-P50-P90 80-100-120, 90 at the origin, 110 at the target (error 10, static 20, inside).
    B: 40-50-60, 65 then 70 (error 20, static 5, above P90). C: no row and 0 at the origin, 20 at the
    target (error 20, static 20, outside). D: 0 at both, not scored. WAPE = 50 / 200, static 45 / 200,
    coverage 1 / 3."""
    projection = pd.DataFrame(
        {
            "lad_code": ["A", "B", "D"],
            "people_p10": [80.0, 40.0, 0.0],
            "people_p50": [100.0, 50.0, 0.0],
            "people_p90": [120.0, 60.0, 0.0],
        }
    )
    static = pd.DataFrame({"lad_code": ["A", "B"], "people": [90.0, 65.0]})
    actual = pd.Series({"A": 110.0, "B": 70.0, "C": 20.0, "D": 0.0})
    score = score_origin(projection, static, actual, date(2020, 3, 31), 1)
    assert (score.n, score.actual, score.abs_error, score.abs_error_static, score.covered) == (
        3,
        200,
        50,
        45,
        1,
    )
    assert score.wape == pytest.approx(0.25)
    assert score.wape_static == pytest.approx(0.225)
    assert score.coverage == pytest.approx(1 / 3)
    assert wape([100, 50, 0], [110, 70, 20]) == pytest.approx(0.25)
    assert coverage([110, 70, 20], [80, 40, 0], [120, 60, 0]) == pytest.approx(1 / 3)

    other = OriginScore(date(2020, 6, 30), 1, n=1, actual=100, abs_error=10, abs_error_static=30, covered=1)
    (pooled,) = summarise([score, other])
    assert pooled.wape == pytest.approx(60 / 300)  # pooled sums, not the mean of 0.25 and 0.1
    assert pooled.wape_static == pytest.approx(75 / 300)
    assert pooled.ratio == pytest.approx(60 / 75)
    assert pooled.coverage == pytest.approx(2 / 4)


def test_static_baseline_carries_the_last_value_forward() -> None:
    history = frame(
        [
            ("2021-03-31", "E1", "section_95", "dispersal", 10),
            ("2021-06-30", "E1", "section_95", "dispersal", 12),
            ("2021-06-30", "E1", "section_4", "dispersal", 3),
            ("2021-03-31", "E2", "section_95", "dispersal", 7),
            ("2021-06-30", None, "section_98", "not_applicable", 99),
            ("2021-09-30", "E1", "section_95", "dispersal", 1000),
        ]
    )
    static = static_baseline(history, date(2021, 6, 30), horizons=3)
    assert sorted(zip(static["lad_code"], static["horizon"], static["people"], strict=True)) == [
        ("E1", 1, 15.0),
        ("E1", 2, 15.0),
        ("E1", 3, 15.0),
    ]
    projected = project(history, NO_DECISIONS, date(2021, 6, 30), 3, ProjectionParams(national_model="none"))
    e1 = projected[projected["lad_code"] == "E1"]
    assert list(e1["people_p50"]) == [15.0, 15.0, 15.0]
    assert projected.loc[projected["lad_code"] == "E2", "people_p50"].eq(0).all()


def test_origin_without_published_rows_is_refused() -> None:
    history, decisions = synthetic_history(quarters=4)
    with pytest.raises(ValueError, match="no support rows"):
        project(history, decisions, date(2025, 3, 31))
    with pytest.raises(ValueError, match="not a quarter end"):
        project(history, decisions, date(2018, 5, 31))


def test_markdown_and_chart_show_every_horizon() -> None:
    history, decisions = synthetic_history()
    report = backtest(
        history, decisions, [date(2019, 6, 30), date(2019, 9, 30), date(2019, 12, 31)], horizons=2
    )
    text = render_markdown(report, periods={"Origins 2019 Q3 on": (date(2019, 9, 30), date(2019, 12, 31))})
    assert "| 1 quarter | 3 |" in text and "| 2 quarters | 3 |" in text
    assert "## Origins 2019 Q3 on" in text and "backtest-wape.svg" in text
    root = ET.fromstring(wape_chart(report, horizons=(1, 2)))
    marks = [float(m.get("data-value", "nan")) for m in root.iter("{http://www.w3.org/2000/svg}circle")]
    assert len(marks) == 4 and all(math.isfinite(v) for v in marks)  # 4 lines x 1 origin year


def test_a_fall_in_the_unallocated_share_marks_a_reallocation_quarter() -> None:
    """2018 Q1: 40 of 100 people allocated to no LA become E1's (a publisher's change, not people
    moving); 2018 Q2: the unallocated share rises again, which is not a reallocation."""
    history = frame(
        [
            ("2017-12-31", "E1", "section_95", "dispersal", 60),
            ("2017-12-31", None, "section_4", "dispersal", 40),
            ("2018-03-31", "E1", "section_95", "dispersal", 60),
            ("2018-03-31", "E1", "section_4", "dispersal", 40),
            ("2018-06-30", "E1", "section_95", "dispersal", 60),
            ("2018-06-30", None, "section_98", "not_applicable", 40),
        ]
    )
    panel = build_panel(history)
    assert list(reallocations(panel, 0.05)) == [False, True, False]
    assert list(panel.national["section_4"]) == [40, 40, 0]


def test_move_on_is_the_las_last_year_rate_per_person_times_the_projection() -> None:
    """LA A: 200 people at the origin and 40 + 30 + 20 + 10 = 100 estimated move-on households in the
    four quarters to it (an older quarter is not read): r = 100 / (4 x 200) = 0.125 a quarter, so 300
    projected people move on 37.5 households; A's calibration ratio 0.5 gives 18.75 duties. LA B has no
    calibration: the median ratio of the calibrated LAs (0.5 and 1.5: 1.0) applies."""
    origin = pd.Timestamp("2023-12-31")
    projected = pd.DataFrame(
        {
            "lad_code": ["A", "B"],
            "origin_period_end": origin,
            "period_end": pd.Timestamp("2024-03-31"),
            "horizon": 1,
            "people_at_origin": [200.0, 100.0],
            "people_p10": [100.0, 50.0],
            "people_p50": [300.0, 100.0],
            "people_p90": [400.0, 150.0],
        }
    )
    quarters = pd.to_datetime(["2022-12-31", "2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"])
    move_on = pd.DataFrame(
        {
            "lad_code": ["A"] * 5 + ["B"] * 5,
            "period_end": list(quarters) * 2,
            "estimated_households_central": [999.0, 40, 30, 20, 10, 999.0, 5, 5, 5, 5],
        }
    )
    calibration = pd.DataFrame({"lad_code": ["A", "C"], "observed_to_estimate_ratio": [0.5, 1.5]})

    out = project_move_on(projected, move_on, calibration).set_index("lad_code")

    assert out.loc["A", "move_on_households_p50"] == pytest.approx(37.5)
    assert out.loc["A", "move_on_households_p10"] == pytest.approx(12.5)
    assert out.loc["A", "move_on_duties_p50"] == pytest.approx(18.75)
    assert out.loc["B", "move_on_households_p90"] == pytest.approx(150 * 20 / 400)
    assert out.loc["B", "move_on_calibration_ratio"] == pytest.approx(1.0)
