with

source as (

    select * from {{ ref('ref_geographr_lookup_ltla24_region24') }}

),

renamed as (

    select
        cast(ltla24_code as {{ dbt.type_string() }}) as lad24_code,
        cast(ltla24_name as {{ dbt.type_string() }}) as lad24_name,
        cast(region24_code as {{ dbt.type_string() }}) as region_code,
        cast(region24_name as {{ dbt.type_string() }}) as region_name

    from source

)

select * from renamed
