{#-
    Which local authorities have every MSOA in the MSOA lookup. The MSOA lookup lacks 82 of the 7,264
    MSOAs of 2021, so an MSOA-only table (TS029) summed to a district is short wherever one is
    missing. The complete list of MSOAs per district comes from the LSOA names (int_census_lsoa_in_msoa).
-#}
with

msoas as (

    select distinct ltla22_code, msoa21_name, msoa21_code
    from {{ ref('int_census_lsoa_in_msoa') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

)

select
    crosswalk.current_lad_code as lad_code,
    count(*) as msoas_expected,
    count(msoas.msoa21_code) as msoas_in_lookup,
    count(*) - count(msoas.msoa21_code) as msoas_missing_from_lookup
from msoas
inner join crosswalk
    on msoas.ltla22_code = crosswalk.gss_code
group by crosswalk.current_lad_code
