"""The move-on backtest on a small synthetic case computed by hand (no warehouse).

Origin T = 2022 Q4. UK accommodated stock 1,000 at 2022 Q3 and Q4 (A 100 then 200, B 300 then 200,
E 0 then 100, the rest allocated to no LA); UK grants 1,000 a quarter in 2022, 2,000 in 2023.

    calibration (2022 Q4 only: no stock before Q3)  E_A = 100/1000 x 1000 x 0.7 = 70, obs 35: c_A = 0.5
                                                    E_B = 300/1000 x 1000 x 0.7 = 210, obs 42: c_B = 0.2
                                                    median c = 0.35 (E has no duty: it gets it)
    model 2023 = share at T x 4,000 x 0.7 x c       A 0.2 x 2800 x 0.5 = 280, B 0.2 x 2800 x 0.2 = 112,
                                                    C 0 (no stock), E 0.1 x 2800 x 0.35 = 98
    static = 4 x last reported quarter              A 140, B 168, C 20 (2022 Q4 not reported: Q3's 5)
    mean4 = 4 x mean of reported 2022 quarters      A 4 x 22.5 = 90, B 4 x 36 = 144, C 20
    actual 2023                                     A 300, B 120, C 40 (D: a quarter not reported, out;
                                                    E: no duty rows, out)
    WAPE model  = (20 + 8 + 40) / 460;  static = (160 + 48 + 20) / 460;  mean4 = (210 + 24 + 20) / 460
    Spearman model: ranks (3, 2, 1) vs (3, 2, 1) = 1;  static: (2, 3, 1) vs (3, 2, 1) = 1 - 6 x 2 / 24 = 0.5
    oracle (real grants 8,000): A 560, B 224, C 0: (260 + 104 + 40) / 460
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from housing_need.model.move_on_backtest import (
    MoveOnInputs,
    calibration_ratios,
    forecast,
    known_by,
    national_errors,
    pooled,
    range_from_errors,
    score,
    spearman,
    wape,
)

T = pd.Timestamp("2022-12-31")
YEAR_2022 = ["2022-03-31", "2022-06-30", "2022-09-30", "2022-12-31"]
YEAR_2023 = ["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"]


def inputs() -> MoveOnInputs:
    stock = pd.DataFrame(
        [
            ("A", "2022-09-30", 100),
            ("B", "2022-09-30", 300),
            (None, "2022-09-30", 600),
            ("A", "2022-12-31", 200),
            ("B", "2022-12-31", 200),
            ("E", "2022-12-31", 100),
            (None, "2022-12-31", 500),
        ],
        columns=["lad_code", "period_end", "people"],
    )
    grants = pd.DataFrame({"period_end": YEAR_2022 + YEAR_2023, "grants": [1000] * 4 + [2000] * 4})
    duties = [
        ("A", "2022-09-30", 10),
        ("B", "2022-09-30", 30),
        ("C", "2022-09-30", 5),
        ("A", "2022-12-31", 35),
        ("B", "2022-12-31", 42),
        ("C", "2022-12-31", None),
    ]
    for q, a in zip(YEAR_2023, (60, 70, 80, 90), strict=True):
        duties += [("A", q, a), ("B", q, 30), ("C", q, 10), ("D", q, None if q == YEAR_2023[1] else 50)]
    return MoveOnInputs(
        stock=stock.assign(period_end=pd.to_datetime(stock["period_end"])),
        grants=grants.assign(period_end=pd.to_datetime(grants["period_end"])),
        duties=pd.DataFrame(duties, columns=["lad_code", "period_end", "households"]).assign(
            period_end=lambda d: pd.to_datetime(d["period_end"])
        ),
    )


def test_calibration_uses_quarters_with_an_estimate_and_a_reported_duty() -> None:
    ratios = calibration_ratios(known_by(inputs(), T))
    assert ratios.to_dict() == pytest.approx({"A": 0.5, "B": 0.2})


def test_hand_computed_forecast_and_baselines() -> None:
    f = forecast(inputs(), T).set_index("lad_code")
    assert f["model"].to_dict() == pytest.approx({"A": 280.0, "B": 112.0, "C": 0.0, "E": 98.0})
    assert f["static"].to_dict() == pytest.approx({"A": 140.0, "B": 168.0, "C": 20.0, "E": 0.0})
    assert f["mean4"].to_dict() == pytest.approx({"A": 90.0, "B": 144.0, "C": 20.0, "E": 0.0})
    assert f.loc["E", "calibration_ratio"] == pytest.approx(0.35)  # the median of A's and B's
    # four quarters of grants only: no national error sample, so the range collapses on the forecast
    assert (f["model_p10"] == f["model"]).all() and (f["model_p90"] == f["model"]).all()


def test_hand_computed_scores() -> None:
    s = score(inputs(), T)
    assert s.n == 3 and s.actual == 460.0  # D (a quarter not reported) and E (no duties) are not scored
    assert s.wape_model == pytest.approx(68 / 460)
    assert s.wape_static == pytest.approx(228 / 460)
    assert s.ratio == pytest.approx(68 / 228)
    assert s.wape_mean4 == pytest.approx(254 / 460)
    assert s.wape_oracle == pytest.approx(404 / 460)
    assert s.rank_model == pytest.approx(1.0)
    assert s.rank_static == pytest.approx(0.5)
    assert s.grants_projected == 4000.0 and s.grants_actual == 8000.0
    assert s.coverage == 0.0  # P10 = P90 = the forecast, which no actual equals
    both = pooled([s, s])
    assert both.n == 6 and both.wape_model == pytest.approx(s.wape_model) and both.coverage == 0.0


def test_rows_after_the_origin_change_nothing() -> None:
    base = inputs()
    clean = forecast(base, T)
    planted = MoveOnInputs(
        stock=pd.concat(
            [
                base.stock,
                pd.DataFrame(
                    {
                        "lad_code": ["A", None],
                        "period_end": [T + pd.Timedelta(days=1)] * 2,
                        "people": [10**6, 5],
                    }
                ),
            ]
        ),
        grants=pd.concat(
            [base.grants, pd.DataFrame({"period_end": [pd.Timestamp("2024-03-31")], "grants": [10**6]})]
        ),
        duties=pd.concat(
            [
                base.duties,
                pd.DataFrame(
                    {"lad_code": ["B"], "period_end": [pd.Timestamp("2023-03-31")], "households": [10**6]}
                ),
            ]
        ),
    )
    pd.testing.assert_frame_equal(forecast(planted, T), clean)
    # and the forecast equals one made from the rows up to the origin alone
    pd.testing.assert_frame_equal(forecast(known_by(base, T), T), clean)


def test_the_flat_grant_projection_needs_last_years_four_quarters() -> None:
    base = inputs()
    short = MoveOnInputs(
        base.stock, base.grants[base.grants["period_end"] != pd.Timestamp("2022-06-30")], base.duties
    )
    with pytest.raises(ValueError, match="2022-06-30"):
        forecast(short, T)


def test_national_errors_and_the_range_from_error_pairs() -> None:
    grants = pd.Series([100.0] * 4 + [200.0] * 4, index=pd.to_datetime(YEAR_2022 + YEAR_2023))
    assert national_errors(grants) == pytest.approx([np.log(2.0)])  # the one t with four quarters each side
    # F = 9 with national {0, ln 2} and local {0, ln 0.5}: ln(1 + 9 e^n) + e is ln 10, ln 19, ln 5, ln 9.5;
    # quantiles (linear) 0.1: ln 5 + 0.3 (ln 9.5 - ln 5), 0.9: ln 10 + 0.7 (ln 19 - ln 10)
    low, high = range_from_errors(np.array([9.0]), np.log([1.0, 2.0]), np.log([1.0, 0.5]))
    assert low[0] == pytest.approx(np.exp(np.log(5) + 0.3 * np.log(9.5 / 5)) - 1)
    assert high[0] == pytest.approx(np.exp(np.log(10) + 0.7 * np.log(19 / 10)) - 1)
    # an empty sample: the range collapses on the forecast
    assert [list(b) for b in range_from_errors(np.array([4.0]), np.array([]), np.array([0.0]))] == [
        [4.0],
        [4.0],
    ]


def test_wape_and_spearman_by_hand() -> None:
    assert wape([1, 3], [2, 2]) == pytest.approx(0.5)
    assert spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    assert spearman([0, 0, 1], [1, 2, 3]) == pytest.approx(np.corrcoef([1.5, 1.5, 3], [1, 2, 3])[0, 1])
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))
