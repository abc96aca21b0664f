with

source as (

    select * from {{ source('mhclg', 'mhclg__homelessness_duties') }}

),

renamed as (

    select
        _load_id as load_id,
        _release as release,
        _source_file as source_file,
        _source_sha256 as source_sha256,
        _row_number as source_row_number,
        _loaded_at as loaded_at,
        cast(period_end as date) as period_end,
        table_code,
        duty,
        sheet_name,
        area_code,
        area_name,
        geography_level,
        cast(households_owed_duty as integer) as households_owed_duty,
        households_owed_duty_marker,
        cast(households_asylum_support as integer) as households_asylum_support,
        households_asylum_support_marker

    from source

)

select * from renamed
