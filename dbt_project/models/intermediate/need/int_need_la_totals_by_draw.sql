{{ config(materialized='table') }}
{#-
    The annual need of each local authority's communities added up, in each Monte Carlo draw (1-100),
    scenario and horizon, each pair with the national population error alone (annual_need_for_totals:
    what an area total carries, macro need_population_error). mart_housing_need_total adds these up by
    area (LA, region, country) and takes the percentiles over the draws: a sum over an LA's pairs
    first, so the area totals read 300 thousand rows instead of the ten million pair draws. Summed in
    int_need_draw_summaries, the one pass over the draws.
-#}
select
    lad_code,
    draw_id,
    scenario,
    horizon_years,
    rows_summarised as pairs,
    annual_need_for_totals
from {{ ref('int_need_draw_summaries') }}
where summary = 'la_draw'
