{#- Summing mid-2020 population onto current LADs keeps the UK total (67,081,234) and places every area. -#}
with

source_total as (

    select sum(population) as population
    from {{ ref('stg_reference__ons_population_mid2020') }}

),

dim_total as (

    select sum(population_mid2020) as population
    from {{ ref('dim_local_authority') }}

)

select
    source_total.population as source_population,
    dim_total.population as dim_population
from source_total
cross join dim_total
where source_total.population <> dim_total.population
