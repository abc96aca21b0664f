{#-
    Census areas that cannot be placed in a current local authority district, with the reason and the
    cells they hold, so a data engineer can complete the lookup. Their cells are in the raw table and in
    no district figure. Empty for the bundled files: the lookups place every MSOA and LSOA of England
    and Wales.
-#}
with

placement as (

    select * from {{ ref('int_census_area_to_current_lad') }}
    where current_lad_code is null

),

cells as (

    select * from {{ ref('int_census_cells_latest') }}

)

select
    cells.load_id,
    cells.source_file,
    cells.source_row_number,
    'geography code' as column_name,
    placement.geography_code as value,
    placement.unplaced_reason as reason,
    placement.geography_level,
    cells.census_year,
    cells.table_code,
    count(*) as cells,
    cast(sum(case when cells.category_level = 1 then cells.value end) as bigint) as sum_of_top_categories
from placement
inner join cells
    on placement.geography_level = cells.geography_level
    and placement.geography_code = cells.geography_code
    and placement.census_year = cells.census_year
group by
    cells.load_id, cells.source_file, cells.source_row_number, placement.geography_code,
    placement.unplaced_reason, placement.geography_level, cells.census_year, cells.table_code
