{#-
    The geography spine: one row per current local authority district (LAD 2024 set, UK), keyed on the
    ONS GSS code, with region, nation, every earlier code that maps into it, and the reference measures
    the asylum marts compare against (mid-2020 population, IMD 2019 re-keyed).
-#}
with

authorities as (

    select * from {{ ref('stg_reference__mysociety_local_authorities') }}

),

regions as (

    select * from {{ ref('stg_reference__geographr_lad24_region24') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

population as (

    select * from {{ ref('int_lad_population_rekeyed') }}

),

imd as (

    select * from {{ ref('int_lad_imd2019_rekeyed') }}

),

current_lads as (

    select * from authorities
    where is_current and is_lower_tier_or_unitary

),

former_codes as (

    select
        current_lad_code,
        {{ dbt.listagg('gss_code', "', '", "order by gss_code") }} as former_codes
    from crosswalk
    where code_status = 'replaced'
    group by current_lad_code

),

final as (

    select
        current_lads.gss_code as lad_code,
        current_lads.nice_name as lad_name,
        current_lads.official_name as council_name,
        current_lads.local_authority_type_name,
        case current_lads.nation
            when 'England' then regions.region_code
            when 'Wales' then 'W92000004'
            when 'Scotland' then 'S92000003'
            when 'Northern Ireland' then 'N92000002'
        end as region_code,
        case
            when current_lads.nation = 'England' then regions.region_name
            else current_lads.nation
        end as region_name,
        current_lads.nation,
        case current_lads.nation
            when 'England' then 'E92000001'
            when 'Wales' then 'W92000004'
            when 'Scotland' then 'S92000003'
            when 'Northern Ireland' then 'N92000002'
        end as nation_code,
        former_codes.former_codes,
        population.population_mid2020,
        imd.imd2019_average_score,
        imd.imd2019_rank,
        imd.imd2019_quintile
    from current_lads
    left join regions
        on current_lads.gss_code = regions.lad24_code
    left join former_codes
        on current_lads.gss_code = former_codes.current_lad_code
    left join population
        on current_lads.gss_code = population.lad_code
    left join imd
        on current_lads.gss_code = imd.lad_code

)

select * from final
