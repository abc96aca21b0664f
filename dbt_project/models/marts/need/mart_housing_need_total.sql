{#-
    Housing need of the emerging communities added up by area: each local authority, region and
    country (England, Wales) x migration scenario x horizon. annual_need and P10/P50/P90 are the
    median and percentiles of the area's total over the 100 draws (ranges do not add across
    communities or areas: this model adds the draws first, then takes percentiles), each draw with the
    national population error alone (the LA errors are the same people in one LA or another: they cancel
    in a total, while need counted where they arrive and not taken off where they left would count them
    twice);
    annual_need_central_parameters adds the rows' central-parameter figures (their components add up
    to it); the structural range moves the median by what the method variants change. Method: docs/need-method.md.
-#}
with

draws as (

    -- draw 0 (the central parameters) from the mart's pairs, draws 1-100 from each LA's pairs added up
    select lad_code, 0 as draw_id, scenario, horizon_years, annual_need_central_parameters as annual_need
    from {{ ref('mart_housing_need_estimate') }}
    union all
    select lad_code, draw_id, scenario, horizon_years, annual_need_for_totals
    from {{ ref('int_need_la_totals_by_draw') }}

),

membership as (

    -- every LA in its own area, its region (England) and its country
    select lad_code, 'local_authority' as area_type, lad_code as area_code, lad_name as area_name
    from {{ ref('dim_local_authority') }}
    union all
    select lad_code, 'region', region_code, region_name
    from {{ ref('dim_local_authority') }}
    where region_code is not null
    union all
    select lad_code, 'country', nation_code, nation
    from {{ ref('dim_local_authority') }}

),

by_area_draw as (

    -- rounded to a millionth of a household: a parallel sum of doubles adds in whatever order the
    -- threads finish, and a rebuild must give the same bits
    select membership.area_type, membership.area_code, draws.draw_id, draws.scenario, draws.horizon_years,
        {{ round_double('sum(draws.annual_need)', 6) }} as annual_need
    from draws
    inner join membership on membership.lad_code = draws.lad_code
    group by membership.area_type, membership.area_code, draws.draw_id, draws.scenario, draws.horizon_years

),

spread as (

    select
        area_type,
        area_code,
        scenario,
        horizon_years,
        max(case when draw_id = 0 then annual_need end) as central,
        percentile_cont(0.1) within group (order by annual_need) filter (where draw_id > 0) as p10,
        percentile_cont(0.5) within group (order by annual_need) filter (where draw_id > 0) as p50,
        percentile_cont(0.9) within group (order by annual_need) filter (where draw_id > 0) as p90,
        count(*) filter (where draw_id > 0) as draws
    from by_area_draw
    group by area_type, area_code, scenario, horizon_years

),

components as (

    select
        membership.area_type,
        membership.area_code,
        max(membership.area_name) as area_name,
        estimate.scenario,
        estimate.horizon_years,
        {{ round_double('sum(estimate.backlog_annual)', 6) }} as backlog_annual,
        {{ round_double('sum(estimate.newly_arising_annual)', 6) }} as newly_arising_annual,
        {{ round_double('sum(estimate.move_on_annual)', 6) }} as move_on_annual,
        {{ round_double('sum(estimate.supply_annual)', 6) }} as supply_annual,
        {{ round_double('sum(estimate.annual_need_structural_low - estimate.annual_need)', 6) }} as structural_low,
        {{ round_double('sum(estimate.annual_need_structural_high - estimate.annual_need)', 6) }} as structural_high,
        {{ round_double('sum(estimate.households_at_base)', 6) }} as households_at_base,
        count(distinct estimate.community_key) as communities,
        bool_or(estimate.rests_on_synthetic_input) as rests_on_synthetic_input
    from {{ ref('mart_housing_need_estimate') }} as estimate
    inner join membership on membership.lad_code = estimate.lad_code
    group by membership.area_type, membership.area_code, estimate.scenario, estimate.horizon_years

),

all_households as (

    select membership.area_type, membership.area_code, sum(profile.households) as households
    from {{ ref('mart_community_profile_by_la') }} as profile
    inner join membership on membership.lad_code = profile.lad_code
    group by membership.area_type, membership.area_code

)

select
    components.area_type || '|' || components.area_code || '|' || cast(components.horizon_years as varchar)
        || '|' || components.scenario as total_key,
    components.area_type,
    components.area_code,
    components.area_name,
    cast(components.horizon_years as integer) as horizon_years,
    components.scenario,
    cast(spread.p50 as double precision) as annual_need,
    cast(spread.p50 * components.horizon_years as double precision) as need_over_horizon,
    cast(spread.central as double precision) as annual_need_central_parameters,
    cast(spread.p10 as double precision) as annual_need_p10,
    cast(spread.p50 as double precision) as annual_need_p50,
    cast(spread.p90 as double precision) as annual_need_p90,
    cast(spread.draws as integer) as draws,
    cast(spread.p50 + components.structural_low as double precision) as annual_need_structural_low,
    cast(spread.p50 + components.structural_high as double precision) as annual_need_structural_high,
    cast(components.backlog_annual as double precision) as backlog_annual,
    cast(components.newly_arising_annual as double precision) as newly_arising_annual,
    cast(components.move_on_annual as double precision) as move_on_annual,
    cast(components.supply_annual as double precision) as supply_annual,
    cast(components.households_at_base as double precision) as community_households_at_base,
    cast(all_households.households as double precision) as all_households_2021,
    cast(components.communities as integer) as communities,
    components.rests_on_synthetic_input
from components
inner join spread
    on spread.area_type = components.area_type
    and spread.area_code = components.area_code
    and spread.scenario = components.scenario
    and spread.horizon_years = components.horizon_years
left join all_households
    on all_households.area_type = components.area_type
    and all_households.area_code = components.area_code
