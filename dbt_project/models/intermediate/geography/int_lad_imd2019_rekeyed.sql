{#-
    IoD2019 LAD summaries (2019 boundaries, England) re-keyed to current LADs. See the YAML description
    for the approximation.
-#}
with

imd as (

    select * from {{ ref('stg_reference__iod2019_lad_imd') }}

),

population as (

    select * from {{ ref('stg_reference__ons_population_mid2020') }}

),

census2011 as (

    select * from {{ ref('stg_reference__census2011_usual_residents') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

weighted as (

    select
        crosswalk.current_lad_code as lad_code,
        imd.lad19_code,
        imd.imd_average_score,
        coalesce(population.population, census2011.usual_residents_2011) as weight,
        case
            when population.population is not null then 'mid2020_population'
            when census2011.usual_residents_2011 is not null then 'census2011_usual_residents'
        end as weight_basis
    from imd
    left join crosswalk
        on imd.lad19_code = crosswalk.gss_code
    left join population
        on imd.lad19_code = population.lad21_code
    left join census2011
        on imd.lad19_code = census2011.area_code

),

per_lad as (

    select
        lad_code,
        -- an unchanged LAD keeps its published score exactly; a merged one gets the weighted mean,
        -- rounded to the published precision (3 decimals)
        case
            when count(*) = 1 then max(imd_average_score)
            else cast(round(cast(sum(imd_average_score * weight) / sum(weight) as numeric(18, 6)), 3) as double precision)
        end as imd2019_average_score,
        cast(count(*) as integer) as source_lad19_count,
        {{ dbt.listagg('lad19_code', "', '", "order by lad19_code") }} as source_lad19_codes,
        min(weight_basis) as weight_basis,
        cast(count(distinct weight_basis) as integer) as weight_bases,
        cast(count(*) - count(weight) as integer) as lad19_without_weight
    from weighted
    group by lad_code

),

final as (

    select
        lad_code,
        cast(imd2019_average_score as double precision) as imd2019_average_score,
        cast(rank() over (order by imd2019_average_score desc) as integer) as imd2019_rank,
        cast(ntile(5) over (order by imd2019_average_score desc, lad_code) as integer) as imd2019_quintile,
        source_lad19_count,
        source_lad19_codes,
        case
            when lad19_without_weight > 0 then 'incomplete'
            when weight_bases = 1 then weight_basis
            else 'mixed'
        end as weight_basis
    from per_lad

)

select * from final
