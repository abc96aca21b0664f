{{ config(materialized='table') }}
{#-
    The annual need of every LA x community x scenario x horizon in each Monte Carlo draw (1-100), with
    the pair's own population error (annual_need) and with the national error alone
    (annual_need_for_totals: what an area total carries), the columns of int_need_estimate_draws that
    the ranges need, computed once and stored, so that the
    pair percentiles (mart_housing_need_estimate) and the area totals' percentiles
    (mart_housing_need_total) do not each recompute the ten-million-row model.
-#}
select pair_key, lad_code, draw_id, scenario, horizon_years, annual_need, annual_need_for_totals
from {{ ref('int_need_estimate_draws') }}
where draw_id > 0
