{#-
    Gross churn behind the net change in the foreign-born population of each current district between
    the 2011 and 2021 censuses (docs/flows.md "Gross churn"):

        arrivals   = residents in 2021 who arrived in the UK 2011-2021 (TS015, four bands)
        net change = born outside the UK 2021 (TS004/TS012) - 2011 (QS203EW, re-keyed to 2021 districts)
        departures = arrivals - net change

    departures is what left the 2011 foreign-born stock (emigration, deaths, moves to another district)
    net of people born abroad who arrived in the UK before 2011 and moved into the district since. It
    misses people who arrived and left within the decade (they are in neither census), so both gross
    flows are lower bounds. TS015 is not cross-tabulated by country of birth, so churn is by district,
    not by community. One row per district of England and Wales with both censuses.
-#}
with

profile as (

    select lad_code, lad_name, region_name, born_outside_uk_2011, born_outside_uk_2021
    from {{ ref('mart_community_profile_by_la') }}
    where born_outside_uk_2011 is not null and born_outside_uk_2021 is not null

),

arrivals as (

    select lad_code, sum(residents) as arrived_2011_2021, max(source_table) as arrivals_table
    from {{ ref('mart_arrival_cohorts_by_la') }}
    where is_cohort_since_2011
    group by lad_code

),

flows as (

    select
        profile.lad_code,
        profile.lad_name,
        profile.region_name,
        profile.born_outside_uk_2011,
        profile.born_outside_uk_2021,
        profile.born_outside_uk_2021 - profile.born_outside_uk_2011 as net_change,
        arrivals.arrived_2011_2021,
        arrivals.arrived_2011_2021 - (profile.born_outside_uk_2021 - profile.born_outside_uk_2011) as departures
    from profile
    inner join arrivals
        on profile.lad_code = arrivals.lad_code

)

select
    lad_code,
    lad_name,
    region_name,
    cast(born_outside_uk_2011 as bigint) as born_outside_uk_2011,
    cast(born_outside_uk_2021 as bigint) as born_outside_uk_2021,
    cast(net_change as bigint) as net_change,
    cast(arrived_2011_2021 as bigint) as arrived_2011_2021,
    cast(departures as bigint) as departures,
    cast(arrived_2011_2021 + departures as bigint) as gross_moves,
    {{ ratio('arrived_2011_2021 + departures', 'born_outside_uk_2011') }} as turnover_of_2011_stock,
    {{ ratio('arrived_2011_2021 + departures', 'abs(net_change)') }} as gross_to_net_ratio,
    departures < 0 as has_negative_departures,
    'TS015 (arrivals), TS004 and QS203EW (stock)' as source_tables
from flows
