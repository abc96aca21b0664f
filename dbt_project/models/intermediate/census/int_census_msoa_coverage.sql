{#-
    Which local authorities have every MSOA in the MSOA lookup. The MSOA lookup lacks 82 of the 7,264
    MSOAs of 2021, so an MSOA-only table (TS029) summed to a district is short wherever one is
    missing. The complete list of MSOAs per district comes from the LSOA lookup: an LSOA's name is
    its MSOA's name plus a letter ("Leicester 001A" lies in "Leicester 001").
-#}
with

expected as (

    select distinct
        ltla22_code,
        left(lsoa21_name, length(lsoa21_name) - 1) as msoa21_name
    from {{ ref('ref_geographr_lookup_lsoa21_ltla22') }}

),

known as (

    select ltla22_code, msoa21_name
    from {{ ref('ref_geographr_lookup_msoa21_ltla22') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

per_ltla22 as (

    select
        expected.ltla22_code,
        count(*) as msoas_expected,
        count(known.msoa21_name) as msoas_in_lookup
    from expected
    left join known
        on expected.ltla22_code = known.ltla22_code
        and expected.msoa21_name = known.msoa21_name
    group by expected.ltla22_code

)

select
    crosswalk.current_lad_code as lad_code,
    cast(sum(per_ltla22.msoas_expected) as bigint) as msoas_expected,
    cast(sum(per_ltla22.msoas_in_lookup) as bigint) as msoas_in_lookup,
    cast(sum(per_ltla22.msoas_expected) - sum(per_ltla22.msoas_in_lookup) as bigint) as msoas_missing_from_lookup
from per_ltla22
inner join crosswalk
    on per_ltla22.ltla22_code = crosswalk.gss_code
group by crosswalk.current_lad_code
