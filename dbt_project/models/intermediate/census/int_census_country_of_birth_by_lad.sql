{#-
    Usual residents of each current local authority by community (country-of-birth group), per census.
    A community is the sum of the published cells ref_census_country_of_birth_categories lists for it
    (never a cell and its own subtotal). Where several tables hold a community for the same district,
    a full table wins over the census-quiz subset, and TS004 over TS012: the TS004 groups (born in /
    outside the UK, world regions, EU groups) come from TS004, the countries and sub-regions only
    TS012 names from TS012 (the two are perturbed independently, so they differ by a few).
-#}
with

cells as (

    select * from {{ ref('int_census_cells_by_lad') }}
    where table_code in ('TS004', 'TS012', 'QS203EW')

),

categories as (

    select * from {{ ref('ref_census_country_of_birth_categories') }}
    where community_key is not null

),

cells_per_community as (

    select table_code, release_kind, community_key, count(*) as cells_expected
    from categories
    group by table_code, release_kind, community_key

),

summed as (

    select
        cells.lad_code,
        cells.census_year,
        categories.community_key,
        cells.table_code,
        cells.release,
        cells.release_kind,
        cast(sum(cells.value) as bigint) as residents,
        count(*) as cells_summed
    from cells
    inner join categories
        on cells.table_code = categories.table_code
        and cells.release_kind = categories.release_kind
        and cells.category_path = categories.category_path
    group by
        cells.lad_code, cells.census_year, categories.community_key,
        cells.table_code, cells.release, cells.release_kind

),

complete as (

    -- a community whose cells are not all there for a district is not reported for it
    select summed.*
    from summed
    inner join cells_per_community
        on summed.table_code = cells_per_community.table_code
        and summed.release_kind = cells_per_community.release_kind
        and summed.community_key = cells_per_community.community_key
    where summed.cells_summed = cells_per_community.cells_expected

),

ranked as (

    select
        *,
        row_number() over (
            partition by lad_code, census_year, community_key
            order by
                case release_kind when 'full' then 0 else 1 end,
                case table_code when 'TS004' then 0 else 1 end,
                release desc
        ) as preference
    from complete

)

select
    lad_code,
    census_year,
    community_key,
    table_code,
    release,
    release_kind,
    residents,
    cells_summed
from ranked
where preference = 1
