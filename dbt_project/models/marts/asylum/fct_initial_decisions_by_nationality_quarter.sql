{#-
    Initial decisions on asylum applications by nationality and quarter (Home Office, derived from
    Asy_D02), newest release per quarter. grant_rate is recomputed as grants / (grants + refusals),
    the Home Office's definition, and kept beside the published rate; administrative outcomes
    (withdrawn, closed) are not decisions on the merits and are outside the rate.
-#}
with

decisions as (

    select * from {{ ref('int_initial_decisions_latest_release') }}

)

select
    cast(period_end as {{ dbt.type_string() }}) || '|' || nationality as decision_key,
    period_end,
    {{ quarter_label('period_end') }} as quarter_label,
    nationality,
    world_region,
    cast(coalesce(grants, 0) as bigint) as grants,
    cast(coalesce(refusals, 0) as bigint) as refusals,
    cast(coalesce(administrative_outcomes, 0) as bigint) as administrative_outcomes,
    cast(coalesce(grants, 0) + coalesce(refusals, 0) as bigint) as decisions_on_merits,
    {{ ratio('coalesce(grants, 0)', 'coalesce(grants, 0) + coalesce(refusals, 0)') }} as grant_rate,
    published_grant_rate,
    load_id,
    release
from decisions
