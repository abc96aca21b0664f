{#-
    Gross flows behind the quarterly net change in each current LA's asylum-supported population
    (sections 95 and 98 in Home Office accommodation: int_asylum_accommodated_stock, the stock of the
    move-on estimate), where the series and
    the decisions allow (docs/flows.md "Gross churn"):

        net change        = S(l, q) - S(l, q-1)      (S: int_asylum_accommodated_stock)
        estimated exits   = S(l, q-1) / S(UK, q-1) x D(q)   initial decisions falling on the LA's stock
        implied entries   = net change + estimated exits

    An initial decision ends section 95 support within weeks for a household granted protection
    (28 days) and for a single adult refused (21 days); refused families keep support, and appeals,
    dispersal between LAs and moves to section 4 are not counted. D counts main applicants, not
    dependants, so exits and entries are in main applicants against a stock in people: read them as a
    lower bound on gross movement and as a ratio to the net change, not as counts of people.
-#}
with

support as (

    select lad_code, period_end, people
    from {{ ref('int_asylum_accommodated_stock') }}
    where lad_code is not null

),

pressure as (

    select * from {{ ref('mart_move_on_pressure_by_la_quarter') }}

),

flows as (

    select
        pressure.lad_code,
        pressure.lad_name,
        pressure.region_name,
        pressure.period_end,
        pressure.quarter_label,
        pressure.supported_at_start,
        coalesce(support.people, 0) as supported_at_end,
        {{ ratio('pressure.supported_at_start', 'pressure.uk_supported_at_start') }}
            * pressure.uk_initial_decisions as estimated_exits
    from pressure
    left join support
        on pressure.lad_code = support.lad_code
        and pressure.period_end = support.period_end

)

select
    lad_code || '|' || cast(period_end as {{ dbt.type_string() }}) as churn_key,
    lad_code,
    lad_name,
    region_name,
    period_end,
    quarter_label,
    cast(supported_at_start as bigint) as supported_at_start,
    cast(supported_at_end as bigint) as supported_at_end,
    cast(supported_at_end - supported_at_start as bigint) as net_change,
    cast(estimated_exits as double precision) as estimated_exits,
    cast(supported_at_end - supported_at_start + estimated_exits as double precision) as implied_entries,
    {{ ratio('2 * estimated_exits + supported_at_end - supported_at_start', 'abs(supported_at_end - supported_at_start)') }}
        as gross_to_net_ratio
from flows
