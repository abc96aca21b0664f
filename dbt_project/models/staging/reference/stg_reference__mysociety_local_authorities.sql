with

source as (

    select * from {{ ref('ref_mysociety_uk_local_authorities') }}

),

renamed as (

    select
        cast("local-authority-code" as {{ dbt.type_string() }}) as registry_code,
        cast("gss-code" as {{ dbt.type_string() }}) as gss_code,
        cast(trim("official-name") as {{ dbt.type_string() }}) as official_name,
        cast(trim("nice-name") as {{ dbt.type_string() }}) as nice_name,
        cast(nullif("start-date", '') as date) as start_date,
        cast(nullif("end-date", '') as date) as end_date,
        cast(nullif("replaced-by", '') as {{ dbt.type_string() }}) as replaced_by_registry_codes,
        cast(nation as {{ dbt.type_string() }}) as nation,
        cast(region as {{ dbt.type_string() }}) as region_name,
        cast("local-authority-type" as {{ dbt.type_string() }}) as local_authority_type,
        cast("local-authority-type-name" as {{ dbt.type_string() }}) as local_authority_type_name,
        cast(nullif("former-gss-codes", '') as {{ dbt.type_string() }}) as former_gss_codes,
        cast(nullif("combined-authority", '') as {{ dbt.type_string() }}) as combined_authority_code,
        "current-authority" = 'True' as is_current,
        "lower-or-unitary" = 'True' as is_lower_tier_or_unitary,
        cast(cast(nullif("pop-2020", '') as double precision) as bigint) as population_2020

    from source

)

select * from renamed
