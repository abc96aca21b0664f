with

source as (

    select * from {{ source('home_office', 'home_office__resettlement_arrivals') }}

),

renamed as (

    select
        {{ load_columns() }}
        cast(period_end as date) as period_end,
        uk_region as published_region,
        local_authority as local_authority_name,
        lad_code as published_lad_code,
        lad_code is null as is_placeholder,
        scheme,
        cast(persons as integer) as persons

    from source

)

select * from renamed
