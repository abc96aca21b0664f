"""People in receipt of asylum support per current LA, projected 1-8 quarters ahead of the latest
published quarter, with P10/P50/P90 of people and of move-on households (housing_need.model.projection; method and backtest:
docs/need-method.md, docs/backtest.md).

A what-if scenario's known events (docs/scenarios.md) reach it as the model's config
``scenario_known_events`` (a list of [lad_code, date, people], from the dbt var ``scenario``; empty in
the published build): they change the projected people of their LA from their date, and so its
move-on.

A dbt Python model, so that the projection sits in the lineage and is built, tested and gated with
the marts it reads. dbt-duckdb runs it in the dbt process; it is disabled on other targets
(dbt_project.yml), where the BI copy of the marts brings it instead.
"""

import pandas as pd


def model(dbt, session):
    from housing_need.model.projection import (
        MOVE_ON_COLUMNS,
        OUTPUT_COLUMNS,
        apply_known_events,
        project,
        project_move_on,
    )

    history = dbt.ref("fct_asylum_support_by_la_quarter").df()
    decisions = dbt.ref("mart_initial_decisions_by_quarter").df()
    names = dbt.ref("dim_local_authority").df()[["lad_code", "lad_name", "region_name"]]
    origin = pd.Timestamp(history["period_end"].max()).date()
    projected = project(
        history[["period_end", "lad_code", "support_type", "accommodation_type", "people"]],
        decisions[["period_end", "decisions_on_merits"]],
        origin,
        horizons=8,
    )
    # an assignment of its own: dbt finds the config keys a Python model reads in statements like this
    known_events = dbt.config.get("scenario_known_events")
    projected = apply_known_events(projected, [tuple(event) for event in known_events or []])
    move_on = dbt.ref("mart_move_on_pressure_by_la_quarter").df()
    calibration = dbt.ref("mart_move_on_calibration_by_la").df()
    projected = project_move_on(
        projected,
        move_on[["lad_code", "period_end", "estimated_households_central"]],
        calibration[["lad_code", "observed_to_estimate_ratio"]],
    )
    out = projected.merge(names, on="lad_code", how="left")
    out["projection_key"] = out["lad_code"] + "|" + out["period_end"].astype(str)
    out["origin_period_end"] = pd.to_datetime(out["origin_period_end"]).dt.date
    out["period_end"] = pd.to_datetime(out["period_end"]).dt.date
    for column in ("people_at_origin", "people_p10", "people_p50", "people_p90", *MOVE_ON_COLUMNS):
        out[column] = out[column].astype("float64")
    out["horizon"] = out["horizon"].astype("int32")
    out["method"] = (
        "LA shares of national accommodation components, damped national trend; move-on at the LA's "
        "last-year rate per person supported (docs/need-method.md)"
    )
    # the projection's own columns after the key and the LA's names, then move-on, then the method
    return out[
        ["projection_key", "lad_code", "lad_name", "region_name", *OUTPUT_COLUMNS[1:], *MOVE_ON_COLUMNS, "method"]
    ]
