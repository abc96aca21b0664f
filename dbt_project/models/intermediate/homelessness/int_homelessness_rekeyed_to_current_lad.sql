{#-
    Every H-CLIC row of the newest delivery per quarter, with what the facts do with it:
      code                a local authority row whose code (of the quarter's vintage) the crosswalk
                          places in a current LAD
      not_local_authority England, region and "Rest of England" rows: rounded to 10 by the publisher,
                          so the facts sum local authorities instead
      unresolved          a local authority code the crosswalk does not know
                          (quarantine.homelessness_unresolved_geography); code_standing says whether
                          it is a valid code of a vintage the spine does not know yet
                          (macros/lad_code_standing.sql)
-#}
with

duties as (

    select * from {{ ref('int_homelessness_latest_release') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

series as (

    select * from {{ ref('int_lad_code_series') }}

)

select
    duties.*,
    crosswalk.current_lad_code,
    case
        when duties.geography_level <> 'local_authority' then 'not_local_authority'
        when crosswalk.current_lad_code is not null then 'code'
        else 'unresolved'
    end as rekey_method,
    {{ lad_code_standing('duties.area_code') }} as code_standing,
    series.entity as code_entity,
    series.newest_code as entity_newest_code,
    series.newest_vintage as spine_newest_vintage
from duties
left join crosswalk
    on upper(trim(duties.area_code)) = crosswalk.gss_code
left join series
    on upper(substr(trim(duties.area_code), 1, 3)) = series.entity
