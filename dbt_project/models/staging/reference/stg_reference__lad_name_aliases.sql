with

source as (

    select * from {{ ref('ref_lad_name_aliases') }}

),

renamed as (

    select
        cast(alias as {{ dbt.type_string() }}) as alias,
        cast(lad_code as {{ dbt.type_string() }}) as lad_code,
        cast(reason as {{ dbt.type_string() }}) as reason

    from source

)

select * from renamed
