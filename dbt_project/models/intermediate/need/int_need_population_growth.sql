{#-
    The population engine's growth terms per local authority x community (docs/need-method.md,
    "Population"; the same engine the ten-year hindcast scores, docs/hindcast.md), from what the
    2011 and 2021 censuses and the LA's migration flows show:

        R_c  = ln(N_c,2021 / N_c,2011) / 10       national annual log growth of community c (England and
                                                   Wales); a community the 2011 census did not name takes
                                                   its parent group's, else its world region's
        d_lc = ln((P_lc,2021 + 0.5) / (P_lc,2011 + 0.5)) / 10 - R_c   the LA's own growth, relative
        w_lc = P_lc,2011 / (P_lc,2011 + k)         evidence weight (0 when 2011 did not name c)
        m_l  = net internal migration of the LA a year, mid-2010 to mid-2020, per resident of mid-2011,
               less the same over all LAs of England and Wales   (ONS Local Area Migration Indicators)

    Sums of doubles are ordered aggregates, so that a rebuild gives the same bits (a parallel sum adds
    in whatever order the threads finish).
    And the spread of the engine's error, fitted on the same decade as the hindcast fits it on the one
    before its origin:
        sigma_c = the residents-weighted root mean square over LAs (P_lc,2011 >= 100) of 10 d_lc
                  (the pooled value of every community where c has no such LA)
        tau     = the root mean square over communities of 10 rho_n tanh(R_c / rho_n) about its mean
-#}
{%- set rho_n = "(select central from " ~ ref('ref_need_parameters') ~ " where parameter = 'engine_rho_n')" %}
{%- set k = "(select central from " ~ ref('ref_need_parameters') ~ " where parameter = 'engine_k')" %}
with

communities as (

    select community_key, parent_community_key, world_region_key
    from {{ ref('dim_community') }}

),

residents as (

    select
        lad_code,
        community_key,
        sum(case when census_year = 2011 then residents end) as residents_2011,
        sum(case when census_year = 2021 then residents end) as residents_2021
    from {{ ref('fct_residents_by_country_of_birth') }}
    group by lad_code, community_key

),

national as (

    select
        community_key,
        ln(cast(sum(residents_2021) as double precision) / sum(residents_2011)) / 10 as growth
    from residents
    group by community_key
    having sum(residents_2011) > 0 and sum(residents_2021) > 0

),

community_growth as (

    select
        communities.community_key,
        coalesce(own.growth, parent.growth, region.growth) as national_growth,
        case
            when own.growth is not null then 'the community, censuses 2011 and 2021'
            when parent.growth is not null then 'its group ' || communities.parent_community_key || ' (not named in 2011)'
            else 'its world region ' || communities.world_region_key || ' (not named in 2011)'
        end as national_growth_basis
    from communities
    left join national as own on own.community_key = communities.community_key
    left join national as parent on parent.community_key = communities.parent_community_key
    left join national as region on region.community_key = communities.world_region_key

),

crosswalk as (

    select gss_code, current_lad_code from {{ ref('int_lad_code_crosswalk') }}

),

flows as (

    select
        crosswalk.current_lad_code as lad_code,
        sum(flows.internal_inflow - flows.internal_outflow order by flows.lad_code, flows.year_ending_mid)
            as internal_net,
        sum(case when flows.year_ending_mid = 2011 then flows.population_at_year_end end) as population_2011
    from {{ ref('ref_ons_lamis_migration_flows_lad') }} as flows
    inner join crosswalk on crosswalk.gss_code = flows.lad_code
    group by crosswalk.current_lad_code

),

internal as (

    select
        lad_code,
        cast(internal_net as double precision) / population_2011 / 10
            - (select sum(internal_net order by lad_code) / sum(population_2011 order by lad_code) / 10 from flows)
            as internal_migration_rate
    from flows

),

cells as (

    select
        residents.lad_code,
        residents.community_key,
        residents.residents_2011,
        residents.residents_2021,
        community_growth.national_growth,
        community_growth.national_growth_basis,
        case when residents.residents_2011 is not null
            then ln((residents.residents_2021 + 0.5) / (residents.residents_2011 + 0.5)) / 10
                - community_growth.national_growth
            else 0
        end as relative_growth,
        case when residents.residents_2011 is not null
            then residents.residents_2011 / (residents.residents_2011 + {{ k }})
            else 0
        end as evidence_weight
    from residents
    inner join community_growth on community_growth.community_key = residents.community_key
    where residents.residents_2021 is not null

),

sigma as (

    select
        community_key,
        sqrt(sum(residents_2011 * power(10 * relative_growth, 2) order by lad_code) / sum(residents_2011)) as sigma
    from cells
    where residents_2011 >= 100
    group by community_key

),

pooled as (

    select sqrt(sum(residents_2011 * power(10 * relative_growth, 2) order by lad_code, community_key)
        / sum(residents_2011)) as sigma
    from cells
    where residents_2011 >= 100

),

saturated as (

    select community_key, 10 * {{ rho_n }} * tanh(national_growth / {{ rho_n }}) as decade_growth
    from community_growth
    where community_key in (select community_key from national)

),

tau as (

    select sqrt(avg(power(decade_growth - (select avg(decade_growth order by community_key) from saturated), 2)
        order by community_key)) as tau
    from saturated

)

select
    cells.lad_code || '|' || cells.community_key as pair_key,
    cells.lad_code,
    cells.community_key,
    cast(cells.national_growth as double precision) as national_growth,
    cells.national_growth_basis,
    cast(cells.relative_growth as double precision) as relative_growth,
    cast(cells.evidence_weight as double precision) as evidence_weight,
    cast(coalesce(internal.internal_migration_rate, 0) as double precision) as internal_migration_rate,
    cast(coalesce(sigma.sigma, pooled.sigma) as double precision) as sigma,
    cast(tau.tau as double precision) as tau
from cells
cross join pooled
cross join tau
left join sigma on sigma.community_key = cells.community_key
left join internal on internal.lad_code = cells.lad_code
