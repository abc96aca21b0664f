{#-
    How concentrated dispersal is in the more deprived LAs of each region, each quarter.

    concentration_index: the population-weighted concentration index of dispersal rates over LAs
    ranked from least to most deprived (IMD 2019 average score). With LA i holding people_i of the
    region's P dispersed people and fractional rank r_i = (population of less deprived LAs +
    population_i / 2) / region population:
        CI = 2 * sum_i (people_i / P) * (r_i - 0.5)
    0 = spread in proportion to population; > 0 = concentrated in more deprived LAs; < 0 = in less
    deprived ones; bounds (-1, 1). Null where IMD 2019 does not apply (outside England) or nobody
    is dispersed.
-#}
with

by_la as (

    select * from {{ ref('mart_dispersal_vs_deprivation') }}

),

ranked as (

    select
        region_name,
        period_end,
        lad_code,
        people_in_dispersal_accommodation as people,
        population_mid2020 as population,
        imd2019_average_score,
        imd2019_quintile,
        coalesce(
            sum(population_mid2020) over (
                partition by region_name, period_end
                order by imd2019_average_score, lad_code
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as population_less_deprived,
        sum(population_mid2020) over (partition by region_name, period_end) as region_population
    from by_la

),

regions as (

    select
        region_name,
        period_end,
        count(*) as local_authorities,
        sum(people) as people,
        sum(population) as population,
        sum(case when imd2019_average_score is null then 1 else 0 end) as las_without_imd,
        sum(
            people * ((population_less_deprived + population / 2.0) / region_population - 0.5)
        ) as weighted_rank_deviation,
        sum(case when imd2019_quintile = 1 then people else 0 end) as people_in_q1,
        sum(case when imd2019_quintile = 1 then population else 0 end) as population_in_q1
    from ranked
    group by 1, 2

),

final as (

    select
        region_name,
        period_end,
        {{ quarter_label('period_end') }} as quarter_label,
        cast(local_authorities as integer) as local_authorities,
        cast(people as bigint) as people_in_dispersal_accommodation,
        cast(population as bigint) as population_mid2020,
        cast(10000.0 * people / nullif(population, 0) as double precision) as dispersal_per_10k,
        cast(
            case when las_without_imd = 0 and people > 0 then 2.0 * weighted_rank_deviation / people end
            as double precision
        ) as concentration_index,
        cast(
            case when las_without_imd = 0 and people > 0 then 1.0 * people_in_q1 / people end
            as double precision
        ) as share_in_most_deprived_quintile,
        cast(
            case when las_without_imd = 0 then 1.0 * population_in_q1 / nullif(population, 0) end
            as double precision
        ) as population_share_in_most_deprived_quintile
    from regions

)

select * from final
