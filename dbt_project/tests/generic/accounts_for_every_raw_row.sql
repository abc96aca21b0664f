{#-
    A source's row-outcomes model (schema audit) counts every raw row of every load exactly once: per
    load, the rows of all its outcomes add up to the rows of the raw table (read straight from the
    source, not through the models). A load missing on either side fails too. Applied to each
    source's audit model with `raw: source('<source>', '<table>')`.
-#}
{% test accounts_for_every_raw_row(model, raw) %}

with

raw_rows as (

    select _load_id as load_id, count(*) as raw_rows
    from {{ raw }}
    group by _load_id

),

accounted as (

    select load_id, sum(rows) as accounted_rows
    from {{ model }}
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

{% endtest %}
