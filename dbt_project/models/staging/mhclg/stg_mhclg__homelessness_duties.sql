with

source as (

    select * from {{ source('mhclg', 'mhclg__homelessness_duties') }}

),

renamed as (

    select
        {{ load_columns() }}
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
