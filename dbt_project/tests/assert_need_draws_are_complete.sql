{#-
    int_need_annual_need_by_draw holds every LA x community pair of the model's inputs in each of the
    100 draws, 3 scenarios and 3 horizons, once: with the pairs unique (int_need_community_inputs) and
    draw ids 1-100, a row count of pairs x 900 and 100 distinct draws mean the grain holds, without a
    uniqueness test over ten million rows. A deployment without the census has no pairs and no draws.
-#}
with

counts as (

    select count(*) as draw_rows, count(distinct draw_id) as draw_ids, min(draw_id) as first_draw,
        max(draw_id) as last_draw
    from {{ ref('int_need_annual_need_by_draw') }}

),

pairs as (

    select count(*) as pairs from {{ ref('int_need_community_inputs') }}

)

select counts.*, pairs.pairs
from counts
cross join pairs
where counts.draw_rows <> pairs.pairs * 900
    or (pairs.pairs > 0 and (counts.draw_ids <> 100 or counts.first_draw <> 1 or counts.last_draw <> 100))
