"""The "Housing need" section of the briefing pages: marts.mart_housing_need_estimate read for a local
authority (its communities' need over 10 years, the median with the P10-P90 range, the 5- and 15-year and
low/high-scenario figures, the inputs behind them and the LA's watchlist entry) or a region (its LAs'
need per 1,000 households); the area totals and their ranges come from marts.mart_housing_need_total
(ranges do not add across communities: that mart adds the draws first)."""

from __future__ import annotations

from . import svg
from .sections import Content, Published, watchlist_note

HORIZON = 10  # the horizon the section leads with; the table adds 5 and 15
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
       max(base_date) as base_date, max(parameter_version) as version, max(inputs) as inputs,
       max(case when rests_on_synthetic_input then synthetic_inputs end) as synthetic
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
       max(case when scenario = 'central' then annual_need_structural_high end),
       max(case when scenario = 'central' then need_over_horizon end)
from marts.mart_housing_need_total
where area_type = 'local_authority' and horizon_years = {HORIZON}
group by area_code
"""

_BY_LA = f"""
select communities.region_name, communities.lad_code, communities.lad_name,
       totals.central, totals.low, totals.high, totals.households, communities.communities, communities.largest
from (
    select region_name, lad_code, lad_name, count(distinct community_key) as communities,
           arg_max(community_name, case when scenario = 'central' then annual_need end) as largest
    from marts.mart_housing_need_estimate
    where horizon_years = {HORIZON}
    group by region_name, lad_code, lad_name
) as communities
inner join (
    select area_code,
           max(case when scenario = 'central' then annual_need end) as central,
           max(case when scenario = 'low' then annual_need end) as low,
           max(case when scenario = 'high' then annual_need end) as high,
           max(all_households_2021) as households
    from marts.mart_housing_need_total
    where area_type = 'local_authority' and horizon_years = {HORIZON}
    group by area_code
) as totals on totals.area_code = communities.lad_code
order by communities.region_name, 1000 * totals.central / totals.households desc
"""


def _n(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def need_estimates(data: Published, scope: str, key: str) -> Content | None:
    return _region(data, key) if scope == "region" else _la(data, key)


def _la(data: Published, code: str) -> Content | None:
    rows = data.by(_BY_COMMUNITY).get(code)
    if not rows:
        return None
    name = data.la(code)[0] or code
    la_households, base_date, version, inputs = rows[0][9], rows[0][10], rows[0][11], rows[0][12]
    synthetic = sorted({r[13] for r in rows if r[13]})
    totals = data.by(_TOTALS).get(code)
    total, p10, p90, low, high, s_low, s_high, over = (
        totals[0][:8] if totals else (sum(r[1] or 0 for r in rows), None, None, None, None, None, None, None)
    )
    chart = svg.interval_chart(
        [svg.Interval(r[0], round(r[1], 1), round(r[2], 1), round(r[3], 1)) for r in rows[:TOP]],
        title=f"Estimated affordable-housing need a year over {HORIZON} years, {name}, by community",
        x_label="households a year (median, P10-P90 of the draws)",
    )
    notes = [
        f"Over 5 years the communities' medians add up to {_n(sum(r[6] or 0 for r in rows))} households a year "
        f"and over 15 years {_n(sum(r[7] or 0 for r in rows))}: the backlog of current need is met in the first "
        "five years. Each figure is the median of its own draws; medians and ranges do not add across "
        "communities, so the LA's total and its range are taken from its summed draws.",
        "Three ranges, each covering something else: P10-P90 (the uncertain parameters and the population "
        "engine's error, as scored by the ten-year hindcast), the low and high migration scenarios (flow regimes "
        "in the data), and the structural range (the method variants: the register overlap, the affordability "
        f"test on the backlog){': ' + _n(s_low) + ' to ' + _n(s_high) + ' a year for the LA' if s_low is not None else ''}.",
        f"Inputs: {inputs}. Parameters version {version} (docs/need-method.md).",
        "Synthetic inputs: " + "; ".join(synthetic)
        if synthetic
        else "Every input is published data (none synthetic).",
    ]
    on_watchlist = watchlist_note(data, code)
    if on_watchlist:
        notes.insert(0, on_watchlist)
    total_range = f" (P10-P90 {_n(p10)} to {_n(p90)})" if p10 is not None else ""
    scenarios = (
        f", {_n(low)} to {_n(high)} across the low and high migration scenarios" if low is not None else ""
    )
    over_horizon = f"; {_n(over)} households over the {HORIZON} years" if over is not None else ""
    return Content(
        chart=chart,
        caption=f"Estimated net annual need for affordable housing of {name}'s emerging communities over the "
        f"{HORIZON} years from {base_date}: {_n(total)} households a year in all{total_range}{over_horizon} "
        f"({1000 * total / la_households:,.1f} per 1,000 households){scenarios}. Each community: the median "
        "and its P10-P90 range (a backlog of overcrowded and registered households unable to afford a "
        "lower-quartile rent, met over five years, plus new households unable to afford and households "
        "leaving asylum accommodation, less its share of social re-lets). Negative: re-lets exceed need.",
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
        ),
        rows=[
            (r[0], _n(r[8]), _n(r[1]), _n(r[2]), _n(r[3]), _n(r[4]), _n(r[5]), _n(r[6]), _n(r[7]))
            for r in rows
        ],
        notes=notes,
    )


def _region(data: Published, region: str) -> Content | None:
    rows = [r for r in data.by(_BY_LA).get(region, []) if r[2] is not None and r[5]]
    if not rows:
        return None
    per_1000 = [
        (name, 1000 * c / h, 1000 * (lo or c) / h, 1000 * (hi or c) / h)
        for _, name, c, lo, hi, h, _, _ in rows
    ]
    chart = svg.interval_chart(
        [
            svg.Interval(name, round(c, 2), round(min(lo, hi), 2), round(max(lo, hi), 2))
            for name, c, lo, hi in per_1000[:TOP]
        ],
        title=f"Estimated affordable-housing need of emerging communities per 1,000 households, {region}",
        x_label=f"households a year per 1,000 households, over {HORIZON} years",
        range_label="low to high migration scenario",
    )
    total = sum(r[2] for r in rows)
    return Content(
        chart=chart,
        caption=f"Estimated net annual need for affordable housing of the emerging communities of {region}'s "
        f"local authorities over {HORIZON} years: {_n(total)} households a year in all (central), the "
        f"{min(TOP, len(rows))} highest per 1,000 households drawn with the low-high migration scenarios.",
        headers=(
            "Local authority",
            "Need a year (central)",
            "Per 1,000 households",
            "Low",
            "High",
            "Communities",
            "Largest need",
        ),
        rows=[
            (name, _n(c), f"{1000 * c / h:,.1f}", _n(lo), _n(hi), n, largest)
            for _, name, c, lo, hi, h, n, largest in rows
        ],
        notes=[
            "Each LA's need is the median of its communities' summed draws (medians do not add), per 1,000 of "
            "all the LA's households."
        ],
    )
