{{ config(materialized='table') }}
{#-
    Both summaries of the Monte Carlo draws (1-100) of int_need_estimate_draws in ONE pass over the
    view (about ten million rows, each computed afresh when read: the population engine's exp and
    tanh, the affordability test's normal_cdf), by grouping sets:

      summary = 'pair'    one row per LA x community x scenario x horizon: the P10, P50 and P90 of the
                          pair's annual need (its own population error) and the draws behind them;
                          read by int_need_pair_ranges
      summary = 'la_draw' one row per LA x draw x scenario x horizon: the LA's pairs' annual need for
                          totals (the national population error alone) added up, and how many pairs;
                          read by int_need_la_totals_by_draw

    Two models each reading the view computed it twice: 37-48 s of the two queries against 17-24 s for
    this one on a busy 2-core machine (benchmarks/RESULTS.md). Each grouping set computes every
    aggregate; the ones its summary does not use (a percentile over an LA's pairs in one draw, a sum
    over a pair's draws) are small and dropped by the two models above.
-#}
select
    case when grouping(pair_key) = 0 then 'pair' else 'la_draw' end as summary,
    pair_key,
    lad_code,
    draw_id,
    scenario,
    horizon_years,
    count(*) as rows_summarised,
    min(draw_id) as first_draw,
    max(draw_id) as last_draw,
    percentile_cont(array[0.1, 0.5, 0.9]) within group (order by annual_need) as percentiles,
    sum(annual_need_for_totals) as annual_need_for_totals
from {{ ref('int_need_estimate_draws') }}
where draw_id > 0
group by grouping sets (
    (pair_key, lad_code, scenario, horizon_years),
    (lad_code, draw_id, scenario, horizon_years)
)
