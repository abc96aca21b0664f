{#-
    Every resettlement row of the newest release per quarter with the current LAD it belongs to and
    its scheme family. The table's LAD codes are GSS codes of the quarter's vintage (E07000154
    Northampton before 2021, say) and agree with the names (one rename, Shepway to Folkestone and
    Hythe, under one code), so the code decides through int_lad_code_crosswalk:
      placeholder   the publisher's "Unknown" local authority: no LAD, kept for national totals
      code          the code is known: its current LAD
      unresolved    a code the crosswalk does not know (quarantine.resettlement_unresolved_geography)
    A scheme missing from ref_resettlement_schemes keeps a null family and fails
    tests/assert_resettlement_schemes_known.sql, which names it.
-#}
with

arrivals as (

    select * from {{ ref('int_resettlement_latest_release') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

series as (

    select * from {{ ref('int_lad_code_series') }}

),

schemes as (

    select * from {{ ref('ref_resettlement_schemes') }}

)

select
    arrivals.*,
    crosswalk.current_lad_code,
    case
        when coalesce(arrivals.is_placeholder, false) then 'placeholder'
        when crosswalk.current_lad_code is not null then 'code'
        else 'unresolved'
    end as rekey_method,
    {{ lad_code_standing('arrivals.published_lad_code') }} as code_standing,
    series.entity as code_entity,
    series.newest_code as entity_newest_code,
    series.newest_vintage as spine_newest_vintage,
    cast(schemes.scheme_key as {{ dbt.type_string() }}) as scheme_key,
    cast(schemes.scheme_family as {{ dbt.type_string() }}) as scheme_family,
    cast(schemes.scheme_family_label as {{ dbt.type_string() }}) as scheme_family_label,
    cast(schemes.is_community_sponsorship as boolean) as is_community_sponsorship
from arrivals
left join crosswalk
    on upper(trim(arrivals.published_lad_code)) = crosswalk.gss_code
left join series
    on upper(substr(trim(arrivals.published_lad_code), 1, 3)) = series.entity
left join schemes
    on arrivals.scheme = schemes.scheme
