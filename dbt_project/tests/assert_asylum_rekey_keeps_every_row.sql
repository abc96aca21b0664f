{#- Re-keying must neither drop nor duplicate rows: same row count and same people as its input. -#}
with

source_totals as (

    select count(*) as row_count, sum(people) as people
    from {{ ref('int_asylum_support_latest_release') }}

),

rekeyed_totals as (

    select count(*) as row_count, sum(people) as people
    from {{ ref('int_asylum_support_rekeyed_to_current_lad') }}

)

select
    source_totals.row_count as source_rows,
    rekeyed_totals.row_count as rekeyed_rows,
    source_totals.people as source_people,
    rekeyed_totals.people as rekeyed_people
from source_totals
cross join rekeyed_totals
where source_totals.row_count <> rekeyed_totals.row_count
    or coalesce(source_totals.people, 0) <> coalesce(rekeyed_totals.people, 0)
