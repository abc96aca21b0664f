{#-
    ONS mid-2020 population estimates (LAD 2021 codes, UK) summed to current LADs through the crosswalk
    (e.g. the 2021 Cumbria, North Yorkshire and Somerset districts into their 2023 unitaries).
-#}
with

population as (

    select * from {{ ref('stg_reference__ons_population_mid2020') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

final as (

    select
        crosswalk.current_lad_code as lad_code,
        cast(sum(population.population) as bigint) as population_mid2020,
        cast(count(*) as integer) as source_lad21_count,
        {{ dbt.listagg('population.lad21_code', "', '", "order by population.lad21_code") }} as source_lad21_codes
    from population
    left join crosswalk
        on population.lad21_code = crosswalk.gss_code
    group by crosswalk.current_lad_code

)

select * from final
