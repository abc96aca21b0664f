{#-
    One value per published cell. A table arrives as several files (one per geography level), and ONS
    re-issues tables with corrections: for every cell (release, level, area, category) the value of the
    newest load that holds that area wins, so a corrected file replaces only the areas it carries and a
    filtered file never hides areas that only another file holds.
-#}
with

staged as (

    select * from {{ ref('stg_ons_census__cells') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by release, geography_level, geography_code, category_path
            order by loaded_at desc, load_id desc
        ) as recency
    from staged

)

select
    load_id,
    release,
    release_kind,
    source_file,
    source_sha256,
    source_row_number,
    loaded_at,
    census_year,
    table_code,
    geography_level,
    geography_code,
    geography_name,
    category_path,
    category_label,
    category_level,
    parent_path,
    is_subtotal,
    value,
    source_column
from ranked
where recency = 1
