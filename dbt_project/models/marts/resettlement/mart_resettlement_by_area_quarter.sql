{#-
    Resettlement arrivals by area, quarter and scheme family, at every level a strategy team reports
    on: each current local authority, each custom area of ref_custom_areas (AGMA / Greater Manchester,
    the combined authorities), each region of England and each other nation, and the United Kingdom
    (which includes the publisher's unallocated "Unknown" rows). Each row also carries the arrivals
    to date (from the first quarter of the series, 2014 Q1) for its area and family.
    Levels overlap by design: sum within one area_level only.
-#}
with

facts as (

    select * from {{ ref('fct_resettlement_arrivals_by_la_quarter') }}

),

local_authorities as (

    select * from {{ ref('dim_local_authority') }}

),

custom_area_members as (

    select * from {{ ref('int_custom_area_members') }}

),

by_level as (

    select
        'local_authority' as area_level,
        facts.lad_code as area_code,
        facts.lad_name as area_name,
        facts.period_end,
        facts.scheme_family,
        facts.persons
    from facts
    where facts.is_allocated

    union all

    select
        'custom_area' as area_level,
        custom_area_members.custom_area_code as area_code,
        custom_area_members.custom_area_name as area_name,
        facts.period_end,
        facts.scheme_family,
        facts.persons
    from facts
    inner join custom_area_members
        on facts.lad_code = custom_area_members.lad_code

    union all

    select
        'region' as area_level,
        coalesce(local_authorities.region_code, local_authorities.nation_code) as area_code,
        local_authorities.region_name as area_name,
        facts.period_end,
        facts.scheme_family,
        facts.persons
    from facts
    inner join local_authorities
        on facts.lad_code = local_authorities.lad_code

    union all

    select
        'united_kingdom' as area_level,
        'K02000001' as area_code,
        'United Kingdom' as area_name,
        facts.period_end,
        facts.scheme_family,
        facts.persons
    from facts

),

summed as (

    select
        area_level,
        area_code,
        area_name,
        period_end,
        scheme_family,
        sum(persons) as persons
    from by_level
    group by 1, 2, 3, 4, 5

)

select
    area_level || '|' || area_code || '|' || cast(period_end as {{ dbt.type_string() }})
    || '|' || scheme_family as area_quarter_key,
    area_level,
    area_code,
    area_name,
    period_end,
    {{ quarter_label('period_end') }} as quarter_label,
    scheme_family,
    cast(persons as bigint) as persons,
    cast(sum(persons) over (
        partition by area_level, area_code, scheme_family
        order by period_end
        rows between unbounded preceding and current row
    ) as bigint) as persons_to_date
from summed
