with

source as (

    select * from {{ source('mhclg', 'mhclg__waiting_lists') }}

),

renamed as (

    select
        {{ load_columns() }}
        lad_code as published_lad_code,
        cast(reporting_year as integer) as reporting_year,
        cast(households_on_register as integer) as households_on_register,
        jointly_managed_register,
        cast(reasonable_preference as integer) as reasonable_preference,
        source_note

    from source

)

select * from renamed
