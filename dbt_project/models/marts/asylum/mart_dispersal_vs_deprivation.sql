{#-
    "Are asylum seekers placed disproportionately in deprived areas?" — one row per current local
    authority and quarter: people in dispersal accommodation (all support types) per 10,000
    residents, against the LA's IMD 2019 average score. LAs with nobody dispersed appear with 0
    (the publisher omits zero rows).
-#}
with

support as (

    select * from {{ ref('fct_asylum_support_by_la_quarter') }}

),

local_authorities as (

    select * from {{ ref('dim_local_authority') }}

),

quarters as (

    select distinct period_end from support

),

per_la as (

    select
        lad_code,
        period_end,
        sum(case when accommodation_type = 'dispersal' then people else 0 end) as people_in_dispersal_accommodation,
        sum(people) as people_supported
    from support
    where is_allocated
    group by 1, 2

),

final as (

    select
        local_authorities.lad_code,
        local_authorities.lad_name,
        local_authorities.region_name,
        local_authorities.nation,
        quarters.period_end,
        {{ quarter_label('quarters.period_end') }} as quarter_label,
        cast(coalesce(per_la.people_in_dispersal_accommodation, 0) as bigint) as people_in_dispersal_accommodation,
        cast(coalesce(per_la.people_supported, 0) as bigint) as people_supported,
        cast(local_authorities.population_mid2020 as bigint) as population_mid2020,
        cast(
            10000.0 * coalesce(per_la.people_in_dispersal_accommodation, 0)
            / nullif(local_authorities.population_mid2020, 0)
            as double precision
        ) as dispersal_per_10k,
        local_authorities.imd2019_average_score,
        local_authorities.imd2019_rank,
        local_authorities.imd2019_quintile
    from local_authorities
    cross join quarters
    left join per_la
        on local_authorities.lad_code = per_la.lad_code
        and quarters.period_end = per_la.period_end

)

select * from final
