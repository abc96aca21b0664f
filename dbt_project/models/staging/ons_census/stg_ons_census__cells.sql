{#-
    Census cells as loaded, renamed to the project's conventions. `release_kind` tells a full table
    from the ONS census-quiz extract, which holds only a subset of TS004's categories.
-#}
with

source as (

    select * from {{ source('ons_census', 'ons_census__cells') }}

),

renamed as (

    select
        _load_id as load_id,
        _release as release,
        case
            when _release like '%-quiz' then 'census_quiz_subset'
            else 'full'
        end as release_kind,
        _source_file as source_file,
        _source_sha256 as source_sha256,
        _row_number as source_row_number,
        _loaded_at as loaded_at,
        cast(census_year as integer) as census_year,
        table_code,
        geography_level,
        geography_code,
        geography_name,
        category_path,
        category_label,
        cast(category_level as integer) as category_level,
        parent_path,
        is_subtotal,
        cast(value as bigint) as value,
        source_column

    from source

)

select * from renamed
