{#- No community adds a subtotal to one of its own children: the cells listed for a community are disjoint. -#}
select
    outer_cell.table_code,
    outer_cell.release_kind,
    outer_cell.community_key,
    outer_cell.category_path as subtotal,
    inner_cell.category_path as child
from {{ ref('ref_census_country_of_birth_categories') }} as outer_cell
inner join {{ ref('ref_census_country_of_birth_categories') }} as inner_cell
    on outer_cell.table_code = inner_cell.table_code
    and outer_cell.release_kind = inner_cell.release_kind
    and outer_cell.community_key = inner_cell.community_key
    and (outer_cell.category_path = 'Total' and inner_cell.category_path <> 'Total'
        or starts_with(inner_cell.category_path, outer_cell.category_path || ' > '))
