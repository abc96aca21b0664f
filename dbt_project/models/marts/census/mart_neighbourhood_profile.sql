{#-
    Neighbourhoods (2021 MSOAs and LSOAs, and 2024 electoral wards) with what the census publishes for
    them, so a housing provider can see who lives where it works: overcrowding (TS052, published for
    LSOAs, summed to MSOAs and to wards) and English proficiency (TS029, MSOAs; MSOAs do not nest in
    wards, so wards have none), each with its current local authority. One row per area. An LSOA's
    MSOA comes from its name and its ward from the ONS lookup (int_census_lsoa_in_msoa). Areas the
    lookups cannot place are in quarantine.census_unplaced_areas, not here.
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

lsoa_in_msoa as (

    select 'lsoa' as geography_level, * from {{ ref('int_census_lsoa_in_msoa') }}
    where msoa21_code is not null

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

pivoted as (

    select
        geography_level,
        geography_code,
        {{ census_occupancy_households() }} as households,
        {{ census_overcrowded_households() }} as overcrowded_households,
        {{ census_residents_aged_3_plus() }} as residents_aged_3_plus,
        {{ census_main_language_not_english() }} as main_language_not_english,
        {{ census_cannot_speak_english_well() }} as cannot_speak_english_well
    from cells
    group by geography_level, geography_code

),

msoa_from_lsoas as (

    select
        'msoa' as geography_level,
        lsoa_in_msoa.msoa21_code as geography_code,
        cast(sum(pivoted.households) as bigint) as households,
        cast(sum(pivoted.overcrowded_households) as bigint) as overcrowded_households,
        count(*) as lsoas
    from pivoted
    inner join lsoa_in_msoa
        on pivoted.geography_code = lsoa_in_msoa.lsoa21_code
    where pivoted.geography_level = 'lsoa' and pivoted.households is not null
    group by lsoa_in_msoa.msoa21_code

),

areas as (

    select
        pivoted.geography_level,
        pivoted.geography_code,
        lsoa_in_msoa.msoa21_code as msoa_code,
        lsoa_in_msoa.ward24_code as ward_code,
        coalesce(pivoted.households, msoa_from_lsoas.households) as households,
        coalesce(pivoted.overcrowded_households, msoa_from_lsoas.overcrowded_households) as overcrowded_households,
        case
            when pivoted.geography_level = 'msoa' and msoa_from_lsoas.households is not null then 'lsoa'
            when pivoted.households is not null then pivoted.geography_level
        end as overcrowding_source_level,
        pivoted.residents_aged_3_plus,
        pivoted.main_language_not_english,
        pivoted.cannot_speak_english_well
    from pivoted
    -- Both joins match on the level as a column, not on a constant: DuckDB plans a left join whose
    -- condition tests a left-hand column against a constant as a nested loop (seconds, not ms).
    left join lsoa_in_msoa
        on pivoted.geography_level = lsoa_in_msoa.geography_level
        and pivoted.geography_code = lsoa_in_msoa.lsoa21_code
    left join msoa_from_lsoas
        on pivoted.geography_level = msoa_from_lsoas.geography_level
        and pivoted.geography_code = msoa_from_lsoas.geography_code

),

wards as (

    select
        'ward' as geography_level,
        lsoa_in_msoa.ward24_code as area_code,
        lsoa_in_msoa.ward24_name as area_name,
        crosswalk.current_lad_code as lad_code,
        cast(sum(pivoted.households) as bigint) as households,
        cast(sum(pivoted.overcrowded_households) as bigint) as overcrowded_households
    from pivoted
    inner join lsoa_in_msoa
        on pivoted.geography_level = lsoa_in_msoa.geography_level
        and pivoted.geography_code = lsoa_in_msoa.lsoa21_code
    inner join crosswalk
        on lsoa_in_msoa.ltla24_code = crosswalk.gss_code
    where pivoted.households is not null
    group by lsoa_in_msoa.ward24_code, lsoa_in_msoa.ward24_name, crosswalk.current_lad_code

),

small_areas as (

    select
        areas.geography_level,
        areas.geography_code as area_code,
        placement.area_name,
        areas.msoa_code,
        areas.ward_code,
        placement.current_lad_code as lad_code,
        areas.households,
        areas.overcrowded_households,
        areas.overcrowding_source_level,
        areas.residents_aged_3_plus,
        areas.main_language_not_english,
        areas.cannot_speak_english_well
    from areas
    inner join placement
        on areas.geography_level = placement.geography_level
        and areas.geography_code = placement.geography_code

    union all

    select
        geography_level,
        area_code,
        area_name,
        null as msoa_code,
        null as ward_code,
        lad_code,
        households,
        overcrowded_households,
        'lsoa' as overcrowding_source_level,
        null as residents_aged_3_plus,
        null as main_language_not_english,
        null as cannot_speak_english_well
    from wards

)

select
    small_areas.geography_level,
    small_areas.area_code,
    small_areas.area_name,
    small_areas.msoa_code,
    small_areas.ward_code,
    small_areas.lad_code,
    authorities.lad_name,
    authorities.region_name,
    small_areas.households,
    small_areas.overcrowded_households,
    {{ ratio('small_areas.overcrowded_households', 'small_areas.households') }} as overcrowded_share,
    small_areas.overcrowding_source_level,
    small_areas.residents_aged_3_plus,
    small_areas.main_language_not_english,
    small_areas.cannot_speak_english_well,
    {{ ratio('small_areas.cannot_speak_english_well', 'small_areas.residents_aged_3_plus') }} as cannot_speak_english_well_share
from small_areas
inner join authorities
    on small_areas.lad_code = authorities.lad_code
