{#-
    The need model (docs/need-method.md), one row per LA x community x parameter draw x scenario x
    horizon. Draw 0 is the central parameter set; draws 1-100 give the P10/P50/P90.

    Cohort step, per year, with exit rate e (q = 1 - e) and arrivals A a year:
        P(t+1) = P(t) q + A,  so  P(t+n) = P(t) q^n + A S(n),  S(n) = (1 - q^n) / e
    A is the 2011-2021 gross arrival rate that reproduces the census change:
        A = max(0, P2021 - P2011 q^10) / S(10)
    (when the 2011 census did not name the community: A = P2021 s / S(10), s = the LA's share of its
    non-UK-born residents who arrived 2011-2021). The base is the latest asylum quarter, n0 years
    after census day: Pb = P2021 q^n0 + A S(n0); after it, arrivals are m A (m: the scenario):
        P(Y) = Pb q^Y + m A S(Y)
    Households: H = P h, h = (LA households / LA residents, 2021) x the community's relative headship.

    Stock-flow need (CLG 2007 SHMA guidance; PPG 2a-020 to 2a-024), households a year over Y years:
        listed   = overcrowded + register - overlap x min(overcrowded, register)
        unmet    = listed + owed a homelessness duty after leaving asylum support
        released = listed x the LA's social-rented share  (their homes free up when they move)
        backlog  = (unmet - released) x quota x min(Y, 1/quota) / Y
        arising  = m A h x unable_to_afford + m x move-on households a year x calibration x grant share
        supply   = LA social re-lets a year x the community's mean share of the LA's households
        need     = backlog + arising - supply
-#}
with

inputs as (

    select * from {{ ref('int_need_community_inputs') }}

),

draws as (

    select * from {{ ref('int_need_parameter_draws') }}

),

scenarios as (

    select 'low' as scenario, low as multiplier from {{ ref('ref_need_parameters') }}
    where parameter = 'arrivals_multiplier'
    union all
    select 'central', central from {{ ref('ref_need_parameters') }}
    where parameter = 'arrivals_multiplier'
    union all
    select 'high', high from {{ ref('ref_need_parameters') }}
    where parameter = 'arrivals_multiplier'

),

horizons as (

    select 5 as horizon_years
    union all select 10
    union all select 15

),

cohort as (

    select
        inputs.*,
        draws.draw_id,
        draws.parameter_version,
        draws.backlog_quota,
        draws.exit_rate,
        draws.overcrowding_ratio,
        draws.register_ratio,
        draws.register_overlap,
        draws.unable_to_afford,
        draws.relet_rate,
        draws.move_on_calibration_multiplier,
        inputs.la_households_2021 / inputs.la_residents_2021 * case inputs.world_region_key
            when 'europe_outside_uk' then draws.relative_headship_europe_outside_uk
            when 'africa' then draws.relative_headship_africa
            when 'middle_east_and_asia' then draws.relative_headship_middle_east_and_asia
            when 'americas_and_caribbean' then draws.relative_headship_americas_and_caribbean
            when 'oceania_antarctica_and_other' then draws.relative_headship_oceania_antarctica_and_other
            when 'british_overseas' then draws.relative_headship_british_overseas
        end as headship_rate,
        case
            when inputs.residents_2011 is not null
                then greatest(0, inputs.residents_2021 - inputs.residents_2011 * power(1 - draws.exit_rate, 10))
            else inputs.residents_2021 * coalesce(inputs.la_arrived_2011_to_2021_share, 0)
        end / ((1 - power(1 - draws.exit_rate, 10)) / draws.exit_rate) as arrivals_per_year
    from inputs
    cross join draws

),

at_base as (

    select
        cohort.*,
        residents_2021 * power(1 - exit_rate, years_census_to_base)
            + arrivals_per_year * (1 - power(1 - exit_rate, years_census_to_base)) / exit_rate
            as residents_at_base
    from cohort

),

projected as (

    select
        at_base.*,
        scenarios.scenario,
        scenarios.multiplier as arrivals_multiplier,
        horizons.horizon_years,
        residents_at_base * power(1 - exit_rate, horizons.horizon_years)
            + scenarios.multiplier * arrivals_per_year * (1 - power(1 - exit_rate, horizons.horizon_years)) / exit_rate
            as residents_at_horizon,
        -- mean of P(1) .. P(Y): (Pb Sk + m A / e (Y - Sk)) / Y, Sk = q (1 - q^Y) / e
        (
            residents_at_base * (1 - exit_rate) * (1 - power(1 - exit_rate, horizons.horizon_years)) / exit_rate
            + scenarios.multiplier * arrivals_per_year / exit_rate * (
                horizons.horizon_years
                - (1 - exit_rate) * (1 - power(1 - exit_rate, horizons.horizon_years)) / exit_rate
            )
        ) / horizons.horizon_years as mean_residents_over_horizon
    from at_base
    cross join scenarios
    cross join horizons

),

components as (

    select
        projected.*,
        residents_at_base * headship_rate as households_at_base,
        residents_at_horizon * headship_rate as households_at_horizon,
        residents_at_base * headship_rate * least(1, la_overcrowded_share * overcrowding_ratio)
            as overcrowded_households,
        case
            when la_has_register_extract then register_extract_households
            else coalesce(la_register_households, 0) * residents_at_base * headship_rate / la_households_2021 * register_ratio
        end as register_households,
        coalesce(la_homeless_after_asylum_support, 0) * asylum_grant_share as homeless_households
    from projected

),

listed as (

    select
        components.*,
        overcrowded_households + register_households
            - register_overlap * least(overcrowded_households, register_households) as listed_households
    from components

),

need as (

    select
        listed.*,
        listed_households + homeless_households as current_unmet_need,
        listed_households * la_social_rented_share as stock_available,
        (listed_households + homeless_households - listed_households * la_social_rented_share)
            * backlog_quota * least(horizon_years, 1 / backlog_quota) / horizon_years as backlog_annual,
        arrivals_multiplier * arrivals_per_year * headship_rate * unable_to_afford
            + arrivals_multiplier * la_move_on_households_per_year * move_on_calibration_ratio
            * move_on_calibration_multiplier * asylum_grant_share as newly_arising_annual,
        la_social_rented_2021 * relet_rate * mean_residents_over_horizon * headship_rate / la_households_2021
            as supply_annual
    from listed

)

select
    pair_key,
    lad_code,
    lad_name,
    region_name,
    community_key,
    community_name,
    draw_id,
    parameter_version,
    scenario,
    horizon_years,
    base_date,
    residents_2011,
    residents_2021,
    la_households_2021,
    arrivals_per_year,
    residents_at_base,
    residents_at_horizon,
    headship_rate,
    households_at_base,
    households_at_horizon,
    overcrowded_households,
    register_households,
    homeless_households,
    current_unmet_need,
    stock_available,
    backlog_annual,
    newly_arising_annual,
    supply_annual,
    backlog_annual + newly_arising_annual - supply_annual as annual_need,
    inputs,
    synthetic_inputs
from need
