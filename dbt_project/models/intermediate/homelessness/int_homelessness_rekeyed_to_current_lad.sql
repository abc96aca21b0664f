{#-
    Every H-CLIC row of the newest delivery per quarter, with what the facts do with it:
      code                a local authority row whose code (of the quarter's vintage) the crosswalk
                          places in a current LAD
      not_local_authority England, region and "Rest of England" rows: rounded to 10 by the publisher,
                          so the facts sum local authorities instead
      unresolved          a local authority code the crosswalk does not know
                          (quarantine.homelessness_unresolved_geography)
-#}
with

duties as (

    select * from {{ ref('int_homelessness_latest_release') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

)

select
    duties.*,
    crosswalk.current_lad_code,
    case
        when duties.geography_level <> 'local_authority' then 'not_local_authority'
        when crosswalk.current_lad_code is not null then 'code'
        else 'unresolved'
    end as rekey_method
from duties
left join crosswalk
    on upper(trim(duties.area_code)) = crosswalk.gss_code
