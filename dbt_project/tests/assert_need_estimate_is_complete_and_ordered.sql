{#-
    mart_housing_need_estimate: every LA x community pair of the model's inputs has all nine
    horizon x scenario rows, each with 100 draws behind P10 <= P50 <= P90; the components are
    non-negative and add up to the annual need.
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
            newly_arising_annual, supply_annual) < 0
    or abs(backlog_annual + newly_arising_annual - supply_annual - annual_need) > 1e-6
