{#-
    The current LADs in each custom area of ref_custom_areas (AGMA, the combined authorities a strategy
    team reports on, or a council's own partnership): members named by combined authority come from
    the mySociety register's combined-authority column; members named one by one are taken as given.
    One row per custom area and member LAD.
-#}
with

custom_areas as (

    select * from {{ ref('ref_custom_areas') }}

),

authorities as (

    select * from {{ ref('stg_reference__mysociety_local_authorities') }}
    where is_current and is_lower_tier_or_unitary

),

members as (

    select
        custom_areas.custom_area_code,
        custom_areas.custom_area_name,
        authorities.gss_code as lad_code
    from custom_areas
    inner join authorities
        on custom_areas.members_from = 'combined_authority'
        and custom_areas.member_code = authorities.combined_authority_code

    union all

    select
        custom_area_code,
        custom_area_name,
        member_code as lad_code
    from custom_areas
    where members_from = 'lad'

)

select
    cast(custom_area_code as {{ dbt.type_string() }}) as custom_area_code,
    cast(custom_area_name as {{ dbt.type_string() }}) as custom_area_name,
    cast(lad_code as {{ dbt.type_string() }}) as lad_code
from members
