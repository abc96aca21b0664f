"""The asylum-support history as arrays for the projection: people by quarter, LA and component.

Components and the national series are defined in :mod:`housing_need.model.projection`: the
national series of a component sums its rows allocated to no LA too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

COMPONENTS = ("dispersal", "subsistence", "section_4", "contingency")
CONTINGENCY_ACCOMMODATION = ("contingency_hotel", "contingency_other", "initial", "not_applicable")


def component_of(support_type: pd.Series, accommodation_type: pd.Series) -> npt.NDArray[np.str_]:
    """The component of each row (see :mod:`housing_need.model.projection`)."""
    support = support_type.astype("string")
    accommodation = accommodation_type.astype("string")
    contingency = support.eq("section_98") | accommodation.isin(CONTINGENCY_ACCOMMODATION)
    conditions = [
        contingency.fillna(False).to_numpy(dtype=bool),
        support.eq("section_4").fillna(False).to_numpy(dtype=bool),
        accommodation.eq("subsistence_only").fillna(False).to_numpy(dtype=bool),
    ]
    return np.select(conditions, ["contingency", "section_4", "subsistence"], "dispersal")


@dataclass(frozen=True)
class Panel:
    """The history as arrays: quarters (consecutive, the last is the origin) by LAs."""

    periods: pd.DatetimeIndex
    lads: pd.Index
    local: dict[str, FloatArray]  # component -> (quarters, LAs), allocated rows
    national: dict[str, FloatArray]  # component -> (quarters,), allocated and unallocated rows
    total: FloatArray  # (quarters, LAs): all components
    seen: BoolArray  # (quarters, LAs): the LA has had people at or before the quarter


def build_panel(history: pd.DataFrame) -> Panel:
    """Arrays of people by quarter, LA and component; raises if a quarter is missing."""
    frame = history.assign(
        component=component_of(history["support_type"], history["accommodation_type"]),
        people=pd.to_numeric(history["people"]).astype(float),
    )
    periods = pd.DatetimeIndex(sorted(frame["period_end"].unique()))
    expected = pd.date_range(periods[0], periods[-1], freq="QE-DEC")
    if len(expected) != len(periods) or not (expected == periods).all():
        missing = sorted(set(expected) - set(periods))
        raise ValueError(f"the history is not quarterly without gaps: missing {missing[:4]}")
    allocated = frame[frame["lad_code"].notna()]
    lads = pd.Index(sorted(allocated["lad_code"].unique()), name="lad_code")
    local = {c: _wide(allocated[allocated["component"] == c], periods, lads) for c in COMPONENTS}
    national = {
        c: frame[frame["component"] == c]
        .groupby("period_end")["people"]
        .sum()
        .reindex(periods, fill_value=0.0)
        for c in COMPONENTS
    }
    total = np.sum([local[c] for c in COMPONENTS], axis=0)
    return Panel(
        periods=periods,
        lads=lads,
        local=local,
        national={c: series.to_numpy(dtype=float) for c, series in national.items()},
        total=total,
        seen=np.maximum.accumulate(total > 0, axis=0),
    )


def _wide(rows: pd.DataFrame, periods: pd.DatetimeIndex, lads: pd.Index) -> FloatArray:
    people = rows.groupby(["period_end", "lad_code"])["people"].sum().unstack(fill_value=0.0)
    return np.asarray(people.reindex(index=periods, columns=lads, fill_value=0.0).to_numpy(dtype=float))
