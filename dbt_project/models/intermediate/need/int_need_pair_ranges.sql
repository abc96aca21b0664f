{{ config(materialized='table') }}
{#-
    The range of every LA x community x scenario x horizon over the Monte Carlo draws (1-100): the
    P10, P50 and P90 of its annual need (with the pair's own population error), and the draws behind
    them counted (draws, first_draw, last_draw: assert_need_draws_are_complete checks the grain of the
    ten million draw rows from these, without storing them). Read by mart_housing_need_estimate; the
    area totals' draws are int_need_la_totals_by_draw. Both come from int_need_draw_summaries, the one
    pass over the draws (the three percentiles from one sort of each group's draws: percentile_cont of
    an array of fractions).
-#}
select
    pair_key,
    lad_code,
    scenario,
    horizon_years,
    rows_summarised as draws,
    first_draw,
    last_draw,
    percentiles[1] as annual_need_p10,
    percentiles[2] as annual_need_p50,
    percentiles[3] as annual_need_p90
from {{ ref('int_need_draw_summaries') }}
where summary = 'pair'
