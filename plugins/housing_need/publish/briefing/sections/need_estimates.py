"""The need-estimates section: the chart and table of housing need further down a page (the answer at the
top is :mod:`..need`'s). An LA page draws its communities' needs a year with their P10-P90 ranges; a
region page its LAs' per 1,000 households. Area totals come from mart_housing_need_total (medians do not
add), each figure's SYNTHETIC inputs are said on the chart and in the table."""

from __future__ import annotations

from .. import svg
from ..need import HORIZON, fmt, quarter_label, rate, synthetic_inputs
from ..page import Content, Published

TOP = 12  # rows drawn in a chart (the table lists all)
_BY_COMMUNITY = f"""
select lad_code, community_name,
       max(case when scenario = 'central' and horizon_years = {HORIZON} then annual_need end) as central,
       max(case when scenario = 'central' and horizon_years = {HORIZON} then annual_need_p10 end) as p10,
       max(case when scenario = 'central' and horizon_years = {HORIZON} then annual_need_p90 end) as p90,
       max(case when scenario = 'low' and horizon_years = {HORIZON} then annual_need end) as low,
       max(case when scenario = 'high' and horizon_years = {HORIZON} then annual_need end) as high,
       max(case when scenario = 'central' and horizon_years = 5 then annual_need end) as central_5,
       max(case when scenario = 'central' and horizon_years = 15 then annual_need end) as central_15,
       max(households_at_base) as households, max(la_households_2021) as la_households,
       max(base_date) as base_date,
       bool_or(rests_on_synthetic_input) as synthetic
from marts.mart_housing_need_estimate
group by lad_code, community_name
order by lad_code, central desc, community_name
"""

_TOTALS = f"""
select area_code,
       max(case when scenario = 'central' then annual_need end),
       max(case when scenario = 'central' then annual_need_p10 end),
       max(case when scenario = 'central' then annual_need_p90 end),
       max(case when scenario = 'low' then annual_need end),
       max(case when scenario = 'high' then annual_need end),
       max(case when scenario = 'central' then annual_need_structural_low end),
       max(case when scenario = 'central' then annual_need_structural_high end)
from marts.mart_housing_need_total
where area_type = 'local_authority' and horizon_years = {HORIZON}
group by area_code
"""

_BY_LA = f"""
select communities.region_name, communities.lad_code, communities.lad_name,
       totals.central, totals.p10, totals.p90, totals.low, totals.high, totals.households,
       communities.communities, communities.largest, communities.synthetic
from (
    select region_name, lad_code, lad_name, count(distinct community_key) as communities,
           arg_max(community_name, case when scenario = 'central' then annual_need end) as largest,
           bool_or(rests_on_synthetic_input) as synthetic
    from marts.mart_housing_need_estimate
    where horizon_years = {HORIZON}
    group by region_name, lad_code, lad_name
) as communities
inner join (
    select area_code,
           max(case when scenario = 'central' then annual_need end) as central,
           max(case when scenario = 'central' then annual_need_p10 end) as p10,
           max(case when scenario = 'central' then annual_need_p90 end) as p90,
           max(case when scenario = 'low' then annual_need end) as low,
           max(case when scenario = 'high' then annual_need end) as high,
           max(all_households_2021) as households
    from marts.mart_housing_need_total
    where area_type = 'local_authority' and horizon_years = {HORIZON}
    group by area_code
) as totals on totals.area_code = communities.lad_code
order by communities.region_name, 1000 * totals.central / totals.households desc
"""

SYNTHETIC_MARK = " (SYNTHETIC input)"


def need_estimates(data: Published, scope: str, key: str) -> Content | None:
    return _region(data, key) if scope == "region" else _la(data, key)


