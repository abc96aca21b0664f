with

source as (

    select * from {{ source('home_office', 'home_office__initial_decisions') }}

),

renamed as (

    select
        {{ load_columns() }}
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
