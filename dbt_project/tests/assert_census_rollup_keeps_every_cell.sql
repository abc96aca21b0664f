{#-
    Nothing is lost between the published cells and the district figures: for every release, level
    and category, the sum of the published cells equals the sum over current districts plus the sum
    in unplaced areas (quarantine.census_unplaced_areas). Levels above the district (ctry, rgn, utla,
    county) and small-area files of tables also published for districts are not summed into districts.
-#}
with

cells as (

    select * from {{ ref('int_census_cells_latest') }}

),

placement as (

    select * from {{ ref('int_census_area_to_current_lad') }}

),

summed_levels as (

    select distinct release, source_level from {{ ref('int_census_cells_by_lad') }}

),

published as (

    select cells.release, cells.geography_level, cells.category_path, sum(cells.value) as value
    from cells
    inner join summed_levels
        on cells.release = summed_levels.release
        and cells.geography_level = summed_levels.source_level
    group by cells.release, cells.geography_level, cells.category_path

),

in_districts as (

    select release, source_level as geography_level, category_path, sum(value) as value
    from {{ ref('int_census_cells_by_lad') }}
    group by release, source_level, category_path

),

unplaced as (

    select cells.release, cells.geography_level, cells.category_path, sum(cells.value) as value
    from cells
    inner join placement
        on cells.geography_level = placement.geography_level
        and cells.geography_code = placement.geography_code
        and cells.census_year = placement.census_year
    where placement.current_lad_code is null
    group by cells.release, cells.geography_level, cells.category_path

)

select
    published.release,
    published.geography_level,
    published.category_path,
    published.value as published_value,
    in_districts.value as in_districts,
    unplaced.value as unplaced
from published
left join in_districts
    on published.release = in_districts.release
    and published.geography_level = in_districts.geography_level
    and published.category_path = in_districts.category_path
left join unplaced
    on published.release = unplaced.release
    and published.geography_level = unplaced.geography_level
    and published.category_path = unplaced.category_path
where published.value <> coalesce(in_districts.value, 0) + coalesce(unplaced.value, 0)
