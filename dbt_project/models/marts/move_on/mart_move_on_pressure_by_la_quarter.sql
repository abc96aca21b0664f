{#-
    Move-on pressure: households expected to leave Home Office accommodation after a positive initial
    decision, by current local authority and quarter, against the households councils recorded as owed
    a homelessness duty because they had to leave asylum accommodation (H-CLIC). Method and caveats:
    docs/flows.md "Move-on".

        estimated households(LA, q) = S(LA, q-1) / S(UK, q-1) x G(UK, q) x s

    S   people on section 95 or 98 support in Home Office accommodation (any type except subsistence
        only) at the end of the quarter before (int_asylum_accommodated_stock); the UK figure includes
        rows the publisher did not allocate to an LA
    G   initial grants in the quarter, all nationalities (mart_initial_decisions_by_quarter); grants
        count main applicants, so roughly households
    s   the share of grants made to people in Home Office accommodation (ref_move_on_assumptions:
        low / central / high)
    The LA's share of the supported stock carries the decision-throughput assumption: decisions fall
    on each LA's supported population in proportion to its size (decision_throughput, the UK's
    decisions per supported person, is shown for reference). Observed: H-CLIC households owed a
    prevention or relief duty in the same quarter (support ends 28 days after a grant; the prevention
    duty starts 56 days before homelessness, so most households reach the council within the quarter).
-#}
with

support as (

    select * from {{ ref('int_asylum_accommodated_stock') }}

),

decisions as (

    select * from {{ ref('mart_initial_decisions_by_quarter') }}

),

observed as (

    select * from {{ ref('fct_homelessness_asylum_support_by_la_quarter') }}
    where duty = 'prevention_or_relief'

),

assumptions as (

    select * from {{ ref('ref_move_on_assumptions') }}
    where parameter = 'supported_share_of_grants'

),

days as (

    select
        max(case when parameter = 'move_on_period_days' then central end) as move_on_period_days,
        max(case when parameter = 'homelessness_prevention_duty_days' then central end) as prevention_duty_days
    from {{ ref('ref_move_on_assumptions') }}

),

uk_stock as (

    select period_end, sum(people) as people
    from support
    group by period_end

),

la_stock as (

    select lad_code, lad_name, region_name, period_end, sum(people) as people
    from support
    where lad_code is not null
    group by lad_code, lad_name, region_name, period_end

),

quarters as (

    -- each decision quarter with the stock at the end of the quarter before (the stock the grants
    -- fall on); quarters before the support series starts (2014 Q1) have no stock and no estimate
    select
        decisions.period_end,
        decisions.quarter_label,
        decisions.grants,
        decisions.decisions_on_merits,
        decisions.grant_rate,
        uk_stock.period_end as stock_period_end,
        uk_stock.people as uk_supported_at_start
    from decisions
    inner join uk_stock
        on uk_stock.period_end = cast(
            {{ dbt.dateadd('day', -1, dbt.date_trunc('quarter', 'decisions.period_end')) }} as date
        )

),

estimated as (

    select
        la_stock.lad_code,
        la_stock.lad_name,
        la_stock.region_name,
        quarters.period_end,
        quarters.quarter_label,
        la_stock.people as supported_at_start,
        quarters.uk_supported_at_start,
        quarters.decisions_on_merits as uk_initial_decisions,
        quarters.grants as uk_initial_grants,
        quarters.grant_rate as uk_grant_rate,
        {{ ratio('quarters.decisions_on_merits', 'quarters.uk_supported_at_start') }} as decision_throughput,
        {{ ratio('la_stock.people', 'quarters.uk_supported_at_start') }} * quarters.grants as grants_falling_on_la
    from quarters
    inner join la_stock
        on la_stock.period_end = quarters.stock_period_end

)

select
    estimated.lad_code || '|' || cast(estimated.period_end as {{ dbt.type_string() }}) as move_on_key,
    estimated.lad_code,
    estimated.lad_name,
    estimated.region_name,
    estimated.period_end,
    estimated.quarter_label,
    cast(estimated.supported_at_start as bigint) as supported_at_start,
    cast(estimated.uk_supported_at_start as bigint) as uk_supported_at_start,
    cast(estimated.uk_initial_decisions as bigint) as uk_initial_decisions,
    cast(estimated.uk_initial_grants as bigint) as uk_initial_grants,
    estimated.uk_grant_rate,
    estimated.decision_throughput,
    cast(estimated.grants_falling_on_la * assumptions.low as double precision) as estimated_households_low,
    cast(estimated.grants_falling_on_la * assumptions.central as double precision) as estimated_households_central,
    cast(estimated.grants_falling_on_la * assumptions.high as double precision) as estimated_households_high,
    observed.households_asylum_support as observed_households,
    observed.value_basis as observed_basis,
    case
        when observed.lad_code is null then 'no H-CLIC table for the quarter'
        when not observed.is_reported then 'not reported by the council'
        else 'reported'
    end as observed_status,
    {{ ratio('observed.households_asylum_support', 'estimated.grants_falling_on_la * assumptions.central') }}
        as observed_to_estimate_ratio,
    cast(days.move_on_period_days as integer) as move_on_period_days,
    cast(days.prevention_duty_days as integer) as prevention_duty_days
from estimated
cross join assumptions
cross join days
left join observed
    on estimated.lad_code = observed.lad_code
    and estimated.period_end = observed.period_end
