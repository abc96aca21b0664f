{#-
    Initial asylum decisions for all nationalities by quarter: the UK-wide grant rate each quarter
    that the move-on estimate applies to the supported stock. One row per quarter.
-#}
with

decisions as (

    select * from {{ ref('fct_initial_decisions_by_nationality_quarter') }}

),

summed as (

    select
        period_end,
        sum(grants) as grants,
        sum(refusals) as refusals,
        sum(administrative_outcomes) as administrative_outcomes,
        count(*) as nationalities
    from decisions
    group by period_end

)

select
    period_end,
    {{ quarter_label('period_end') }} as quarter_label,
    cast(grants as bigint) as grants,
    cast(refusals as bigint) as refusals,
    cast(administrative_outcomes as bigint) as administrative_outcomes,
    cast(grants + refusals as bigint) as decisions_on_merits,
    {{ ratio('grants', 'grants + refusals') }} as grant_rate,
    cast(nationalities as bigint) as nationalities
from summed
