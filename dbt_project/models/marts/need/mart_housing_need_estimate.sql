{#-
    Longer-term housing need of each emerging community in each local authority: LA x community x
    horizon (5, 10, 15 years from the latest asylum quarter) x migration scenario (low, central, high:
    flow regimes the data show). Three ranges side by side, each saying what it covers:
      - the rows' scenarios: migration regimes (central 2016-2021; low and high the lowest and highest of
        2011-2016, 2016-2019, 2019-2021);
      - annual_need_p10/p50/p90: the 100 Monte Carlo draws of the uncertain parameters within the scenario;
      - annual_need_structural_low/high: the median moved by what the method variants change at central
        parameters (register overlap 1; no affordability test on the backlog with overlap 0).
    annual_need is the median of its own draws (P50); the components are the central parameter set's
    (draw 0) and add up to annual_need_central_parameters. Method: docs/need-method.md; the model:
    int_need_estimate_draws (its draws' percentiles: int_need_pair_ranges).
-#}
with

central as (

    select * from {{ ref('int_need_estimate_draws') }} where draw_id = 0

),

spread as (

    select pair_key, scenario, horizon_years, draws, annual_need_p10, annual_need_p50, annual_need_p90
    from {{ ref('int_need_pair_ranges') }}

),

register_councils as (

    -- LAs whose own register extract (personal data) gives register_households: a count of people's
    -- applications, suppressed from 1 to 4 (docs/disclosure-control.md)
    select distinct lad_code from {{ ref('int_need_community_inputs') }} where la_has_register_extract

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
    central.migration_regime,
    cast(central.migration_factor as double precision) as migration_factor,
    central.base_date,
    cast(extract(year from central.base_date) + central.horizon_years as integer) as horizon_end_year,
    cast(central.residents_2011 as double precision) as residents_2011,
    cast(central.residents_2021 as double precision) as residents_2021,
    cast(central.net_change_per_year as double precision) as net_change_2011_2021_per_year,
    central.national_growth_basis,
    cast(central.national_growth as double precision) as national_growth,
    cast(central.growth_rate_in_scenario as double precision) as growth_rate_in_scenario,
    cast(central.residents_at_base as double precision) as residents_at_base,
    cast(central.residents_at_horizon as double precision) as residents_at_horizon,
    cast(central.headship_rate as double precision) as headship_rate,
    cast(central.households_at_base as double precision) as households_at_base,
    cast(central.households_at_horizon as double precision) as households_at_horizon,
    cast(central.household_growth_annual as double precision) as household_growth_annual,
    cast(central.la_households_2021 as double precision) as la_households_2021,
    cast(central.overcrowded_households as double precision) as overcrowded_households,
    cast(case
        when central.lad_code in (select lad_code from register_councils)
            then {{ small_count('central.register_households') }}
        else central.register_households
    end as double precision) as register_households,
    cast(central.current_unmet_need as double precision) as current_unmet_need,
    cast(central.stock_available as double precision) as stock_available,
    cast(central.unable_to_afford_share as double precision) as unable_to_afford_share,
    cast(central.backlog_annual as double precision) as backlog_annual,
    cast(central.move_on_annual as double precision) as move_on_annual,
    cast(central.newly_arising_annual as double precision) as newly_arising_annual,
    cast(central.supply_annual as double precision) as supply_annual,
    cast(spread.annual_need_p50 as double precision) as annual_need,
    cast(spread.annual_need_p50 * central.horizon_years as double precision) as need_over_horizon,
    cast(central.annual_need as double precision) as annual_need_central_parameters,
    cast(spread.annual_need_p10 as double precision) as annual_need_p10,
    cast(spread.annual_need_p50 as double precision) as annual_need_p50,
    cast(spread.annual_need_p90 as double precision) as annual_need_p90,
    cast(spread.draws as integer) as draws,
    -- the method variants move the median by the difference they make at central parameters
    cast(spread.annual_need_p50 + least(0,
        central.annual_need_overlap_full - central.annual_need,
        central.annual_need_no_backlog_affordability_test - central.annual_need) as double precision)
        as annual_need_structural_low,
    cast(spread.annual_need_p50 + greatest(0,
        central.annual_need_overlap_full - central.annual_need,
        central.annual_need_no_backlog_affordability_test - central.annual_need) as double precision)
        as annual_need_structural_high,
    central.parameter_version,
    central.inputs,
    central.synthetic_inputs is not null as rests_on_synthetic_input,
    coalesce(central.synthetic_inputs, 'none: every input is published data') as synthetic_inputs
from central
inner join spread
    on spread.pair_key = central.pair_key
    and spread.scenario = central.scenario
    and spread.horizon_years = central.horizon_years
