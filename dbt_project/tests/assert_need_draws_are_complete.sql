{#-
    The need model's draws hold every LA x community pair of the model's inputs in each of the 100
    draws, 3 scenarios and 3 horizons, once, counted where they are summarised (the ten million draw
    rows are never stored):
      - int_need_pair_ranges: pairs x 9 rows (pair x scenario x horizon, grouped so unique), each over
        100 draws from 1 to 100, so pairs x 900 draw rows;
      - int_need_la_totals_by_draw: for each LA with pairs, 900 rows (100 draws x 9) with 100 distinct
        draw ids from 1 to 100, each adding up all of the LA's pairs.
    (A distinct count per pair range cost more than the ranges themselves.)
    A deployment without the census has no pairs and no draws.
-#}
with

inputs as (

    select lad_code, count(*) as pairs from {{ ref('int_need_community_inputs') }} group by lad_code

),

ranges as (

    select count(*) as range_rows,
        count(*) filter (where draws <> 100 or first_draw <> 1 or last_draw <> 100)
            as incomplete_ranges
    from {{ ref('int_need_pair_ranges') }}

),

la_totals as (

    select lad_code, count(*) as total_rows, count(distinct draw_id) as draw_ids, min(draw_id) as first_draw,
        max(draw_id) as last_draw, min(pairs) as fewest_pairs, max(pairs) as most_pairs
    from {{ ref('int_need_la_totals_by_draw') }}
    group by lad_code

)

select 'pair ranges: rows or draws' as problem, null as lad_code, ranges.range_rows, ranges.incomplete_ranges
from ranges
cross join (select coalesce(sum(pairs), 0) as pairs from inputs) as all_pairs
where ranges.range_rows <> all_pairs.pairs * 9 or ranges.incomplete_ranges > 0

union all

select 'LA totals: draws or pairs', coalesce(inputs.lad_code, la_totals.lad_code), la_totals.total_rows,
    la_totals.most_pairs
from inputs
full outer join la_totals on la_totals.lad_code = inputs.lad_code
where la_totals.lad_code is null
    or inputs.lad_code is null
    or la_totals.total_rows <> 900
    or la_totals.draw_ids <> 100
    or la_totals.first_draw <> 1
    or la_totals.last_draw <> 100
    or la_totals.fewest_pairs <> inputs.pairs
    or la_totals.most_pairs <> inputs.pairs
