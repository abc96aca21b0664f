with

source as (

    select * from {{ source('mhclg', 'mhclg__waiting_lists') }}

),

renamed as (

    select
        _load_id as load_id,
        _release as release,
        _source_file as source_file,
        _source_sha256 as source_sha256,
        _row_number as source_row_number,
        _loaded_at as loaded_at,
        lad_code as published_lad_code,
        cast(reporting_year as integer) as reporting_year,
        cast(households_on_register as integer) as households_on_register,
        jointly_managed_register,
        cast(reasonable_preference as integer) as reasonable_preference,
        source_note

    from source

)

select * from renamed
