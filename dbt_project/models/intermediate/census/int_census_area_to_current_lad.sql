{#-
    Every census area below the local authority (LSOA, MSOA) and every local authority code (2011 and
    2021 vintages) that a census cell uses, placed in its current local authority district:
      ltla: the code through the LAD crosswalk (merged districts map into their successor);
      lsoa: the ONS LSOA 2021 -> ward 2024 -> LAD 2024 lookup, then the crosswalk;
      msoa: the ONS MSOA 2021 -> LAD 2023 lookup (all 7,264 MSOAs), then the crosswalk.
    Areas that cannot be placed carry the reason (quarantine.census_unplaced_areas lists them).
-#}
with

areas as (

    select distinct geography_level, geography_code, census_year
    from {{ ref('int_census_cells_latest') }}
    where geography_level in ('ltla', 'msoa', 'lsoa')

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

lsoa as (

    select lsoa21_code as area_code, lsoa21_name as area_name, ltla24_code as lad_code
    from {{ ref('ref_geographr_lookup_lsoa21_ward24_ltla24') }}

),

msoa as (

    select msoa21_code as area_code, msoa21_name as area_name, lad23_code as lad_code
    from {{ ref('ref_ons_msoa21_lad23') }}

),

small_areas as (

    select 'lsoa' as geography_level, * from lsoa
    union all
    select 'msoa' as geography_level, * from msoa

),

placed as (

    select
        areas.geography_level,
        areas.geography_code,
        areas.census_year,
        small_areas.area_name,
        case
            when areas.geography_level = 'ltla' then areas.geography_code
            else small_areas.lad_code
        end as lad_code_as_published
    from areas
    left join small_areas
        on areas.geography_level = small_areas.geography_level
        and areas.geography_code = small_areas.area_code

)

select
    placed.geography_level,
    placed.geography_code,
    placed.census_year,
    placed.area_name,
    placed.lad_code_as_published,
    crosswalk.current_lad_code,
    case
        when crosswalk.current_lad_code is not null then null
        when placed.lad_code_as_published is null
            then upper(placed.geography_level) || ' code is not in the ' || upper(placed.geography_level)
                || ' 2021 lookup'
        else 'local authority code ' || placed.lad_code_as_published || ' is not in the LAD crosswalk'
    end as unplaced_reason
from placed
left join crosswalk
    on placed.lad_code_as_published = crosswalk.gss_code
