{#-
    Census cells for each current local authority district (England and Wales), every category of
    every table, subtotals included:
      - tables published for local authorities (ltla): the published cells, summed into the current
        district where districts have merged since (2011 and 2021 codes alike);
      - tables published only for small areas (TS052 at LSOA, TS029 at MSOA): the sum of the district's
        small areas.
    Summing is done per category, so a subtotal is still the sum of its children (tested at every
    level by assert_census_subtotals_add_up_by_lad). `source_areas` counts the published areas behind
    each value.
-#}
with

cells as (

    select * from {{ ref('int_census_cells_latest') }}

),

placement as (

    select * from {{ ref('int_census_area_to_current_lad') }}

),

tables_with_ltla as (

    select distinct release
    from cells
    where geography_level = 'ltla'

),

chosen as (

    select cells.*
    from cells
    left join tables_with_ltla
        on cells.release = tables_with_ltla.release
    where cells.geography_level = 'ltla'
        or (cells.geography_level in ('msoa', 'lsoa') and tables_with_ltla.release is null)

),

placed as (

    select
        placement.current_lad_code as lad_code,
        chosen.*
    from chosen
    inner join placement
        on chosen.geography_level = placement.geography_level
        and chosen.geography_code = placement.geography_code
        and chosen.census_year = placement.census_year
    where placement.current_lad_code is not null

)

select
    lad_code,
    census_year,
    table_code,
    release,
    release_kind,
    geography_level as source_level,
    category_path,
    category_label,
    category_level,
    parent_path,
    is_subtotal,
    cast(sum(value) as bigint) as value,
    count(*) as source_areas
from placed
group by
    lad_code, census_year, table_code, release, release_kind, geography_level,
    category_path, category_label, category_level, parent_path, is_subtotal
