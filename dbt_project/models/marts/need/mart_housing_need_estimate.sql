{#-
    Longer-term housing need of each emerging community in each local authority: LA x community x
    horizon (5, 10, 15 years from the latest asylum quarter) x migration scenario (low, central,
    high arrivals). The components are the central parameter set's (draw 0); annual_need_p10/p50/p90
    spread the 100 Monte Carlo draws of the uncertain parameters within the scenario. Method,
    parameters and sources: docs/need-method.md; the model: int_need_estimate_draws.
-#}
with

draws as (

    select * from {{ ref('int_need_estimate_draws') }}

),

central as (

    select * from draws where draw_id = 0

),

spread as (

    select
        pair_key,
        scenario,
        horizon_years,
        count(*) as draws,
        percentile_cont(0.1) within group (order by annual_need) as annual_need_p10,
        percentile_cont(0.5) within group (order by annual_need) as annual_need_p50,
        percentile_cont(0.9) within group (order by annual_need) as annual_need_p90
    from draws
    where draw_id > 0
    group by pair_key, scenario, horizon_years

)

select
    central.pair_key || '|' || cast(central.horizon_years as varchar) || '|' || central.scenario as estimate_key,
    central.lad_code,
    central.lad_name,
    central.region_name,
    central.community_key,
    central.community_name,
    cast(central.horizon_years as integer) as horizon_years,
    central.scenario,
    central.base_date,
    cast(extract(year from central.base_date) + central.horizon_years as integer) as horizon_end_year,
    cast(central.residents_2021 as double precision) as residents_2021,
    cast(central.residents_at_horizon as double precision) as residents_at_horizon,
    cast(central.arrivals_per_year as double precision) as arrivals_per_year,
    cast(central.headship_rate as double precision) as headship_rate,
    cast(central.households_at_base as double precision) as households_at_base,
    cast(central.households_at_horizon as double precision) as households_at_horizon,
    cast(central.la_households_2021 as double precision) as la_households_2021,
    cast(central.current_unmet_need as double precision) as current_unmet_need,
    cast(central.stock_available as double precision) as stock_available,
    cast(central.backlog_annual as double precision) as backlog_annual,
    cast(central.newly_arising_annual as double precision) as newly_arising_annual,
    cast(central.supply_annual as double precision) as supply_annual,
    cast(central.annual_need as double precision) as annual_need,
    cast(spread.annual_need_p10 as double precision) as annual_need_p10,
    cast(spread.annual_need_p50 as double precision) as annual_need_p50,
    cast(spread.annual_need_p90 as double precision) as annual_need_p90,
    cast(spread.draws as integer) as draws,
    central.parameter_version,
    central.inputs,
    central.synthetic_inputs is not null as rests_on_synthetic_input,
    coalesce(central.synthetic_inputs, 'none: every input is published data') as synthetic_inputs
from central
inner join spread
    on spread.pair_key = central.pair_key
    and spread.scenario = central.scenario
    and spread.horizon_years = central.horizon_years
