{#-
    Households owed a prevention, relief, or prevention-or-relief duty, in total and because they were
    required to leave Home Office asylum accommodation, by current LAD, quarter and duty, as published
    (before deriving the duties a quarter's tables do not give). Districts that merged into one current
    LAD are summed; when any of them did not report a figure (published '..'), the current LAD's figure
    is unknown (null) and areas_not_reported says how many were missing.
-#}
with

rows_in_lads as (

    select * from {{ ref('int_homelessness_rekeyed_to_current_lad') }}
    where rekey_method = 'code'

)

select
    current_lad_code as lad_code,
    period_end,
    duty,
    max(table_code) as table_code,
    {{ complete_sum('households_owed_duty') }} as households_owed_duty,
    {{ complete_sum('households_asylum_support') }} as households_asylum_support,
    cast(count(*) as integer) as published_areas,
    cast(count(*) - count(households_asylum_support) as integer) as areas_not_reported,
    max(load_id) as load_id,
    max(release) as release
from rows_in_lads
group by current_lad_code, period_end, duty
