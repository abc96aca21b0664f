with

source as (

    select * from {{ ref('ref_ons_pop_midyear_2020_lad21') }}

),

renamed as (

    select
        cast(code as {{ dbt.type_string() }}) as lad21_code,
        cast(value as bigint) as population

    from source

)

select * from renamed
