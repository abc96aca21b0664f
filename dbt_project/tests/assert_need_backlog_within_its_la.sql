{#-
    Plausibility bands on the backlog (docs/need-method.md, "Plausibility bands"), per LA, central
    parameters (the components do not depend on the horizon or scenario):
      - the communities' overcrowded households add up to at most the LA's census count (TS052) and their
        households in need now to at most the LA's overcrowded plus registered households: a backlog
        cannot exceed its own LA's;
      - the net backlog (in need, not releasing a social home, unable to afford) is at most 40% of the
        communities' households: the highest share of all households in need in any LA is Newham's
        (21.5% overcrowded, 35.7% on the register: at most 57%, before the overlap), and of those at
        least a fifth rent socially (release a home) or can afford a market rent.
-#}
with

estimate as (

    select * from {{ ref('mart_housing_need_estimate') }}
    where scenario = 'central' and horizon_years = 10

),

by_la as (

    select
        lad_code,
        sum(overcrowded_households) as overcrowded,
        sum(current_unmet_need) as in_need,
        sum((current_unmet_need - stock_available) * unable_to_afford_share) as net_backlog,
        sum(households_at_base) as households
    from estimate
    group by lad_code

),

la as (

    select
        profile.lad_code,
        profile.overcrowded_share * profile.households as overcrowded,
        coalesce(register.households_on_register, 0) as registered
    from {{ ref('mart_community_profile_by_la') }} as profile
    left join {{ ref('fct_waiting_list_by_la_year') }} as register
        on register.lad_code = profile.lad_code
        and register.reporting_year = (select max(reporting_year) from {{ ref('fct_waiting_list_by_la_year') }})

)

select by_la.*, la.overcrowded as la_overcrowded, la.registered as la_registered
from by_la
inner join la on la.lad_code = by_la.lad_code
where by_la.overcrowded > la.overcrowded * (1 + 1e-9)
    or by_la.in_need > (la.overcrowded + la.registered) * (1 + 1e-9)
    or by_la.net_backlog > 0.4 * by_la.households
