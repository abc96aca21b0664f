with

source as (

    select * from {{ ref('ref_mhclg_iod2019_file10_lad19_imd') }}

),

renamed as (

    select
        cast("Local Authority District code (2019)" as {{ dbt.type_string() }}) as lad19_code,
        cast("Local Authority District name (2019)" as {{ dbt.type_string() }}) as lad19_name,
        cast("IMD - Average rank" as double precision) as imd_average_rank,
        cast("IMD - Rank of average rank" as integer) as imd_rank_of_average_rank,
        cast("IMD - Average score" as double precision) as imd_average_score,
        cast("IMD - Rank of average score" as integer) as imd_rank_of_average_score,
        cast("IMD - Proportion of LSOAs in most deprived 10 percent nationally" as double precision)
            as imd_proportion_lsoas_most_deprived_10pct,
        cast("IMD - Rank of proportion of LSOAs in most deprived 10 percent nationally" as integer)
            as imd_rank_of_proportion_lsoas_most_deprived_10pct,
        cast("IMD 2019 - Extent" as double precision) as imd_extent,
        cast("IMD 2019 - Rank of extent" as integer) as imd_rank_of_extent,
        cast("IMD 2019 - Local concentration" as double precision) as imd_local_concentration,
        cast("IMD 2019 - Rank of local concentration" as integer) as imd_rank_of_local_concentration

    from source

)

select * from renamed
