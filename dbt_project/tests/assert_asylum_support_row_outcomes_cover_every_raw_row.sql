{#-
    Every raw Asy_D11 row of every load is in exactly one outcome of audit.asylum_support_row_outcomes:
    per load, the rows of all outcomes add up to the rows of the raw table (straight from the source,
    not through the models). A load missing on either side fails too.
-#}
with

raw_rows as (

    select _load_id as load_id, count(*) as raw_rows
    from {{ source('home_office', 'home_office__asylum_support') }}
    group by _load_id

),

accounted as (

    select load_id, sum(rows) as accounted_rows
    from {{ ref('asylum_support_row_outcomes') }}
    group by load_id

)

select
    coalesce(raw_rows.load_id, accounted.load_id) as load_id,
    raw_rows.raw_rows,
    accounted.accounted_rows
from raw_rows
full outer join accounted
    on raw_rows.load_id = accounted.load_id
where raw_rows.raw_rows is null
    or accounted.accounted_rows is null
    or raw_rows.raw_rows <> accounted.accounted_rows
