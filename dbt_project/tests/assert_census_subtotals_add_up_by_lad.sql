{#-
    At every level of every additive census classification, each subtotal of each current district
    equals the sum of its children, after re-keying and rolling up (the parser checked it for every
    published area; this proves the warehouse kept it). The census-quiz subset is not additive (it
    names a selection of countries) and is left out.
-#}
with

cells as (

    select * from {{ ref('int_census_cells_by_lad') }}
    where release_kind = 'full'

),

children as (

    select lad_code, release, parent_path, sum(value) as children_total, count(*) as children
    from cells
    where parent_path is not null
    group by lad_code, release, parent_path

)

select
    cells.lad_code,
    cells.release,
    cells.category_path,
    cells.value as subtotal,
    children.children_total
from cells
inner join children
    on cells.lad_code = children.lad_code
    and cells.release = children.release
    and cells.category_path = children.parent_path
where cells.value <> children.children_total