def _la(data: Published, code: str) -> Content | None:
    rows = data.by(_BY_COMMUNITY).get(code)
    if not rows:
        return None
    name = data.la(code)[0] or code
    synthetic = synthetic_inputs(data, "la", code)
    totals = data.by(_TOTALS).get(code)
    s_low, s_high = totals[0][5:7] if totals else (None, None)
    chart = svg.interval_chart(
        [svg.Interval(r[0], round(r[1], 1), round(r[2], 1), round(r[3], 1)) for r in rows[:TOP]],
        title=f"Estimated affordable-housing need a year over {HORIZON} years, {name}, by community"
        + (SYNTHETIC_MARK if synthetic else ""),
        x_label="households a year (median, P10-P90 of the draws)"
        + (", SYNTHETIC input" if synthetic else ""),
    )
    notes = [
        "Each figure is the median of its own draws; medians and ranges do not add across communities, so "
        "the LA's total and its range at the top of the page are taken from its summed draws.",
        "A third range, the structural one, covers the method variants the data cannot decide between (the "
        "register overlap, the affordability test on the backlog)"
        + (f": {fmt(s_low)} to {fmt(s_high)} a year for the LA." if s_low is not None else "."),
    ]
    return Content(
        chart=chart,
        caption=f"The {min(TOP, len(rows))} largest estimated needs for affordable housing a year among "
        f"{name}'s communities over the {HORIZON} years from {quarter_label(rows[0][10])}: the dot is the central "
        "estimate (the median of the draws), the bar its P10-P90 range (a backlog of overcrowded and "
        "registered households unable to afford a lower-quartile rent, met over five years, plus new "
        "households unable to afford and households leaving asylum accommodation, less the community's "
        "share of social re-lets). Negative: re-lets exceed need.",
        headers=(
            "Community",
            "Households now",
            f"{HORIZON}-year need a year (central)",
            "P10",
            "P90",
            "Low scenario",
            "High scenario",
            "5-year",
            "15-year",
            "Data",
        ),
        rows=[
            (r[0], fmt(r[8]), fmt(r[1]), fmt(r[2]), fmt(r[3]), fmt(r[4]), fmt(r[5]), fmt(r[6]), fmt(r[7]))
            + ("SYNTHETIC input" if r[11] else "published",)
            for r in rows
        ],
        notes=notes,
        synthetic=synthetic,
    )


def _region(data: Published, region: str) -> Content | None:
    rows = [r for r in data.by(_BY_LA).get(region, []) if r[2] is not None and r[7]]
    if not rows:
        return None
    per_1000 = [
        (
            name,
            1000 * c / h,
            1000 * (lo if lo is not None else c) / h,
            1000 * (hi if hi is not None else c) / h,
        )
        for _, name, c, lo, hi, _low, _high, h, *_ in rows
    ]
    marked = {r[1] for r in rows if r[10]}
    chart = svg.interval_chart(
        [
            svg.Interval(
                name + (" (SYNTHETIC)" if name in marked else ""), round(c, 2), round(lo, 2), round(hi, 2)
            )
            for name, c, lo, hi in per_1000[:TOP]
        ],
        title=f"Estimated affordable-housing need of emerging communities per 1,000 households, {region}"
        + (SYNTHETIC_MARK if marked else ""),
        x_label=f"households a year per 1,000 households, over {HORIZON} years (median, P10-P90)",
        range_label="P10-P90 range",
    )
    texts = synthetic_inputs(data, "region", region)
    return Content(
        chart=chart,
        caption=f"The {min(TOP, len(rows))} local authorities of {region} with the highest estimated need "
        f"for affordable housing of their emerging communities per 1,000 households, a year over {HORIZON} "
        "years: the dot is the central estimate (the median of the LA's summed draws), the bar its P10-P90 "
        "range, the same kind of range as on the LA pages. The table adds the low and high migration "
        "scenarios."
        + (f" Marked SYNTHETIC: {', '.join(sorted(marked))} rest on a SYNTHETIC input." if marked else ""),
        headers=(
            "Local authority",
            "Need a year (central)",
            "Per 1,000 households",
            "P10",
            "P90",
            "Low scenario",
            "High scenario",
            "Communities",
            "Largest need",
            "Data",
        ),
        rows=[
            (name, fmt(c), rate(1000 * c / h), fmt(p10), fmt(p90), fmt(lo), fmt(hi), n, largest)
            + ("SYNTHETIC input" if synthetic else "published",)
            for _, name, c, p10, p90, lo, hi, h, n, largest, synthetic in rows
        ],
        notes=[
            "Each LA's need is the median of its communities' summed draws (medians do not add), per 1,000 of "
            "all the LA's households."
        ],
        synthetic=texts,
    )
