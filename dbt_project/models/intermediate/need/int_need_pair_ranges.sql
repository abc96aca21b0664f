{{ config(materialized='table') }}
{#-
    The range of every LA x community x scenario x horizon over the Monte Carlo draws (1-100): the
    P10, P50 and P90 of its annual need (with the pair's own population error), and the draws behind
    them counted (draws, first_draw, last_draw: assert_need_draws_are_complete checks the grain of the
    ten million draw rows from these, without storing them). Read by mart_housing_need_estimate; the
    area totals' draws are int_need_la_totals_by_draw. One pass over the view, the three percentiles
    from one sort of each group's draws (percentile_cont of an array of fractions), where three
    percentile_cont calls each kept and sorted their own copy of the draws.
-#}
with

ranges as (

    select
        pair_key,
        lad_code,
        scenario,
        horizon_years,
        count(*) as draws,
        min(draw_id) as first_draw,
        max(draw_id) as last_draw,
        percentile_cont(array[0.1, 0.5, 0.9]) within group (order by annual_need) as percentiles
    from {{ ref('int_need_estimate_draws') }}
    where draw_id > 0
    group by pair_key, lad_code, scenario, horizon_years

)

select
    pair_key,
    lad_code,
    scenario,
    horizon_years,
    draws,
    first_draw,
    last_draw,
    percentiles[1] as annual_need_p10,
    percentiles[2] as annual_need_p50,
    percentiles[3] as annual_need_p90
from ranges
