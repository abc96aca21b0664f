{#-
    The move-on estimate checked against what each council saw: for every current local authority
    with both an estimate and a reported H-CLIC figure in at least one quarter, the sums over those
    quarters, the ratio observed / central estimate, whether the observed sum falls inside the
    low-high range, and the share of grants to supported people that would have reproduced the
    observation (the central assumption times the ratio): the LA's calibrated parameter.
-#}
with

pressure as (

    select * from {{ ref('mart_move_on_pressure_by_la_quarter') }}
    where observed_status = 'reported'

),

central as (

    select central from {{ ref('ref_move_on_assumptions') }}
    where parameter = 'supported_share_of_grants'

),

summed as (

    select
        lad_code,
        lad_name,
        region_name,
        count(*) as quarters_compared,
        min(period_end) as first_quarter,
        max(period_end) as last_quarter,
        -- in quarter order: a parallel sum of doubles adds in whatever order the threads finish, and
        -- the need model's move-on (int_need_community_inputs) must get the same bits on a rebuild
        sum(estimated_households_low order by period_end) as estimated_households_low,
        sum(estimated_households_central order by period_end) as estimated_households_central,
        sum(estimated_households_high order by period_end) as estimated_households_high,
        sum(observed_households order by period_end) as observed_households
    from pressure
    group by lad_code, lad_name, region_name

)

select
    summed.lad_code,
    summed.lad_name,
    summed.region_name,
    cast(summed.quarters_compared as integer) as quarters_compared,
    summed.first_quarter,
    summed.last_quarter,
    cast(summed.estimated_households_low as double precision) as estimated_households_low,
    cast(summed.estimated_households_central as double precision) as estimated_households_central,
    cast(summed.estimated_households_high as double precision) as estimated_households_high,
    cast(summed.observed_households as bigint) as observed_households,
    {{ ratio('summed.observed_households', 'summed.estimated_households_central') }} as observed_to_estimate_ratio,
    summed.observed_households between summed.estimated_households_low and summed.estimated_households_high
        as observed_within_range,
    cast(central.central as double precision)
        * {{ ratio('summed.observed_households', 'summed.estimated_households_central') }}
        as calibrated_supported_share_of_grants
from summed
cross join central
