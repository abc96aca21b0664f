{#-
    Every waiting-list row of the newest release per year with its current LAD: the extract's codes
    are LAD 2024 codes already (predecessor districts appear under their successor's code), so the
    crosswalk confirms them; an unknown code is unresolved
    (quarantine.waiting_list_unresolved_geography).
-#}
with

registers as (

    select * from {{ ref('int_waiting_lists_latest_release') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

series as (

    select * from {{ ref('int_lad_code_series') }}

)

select
    registers.*,
    crosswalk.current_lad_code,
    case when crosswalk.current_lad_code is not null then 'code' else 'unresolved' end as rekey_method,
    {{ lad_code_standing('registers.published_lad_code') }} as code_standing,
    series.entity as code_entity,
    series.newest_code as entity_newest_code,
    series.newest_vintage as spine_newest_vintage
from registers
left join crosswalk
    on upper(trim(registers.published_lad_code)) = crosswalk.gss_code
left join series
    on upper(substr(trim(registers.published_lad_code), 1, 3)) = series.entity
