{#-
    The need model (docs/need-method.md), one row per LA x community x parameter draw x scenario x
    horizon. Draw 0 is the central parameter set (population error 0); draws 1-100 give the P10/P50/P90.

    Population: the engine the ten-year hindcast scores (docs/hindcast.md), from Census 2021 (t years
    after census day; t0 to the base quarter):
        N_s   = rho_n tanh(R_c / rho_n) x (f_s if R_c > 0 else 1)   (f_s: the regime factor of c's group)
        r_s   = N_s + phi_l w rho_l tanh(d / rho_l) + beta_dom m_l
        e(t)  = (z_n tau + z_l s) t / 10,   s = sqrt(sigma_c^2 + nu / (P2021 + 1))
                (0 in draw 0; median-preserving, as the hindcast scores its P50; an area total carries
                z_n alone: macro need_population_error)
        Pb    = P2021 exp(t0 r_central + e(t0)),   P(Y) = P2021 exp(t0 r_central + Y r_s + e(t0 + Y))
    Households: H = P h, h = LA households per resident (Census 2021) x relative_headship.
-#}
with

inputs as (

    select * from {{ ref('int_need_community_inputs') }}

),

draws as (

    select * from {{ ref('int_need_parameter_draws') }}

),

regimes as (

    select regime_group, scenario, regime, factor, base_factor
    from {{ ref('int_need_migration_regimes') }}
    where scenario is not null

),

population_errors as (

    select draw_id, population_error_z from draws where draw_id > 0

),

horizons as (

    select 5 as horizon_years
    union all select 10
    union all select 15

),

per_draw as (

    select
        inputs.*,
        draws.draw_id,
        draws.parameter_version,
        draws.backlog_quota,
        draws.relative_headship,
        draws.overcrowding_relative_risk,
        draws.register_ratio,
        draws.register_overlap,
        draws.rent_to_income,
        draws.relet_rate,
        draws.move_on_calibration_multiplier,
        draws.move_on_local_weight,
        draws.engine_rho_n,
        draws.engine_phi_l,
        draws.engine_rho_l,
        draws.engine_beta_dom,
        draws.engine_nu,
        -- the population error of this draw: a national deviate per community and a local one per
        -- LA x community, each the draws' z at its own shift of the draw index (independent across
        -- communities and pairs, and of the parameters drawn)
        coalesce(national_z.population_error_z, 0) * inputs.population_tau as national_error_per_decade,
        case when draws.draw_id > 0
            then sqrt(power(inputs.population_sigma, 2) + draws.engine_nu / (inputs.residents_2021 + 1))
            else 0
        end as local_spread_per_decade,
        coalesce(local_z.population_error_z, 0) as local_z,
        draws.engine_phi_l * inputs.evidence_weight * draws.engine_rho_l
            * tanh(inputs.relative_growth / draws.engine_rho_l)
            + draws.engine_beta_dom * inputs.internal_migration_rate as local_growth,
        inputs.la_households_2021 / inputs.la_residents_2021 * draws.relative_headship as headship_rate,
        inputs.la_households_2021 / inputs.la_residents_2021 * draws.relative_headship * inputs.la_born_outside_uk_2021
            as la_foreign_born_households,
        {{ normal_cdf(
            '(ln(inputs.la_lower_quartile_annual_rent / draws.rent_to_income) - ln(inputs.la_median_annual_earnings))'
            ~ ' / inputs.la_earnings_log_sigma'
        ) }} as unable_to_afford_share,
        inputs.la_move_on_duties_per_year * draws.move_on_calibration_multiplier
            * ((1 - draws.move_on_local_weight) * inputs.asylum_grant_share
                + draws.move_on_local_weight * inputs.asylum_local_grant_share)
            * inputs.scenario_grant_factor as move_on_annual
    from inputs
    cross join draws
    -- draw 0 has no error: its key is null and matches nothing. One equality per join, so DuckDB
    -- hashes it; "draw_id > 0 and ..." in the ON clause made it a nested-loop join of the 1.2 million
    -- pair x draw rows with the 100 errors (two thirds of the model's time)
    left join population_errors as national_z
        on national_z.draw_id = case
            when draws.draw_id > 0 then mod(draws.draw_id - 1 + 37 * inputs.community_index, 100) + 1
        end
    left join population_errors as local_z
        on local_z.draw_id = case
            when draws.draw_id > 0 then mod(draws.draw_id - 1 + 53 * inputs.pair_index + 17, 100) + 1
        end

),

backlog as (

    select
        per_draw.*,
        residents_2021 * headship_rate as households_2021,
        least(
            residents_2021 * headship_rate,
            la_overcrowded_share * la_households_2021 * overcrowding_relative_risk * residents_2021 * headship_rate
                / (la_households_2021 + (overcrowding_relative_risk - 1) * la_foreign_born_households)
        ) as overcrowded_households,
        case
            when la_has_register_extract then register_extract_households
            else coalesce(la_register_households, 0) * residents_2021 * headship_rate / la_households_2021
                * register_ratio
        end as register_households
    from per_draw

),

listed as (

    select
        backlog.*,
        overcrowded_households + register_households
            - register_overlap * least(overcrowded_households, register_households) as listed_households,
        greatest(overcrowded_households, register_households) as listed_households_overlap_full,
        overcrowded_households + register_households as listed_households_overlap_none
    from backlog

),

central_regime as (

    select regime_group, base_factor as factor from regimes where scenario = 'central'

),

projected as (

    select
        listed.*,
        regimes.scenario,
        regimes.regime as migration_regime,
        regimes.factor as migration_factor,
        horizons.horizon_years,
        engine_rho_n * tanh(national_growth / engine_rho_n)
            * case when national_growth > 0 then central_regime.factor else 1 end
            + local_growth as growth_rate_to_base,
        (engine_rho_n * tanh(national_growth / engine_rho_n)
            * case when national_growth > 0 then regimes.factor else 1 end
            + local_growth) * scenario_growth_factor as growth_rate_in_scenario
    from listed
    inner join central_regime on central_regime.regime_group = listed.regime_group
    inner join regimes on regimes.regime_group = listed.regime_group
    cross join horizons

),

households as (

    select
        projected.*,
        residents_2021 * exp(growth_rate_to_base * years_census_to_base
            + {{ need_population_error('years_census_to_base') }}) as residents_at_base,
        residents_2021 * exp(growth_rate_to_base * years_census_to_base + growth_rate_in_scenario * horizon_years
            + {{ need_population_error('(years_census_to_base + horizon_years)') }}) as residents_at_horizon,
        growth_rate_in_scenario + (
            {{ need_population_error('(years_census_to_base + horizon_years)') }}
            - {{ need_population_error('years_census_to_base') }}
        ) / horizon_years as growth_rate_over_horizon,
        -- the same with the national error alone: what an area total carries (macro need_population_error)
        residents_2021 * exp(growth_rate_to_base * years_census_to_base
            + {{ need_population_error('years_census_to_base', local=false) }}) * headship_rate
            as households_at_base_for_totals,
        residents_2021 * exp(growth_rate_to_base * years_census_to_base + growth_rate_in_scenario * horizon_years
            + {{ need_population_error('(years_census_to_base + horizon_years)', local=false) }}) * headship_rate
            as households_at_horizon_for_totals,
        growth_rate_in_scenario + national_error_per_decade / 10 as growth_rate_for_totals
    from projected

),

path as (

    select
        households.*,
        residents_at_base * headship_rate as households_at_base,
        residents_at_horizon * headship_rate as households_at_horizon,
        -- mean of H(1) .. H(Y) on the path H(k) = Hb exp(k r): Hb exp(r) (exp(Y r) - 1) / ((exp(r) - 1) Y)
        residents_at_base * headship_rate * case
            when abs(growth_rate_over_horizon) < 1e-9 then 1
            else exp(growth_rate_over_horizon) * (exp(horizon_years * growth_rate_over_horizon) - 1)
                / ((exp(growth_rate_over_horizon) - 1) * horizon_years)
        end as mean_households_over_horizon,
        households_at_base_for_totals * case
            when abs(growth_rate_for_totals) < 1e-9 then 1
            else exp(growth_rate_for_totals) * (exp(horizon_years * growth_rate_for_totals) - 1)
                / ((exp(growth_rate_for_totals) - 1) * horizon_years)
        end as mean_households_for_totals
    from households

),

need as (

    select
        path.*,
        (households_at_horizon - households_at_base) / horizon_years as household_growth_annual,
        listed_households as current_unmet_need,
        listed_households * la_social_rented_share as stock_available,
        backlog_quota * least(horizon_years, 1 / backlog_quota) / horizon_years as backlog_spread,
        move_on_annual
            + greatest(0, (households_at_horizon - households_at_base) / horizon_years - move_on_annual)
            * unable_to_afford_share as newly_arising_annual,
        la_social_rented_2021 * relet_rate * mean_households_over_horizon / la_households_2021 as supply_annual,
        move_on_annual
            + greatest(0, (households_at_horizon_for_totals - households_at_base_for_totals) / horizon_years
                - move_on_annual) * unable_to_afford_share
            - la_social_rented_2021 * relet_rate * mean_households_for_totals / la_households_2021
            as arising_less_supply_for_totals
    from path

),

annual as (

    select
        need.*,
        (listed_households - stock_available) * unable_to_afford_share * backlog_spread as backlog_annual,
        listed_households_overlap_full * (1 - la_social_rented_share) * unable_to_afford_share * backlog_spread
            + newly_arising_annual - supply_annual as annual_need_overlap_full,
        listed_households_overlap_none * (1 - la_social_rented_share) * backlog_spread
            + newly_arising_annual - supply_annual as annual_need_no_backlog_affordability_test
    from need

)

select
    pair_key,
    lad_code,
    lad_name,
    region_name,
    community_key,
    community_name,
    regime_group,
    draw_id,
    parameter_version,
    scenario,
    migration_regime,
    migration_factor,
    horizon_years,
    base_date,
    residents_2011,
    residents_2021,
    net_change_per_year,
    net_change_basis,
    national_growth,
    national_growth_basis,
    growth_rate_to_base,
    growth_rate_in_scenario,
    la_households_2021,
    residents_at_base,
    residents_at_horizon,
    headship_rate,
    households_at_base,
    households_at_horizon,
    household_growth_annual,
    overcrowded_households,
    register_households,
    current_unmet_need,
    stock_available,
    unable_to_afford_share,
    backlog_annual,
    move_on_annual,
    newly_arising_annual,
    supply_annual,
    backlog_annual + newly_arising_annual - supply_annual as annual_need,
    backlog_annual + arising_less_supply_for_totals as annual_need_for_totals,
    annual_need_overlap_full,
    annual_need_no_backlog_affordability_test,
    inputs,
    synthetic_inputs
from annual
