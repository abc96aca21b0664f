{#-
    The MSOA each 2021 LSOA lies in. ONS names an LSOA after its MSOA plus a letter ("Leicester 001A"
    lies in "Leicester 001"), so the name gives the MSOA even where the MSOA lookup lacks it
    (msoa21_code is then null).
-#}
with

lsoas as (

    select
        lsoa21_code,
        ltla22_code,
        left(lsoa21_name, length(lsoa21_name) - 1) as msoa21_name
    from {{ ref('ref_geographr_lookup_lsoa21_ltla22') }}

),

msoas as (

    select * from {{ ref('ref_geographr_lookup_msoa21_ltla22') }}

)

select
    lsoas.lsoa21_code,
    lsoas.ltla22_code,
    lsoas.msoa21_name,
    msoas.msoa21_code
from lsoas
left join msoas
    on lsoas.ltla22_code = msoas.ltla22_code
    and lsoas.msoa21_name = msoas.msoa21_name
