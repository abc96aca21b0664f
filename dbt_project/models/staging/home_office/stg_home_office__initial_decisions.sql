with

source as (

    select * from {{ source('home_office', 'home_office__initial_decisions') }}

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
        quarter_label as published_quarter,
        nationality,
        world_region,
        cast(grants as integer) as grants,
        cast(refusals as integer) as refusals,
        cast(administrative_outcomes as integer) as administrative_outcomes,
        cast(published_grant_rate as double precision) as published_grant_rate

    from source

)

select * from renamed
