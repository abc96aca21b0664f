with

source as (

    select * from {{ source('home_office', 'home_office__resettlement_arrivals') }}

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
        uk_region as published_region,
        local_authority as local_authority_name,
        lad_code as published_lad_code,
        lad_code is null as is_placeholder,
        scheme,
        cast(persons as integer) as persons

    from source

)

select * from renamed
