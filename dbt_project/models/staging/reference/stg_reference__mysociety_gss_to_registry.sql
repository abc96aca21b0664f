with

source as (

    select * from {{ ref('ref_mysociety_lookup_gss_to_registry') }}

),

renamed as (

    select
        cast("gss-code" as {{ dbt.type_string() }}) as gss_code,
        cast("local-authority-code" as {{ dbt.type_string() }}) as registry_code

    from source

)

select * from renamed
