{#-
    Neighbourhoods (2021 MSOAs and LSOAs) with what the census publishes for them, so a housing
    provider can see who lives where it works: overcrowding (TS052, LSOA) and English proficiency
    (TS029, MSOA), each with its local authority. One row per area. Areas the lookups cannot place are
    in quarantine.census_unplaced_areas, not here.
-#}
with

cells as (

    select * from {{ ref('int_census_cells_latest') }}
    where geography_level in ('msoa', 'lsoa')

),

placement as (

    select * from {{ ref('int_census_area_to_current_lad') }}
    where current_lad_code is not null

),

authorities as (

    select * from {{ ref('dim_local_authority') }}

),

pivoted as (

    select
        geography_level,
        geography_code,
        max(case when table_code = 'TS052' and category_path = 'Total' then value end) as households,
        cast(sum(case when table_code = 'TS052' and category_path in ('-1', '-2 or less') then value end) as bigint) as overcrowded_households,
        cast(sum(case when table_code = 'TS029' and category_level = 1 then value end) as bigint) as residents_aged_3_plus,
        max(case when table_code = 'TS029' and category_path like 'Main language is not English%' and category_level = 1 then value end) as main_language_not_english,
        cast(sum(case when table_code = 'TS029' and category_label in ('Cannot speak English well', 'Cannot speak English') then value end) as bigint) as cannot_speak_english_well
    from cells
    group by geography_level, geography_code

)

select
    pivoted.geography_level,
    pivoted.geography_code as area_code,
    placement.area_name,
    placement.current_lad_code as lad_code,
    authorities.lad_name,
    authorities.region_name,
    pivoted.households,
    pivoted.overcrowded_households,
    cast(pivoted.overcrowded_households as double) / nullif(pivoted.households, 0) as overcrowded_share,
    pivoted.residents_aged_3_plus,
    pivoted.main_language_not_english,
    pivoted.cannot_speak_english_well,
    cast(pivoted.cannot_speak_english_well as double) / nullif(pivoted.residents_aged_3_plus, 0) as cannot_speak_english_well_share
from pivoted
inner join placement
    on pivoted.geography_level = placement.geography_level
    and pivoted.geography_code = placement.geography_code
inner join authorities
    on placement.current_lad_code = authorities.lad_code
