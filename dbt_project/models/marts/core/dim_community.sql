{#-
    Communities by country of birth: all residents, born in / outside the UK, world regions, EU groups,
    sub-regions and the 59 countries and residual groups of Census 2021 TS012, as a hierarchy
    (parent_community_key) whose upper levels are the TS004 groups, with the world region, EU group
    and sub-region each belongs to and which census tables hold it. Shared by every extract that
    records a country of birth.
-#}
with

communities as (

    select * from {{ ref('ref_communities') }}

),

figures as (

    select * from {{ ref('int_census_country_of_birth_by_lad') }}

),

availability as (

    select
        community_key,
        count(distinct case when census_year = 2011 then lad_code end) as local_authorities_2011,
        count(distinct case when census_year = 2021 then lad_code end) as local_authorities_2021,
        {{ dbt.listagg("distinct table_code", "', '", "order by table_code") }} as census_tables
    from figures
    group by community_key

),

final as (

    select
        communities.community_key,
        communities.community_name,
        communities.community_type,
        communities.parent_community_key,
        parent.community_name as parent_community_name,
        case
            when communities.community_type = 'world_region' then communities.community_key
            when parent.community_type = 'world_region' then parent.community_key
            when grandparent.community_type = 'world_region' then grandparent.community_key
            when great_grandparent.community_type = 'world_region' then great_grandparent.community_key
        end as world_region_key,
        case
            when communities.community_type = 'eu_group' then communities.community_key
            when parent.community_type = 'eu_group' then parent.community_key
        end as eu_group_key,
        case
            when communities.community_type = 'sub_region' then communities.community_key
            when parent.community_type = 'sub_region' then parent.community_key
        end as sub_region_key,
        communities.sort_order,
        communities.definition,
        coalesce(availability.local_authorities_2011, 0) as local_authorities_2011,
        coalesce(availability.local_authorities_2021, 0) as local_authorities_2021,
        availability.census_tables
    from communities
    left join communities as parent
        on communities.parent_community_key = parent.community_key
    left join communities as grandparent
        on parent.parent_community_key = grandparent.community_key
    left join communities as great_grandparent
        on grandparent.parent_community_key = great_grandparent.community_key
    left join availability
        on communities.community_key = availability.community_key

)

select * from final
