{#-
    Every raw census cell of every load is in exactly one outcome of audit.census_cell_outcomes: per
    load, the cells of all outcomes add up to the cells of the raw table (straight from the source, not
    through the models). A load missing on either side fails too.
-#}
with

raw_cells as (

    select _load_id as load_id, count(*) as raw_cells
    from {{ source('ons_census', 'ons_census__cells') }}
    group by _load_id

),

accounted as (

    select load_id, sum(rows) as accounted_cells
    from {{ ref('census_cell_outcomes') }}
    group by load_id

)

select
    coalesce(raw_cells.load_id, accounted.load_id) as load_id,
    raw_cells.raw_cells,
    accounted.accounted_cells
from raw_cells
full outer join accounted
    on raw_cells.load_id = accounted.load_id
where raw_cells.raw_cells is null
    or accounted.accounted_cells is null
    or raw_cells.raw_cells <> accounted.accounted_cells
