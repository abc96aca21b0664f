with

source as (

    select * from {{ source('home_office', 'home_office__asylum_support') }}

),

renamed as (

    select
        {{ load_columns() }}
        cast(period_end as date) as period_end,
        support_type,
        uk_region as published_region,
        local_authority as local_authority_name,
        lad_code as published_lad_code,
        accommodation_type,
        is_placeholder,
        cast(people as integer) as people

    from source

)

select * from renamed
