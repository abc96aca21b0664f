{{ config(materialized='table') }}
{#-
    The annual need of each local authority's communities added up, in each Monte Carlo draw (1-100),
    scenario and horizon, each pair with the national population error alone (annual_need_for_totals:
    what an area total carries, macro need_population_error). mart_housing_need_total adds these up by
    area (LA, region, country) and takes the percentiles over the draws: a sum over an LA's pairs
    first, so the area totals read 300 thousand rows instead of the ten million pair draws.
-#}
select
    lad_code,
    draw_id,
    scenario,
    horizon_years,
    count(*) as pairs,
    sum(annual_need_for_totals) as annual_need_for_totals
from {{ ref('int_need_estimate_draws') }}
where draw_id > 0
group by lad_code, draw_id, scenario, horizon_years
