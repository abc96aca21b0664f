{#-
    What happened to every raw census cell of every load, counted per load, outcome and reason:
      in_facts    the cell is summed into fct_census_cells_by_la (its area placed in a current
                  district, at the level the fact uses for its table);
      set_aside   superseded by a newer load of the same release (int_census_cells_latest); at a level
                  no fact uses (country, region, upper-tier authority, county: published totals the
                  facts rebuild from districts); its area could not be placed
                  (quarantine.census_unplaced_areas, which has the codes); a small-area cell of a table
                  also published for districts (the district cells are used).
    The cells kept by int_census_cells_latest are classified one by one. The others are counted per load
    (raw cells of the load - kept cells of the load): a load never holds the same cell twice (the grain
    test on stg_ons_census__cells), so a cell not kept was replaced by a newer load. Counting them
    instead of joining 300,000 raw cells to the kept ones keeps this model cheap on PostgreSQL.
    Reasons carry no per-row values. Built from the raw table (through staging) and the models only,
    never from the loader's meta.loads or quarantine.rows. Every raw cell is counted exactly once per
    load, and the in_facts cells equal the fact's source_areas per release
    (tests/assert_census_cell_outcomes_*.sql).
-#}
with

raw_cells_per_load as (

    select load_id, count(*) as cells
    from {{ ref('stg_ons_census__cells') }}
    group by load_id

),

latest as (

    select load_id, release, category_path, geography_level, geography_code, census_year
    from {{ ref('int_census_cells_latest') }}

),

placement as (

    select * from {{ ref('int_census_area_to_current_lad') }}

),

releases_with_ltla as (

    select distinct release
    from latest
    where geography_level = 'ltla'

),

fact_keys as (

    select lad_code, release, category_path, source_level
    from {{ ref('fct_census_cells_by_la') }}

),

kept_classified as (

    select
        latest.load_id,
        case when fact_keys.lad_code is not null then 'in_facts' else 'set_aside' end as outcome,
        case
            when fact_keys.lad_code is not null then cast(null as {{ dbt.type_string() }})
            when latest.geography_level not in ('ltla', 'msoa', 'lsoa') then
                'not used: '
                || case latest.geography_level
                    when 'ctry' then 'country'
                    when 'rgn' then 'region'
                    when 'utla' then 'upper-tier local authority'
                    when 'county' then 'county'
                    when 'oa' then 'output area'
                    else latest.geography_level
                end
                || ' cell (the facts are built from local authority districts and small areas)'
            when placement.current_lad_code is null then
                'area could not be placed in a current local authority ('
                || case
                    when placement.lad_code_as_published is null then
                        upper(latest.geography_level) || ' code not in the ' || upper(latest.geography_level)
                        || ' 2021 to LTLA 2022 lookup'
                    else 'local authority code not in the LAD crosswalk'
                end
                || ')'
            when latest.geography_level <> 'ltla' and releases_with_ltla.release is not null then
                'not used: small-area cell of a table also published for local authority districts (the district cells are used)'
            else 'placed, but not in fct_census_cells_by_la (its local authority is not in dim_local_authority)'
        end as reason
    from latest
    left join placement
        on latest.geography_level = placement.geography_level
        and latest.geography_code = placement.geography_code
        and latest.census_year = placement.census_year
    left join releases_with_ltla
        on latest.release = releases_with_ltla.release
    left join fact_keys
        on placement.current_lad_code = fact_keys.lad_code
        and latest.release = fact_keys.release
        and latest.category_path = fact_keys.category_path
        and latest.geography_level = fact_keys.source_level

),

kept as (

    select load_id, outcome, reason, count(*) as cells
    from kept_classified
    group by load_id, outcome, reason

),

kept_per_load as (

    select load_id, sum(cells) as cells
    from kept
    group by load_id

),

superseded as (

    select
        raw_cells_per_load.load_id,
        'set_aside' as outcome,
        'superseded: cell taken from a newer load of the same release' as reason,
        raw_cells_per_load.cells - coalesce(kept_per_load.cells, 0) as cells
    from raw_cells_per_load
    left join kept_per_load
        on raw_cells_per_load.load_id = kept_per_load.load_id
    where raw_cells_per_load.cells > coalesce(kept_per_load.cells, 0)

),

final as (

    select
        'ons_census' as source,
        load_id,
        outcome,
        reason,
        cast(cells as bigint) as rows
    from kept

    union all

    select
        'ons_census' as source,
        load_id,
        outcome,
        reason,
        cast(cells as bigint) as rows
    from superseded

)

select * from final
