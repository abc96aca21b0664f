{#-
    The MSOA and the electoral ward (2024) each 2021 LSOA lies in. ONS names an LSOA after its MSOA
    plus a letter ("Leicester 001A" lies in "Leicester 001"), and MSOA names are unique across England
    and Wales, so the name gives the MSOA; the ward comes from the ONS LSOA -> ward -> LAD lookup.
-#}
with

lsoas as (

    select
        lsoa21_code,
        lsoa21_name,
        ward24_code,
        ward24_name,
        ltla24_code,
        left(lsoa21_name, length(lsoa21_name) - 1) as msoa21_name
    from {{ ref('ref_geographr_lookup_lsoa21_ward24_ltla24') }}

),

msoas as (

    select * from {{ ref('ref_ons_msoa21_lad23') }}

)

select
    lsoas.lsoa21_code,
    lsoas.lsoa21_name,
    lsoas.ward24_code,
    lsoas.ward24_name,
    lsoas.ltla24_code,
    lsoas.msoa21_name,
    msoas.msoa21_code
from lsoas
left join msoas
    on lsoas.msoa21_name = msoas.msoa21_name
