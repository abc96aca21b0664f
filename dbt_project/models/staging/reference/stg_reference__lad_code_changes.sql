with

source as (

    select * from {{ ref('ref_lad_code_changes') }}

),

renamed as (

    select
        cast(vintage as integer) as vintage,
        cast(effective_from as date) as effective_from,
        cast(upper(trim(lad_code)) as {{ dbt.type_string() }}) as lad_code,
        cast(lad_name as {{ dbt.type_string() }}) as lad_name,
        cast(upper(trim(replaces_code)) as {{ dbt.type_string() }}) as replaces_code,
        cast(replaces_name as {{ dbt.type_string() }}) as replaces_name,
        cast(change_type as {{ dbt.type_string() }}) as change_type,
        cast(evidence as {{ dbt.type_string() }}) as evidence

    from source

)

select * from renamed
