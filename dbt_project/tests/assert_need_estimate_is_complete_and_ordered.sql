{#-
    mart_housing_need_estimate: every LA x community pair of the model's inputs has all nine
    horizon x scenario rows, each with 100 draws behind P10 <= P50 <= P90; the components are
    non-negative and add up to the annual need at central parameters; the published figure is the median; the structural range holds the central figure; the
    low, central and high scenarios order the household growth and the newly arising need (more net
    migration, more new households; the net need need not follow: more households also take a larger
    fair share of re-lets, and where move-on exceeds the growth the arising need does not change).
-#}
with

estimate as (

    select * from {{ ref('mart_housing_need_estimate') }}

),

pairs as (

    select lad_code, community_key, count(*) as estimate_rows
    from estimate
    group by lad_code, community_key

),

inputs as (

    select lad_code, community_key from {{ ref('int_need_community_inputs') }}

)

select 'missing or partial pair' as problem, inputs.lad_code, inputs.community_key
from inputs
left join pairs
    on pairs.lad_code = inputs.lad_code and pairs.community_key = inputs.community_key
where coalesce(pairs.estimate_rows, 0) <> 9

union all

select 'range not ordered or draws missing', lad_code, community_key
from estimate
where not (annual_need_p10 <= annual_need_p50 and annual_need_p50 <= annual_need_p90)
    or draws <> 100

union all

select 'negative component or components do not add up', lad_code, community_key
from estimate
where least(residents_at_horizon, households_at_horizon, current_unmet_need, stock_available,
            newly_arising_annual, supply_annual, move_on_annual, unable_to_afford_share) < 0
    or unable_to_afford_share > 1
    or abs(backlog_annual + newly_arising_annual - supply_annual - annual_need_central_parameters) > 1e-6
    or abs(annual_need * horizon_years - need_over_horizon) > 1e-6
    or annual_need <> annual_need_p50

union all

select 'structural range does not hold the central estimate', lad_code, community_key
from estimate
where not (annual_need_structural_low <= annual_need + 1e-9 and annual_need <= annual_need_structural_high + 1e-9)

union all

select 'scenarios not ordered', low.lad_code, low.community_key
from estimate as low
inner join estimate as central
    on central.lad_code = low.lad_code and central.community_key = low.community_key
    and central.horizon_years = low.horizon_years and central.scenario = 'central'
inner join estimate as high
    on high.lad_code = low.lad_code and high.community_key = low.community_key
    and high.horizon_years = low.horizon_years and high.scenario = 'high'
where low.scenario = 'low'
    and not (
        low.household_growth_annual <= central.household_growth_annual + 1e-9
        and central.household_growth_annual <= high.household_growth_annual + 1e-9
        and low.newly_arising_annual <= central.newly_arising_annual + 1e-9
        and central.newly_arising_annual <= high.newly_arising_annual + 1e-9
    )
