{#-
    Every census cell for every current local authority district in England and Wales: one row per
    district x table x category, subtotals included and flagged. Shares are of the table total for the
    same district (null for TS029, whose files carry no total). Use is_subtotal / parent_path to pick one
    level of a classification; never sum a subtotal with its own children.
-#}
with

cells as (

    select * from {{ ref('int_census_cells_by_lad') }}

),

authorities as (

    select * from {{ ref('dim_local_authority') }}

),

totals as (

    select lad_code, release, value as table_total
    from cells
    where category_path = 'Total'

)

select
    cells.lad_code,
    authorities.lad_name,
    authorities.region_name,
    cells.census_year,
    cells.table_code,
    cells.release,
    cells.release_kind,
    cells.source_level,
    cells.source_areas,
    cells.category_path,
    cells.category_label,
    cells.category_level,
    cells.parent_path,
    cells.is_subtotal,
    cells.value,
    totals.table_total,
    {{ ratio('cells.value', 'totals.table_total') }} as share_of_table_total
from cells
inner join authorities
    on cells.lad_code = authorities.lad_code
left join totals
    on cells.lad_code = totals.lad_code
    and cells.release = totals.release
