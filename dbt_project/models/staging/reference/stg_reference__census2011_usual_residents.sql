with

source as (

    select * from {{ ref('ref_ons_census2011_qs203ew_lad11_usual_residents') }}

),

renamed as (

    select
        cast("Area code" as {{ dbt.type_string() }}) as area_code,
        cast("Area name" as {{ dbt.type_string() }}) as area_name,
        cast("All categories: Country of birth" as bigint) as usual_residents_2011

    from source

)

select * from renamed
