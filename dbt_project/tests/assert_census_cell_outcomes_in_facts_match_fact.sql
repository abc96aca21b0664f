{#-
    The cells audit.census_cell_outcomes counts as in_facts are the cells the fact sums: per release,
    they equal sum(source_areas) of fct_census_cells_by_la (the fact is keyed by release, not load; a
    load belongs to one release). And per load, the cells set aside as unplaced are the cells of
    quarantine.census_unplaced_areas.
-#}
with

load_releases as (

    select distinct load_id, release
    from {{ ref('stg_ons_census__cells') }}

),

in_facts as (

    select load_releases.release, sum(outcomes.rows) as in_facts
    from {{ ref('census_cell_outcomes') }} as outcomes
    inner join load_releases
        on outcomes.load_id = load_releases.load_id
    where outcomes.outcome = 'in_facts'
    group by load_releases.release

),

fact as (

    select release, sum(source_areas) as fact_source_areas
    from {{ ref('fct_census_cells_by_la') }}
    group by release

),

unplaced as (

    select load_id, sum(rows) as unplaced
    from {{ ref('census_cell_outcomes') }}
    where reason like 'area could not be placed%'
    group by load_id

),

quarantined as (

    select load_id, sum(cells) as quarantined_cells
    from {{ ref('census_unplaced_areas') }}
    group by load_id

)

select
    'in_facts per release' as check_name,
    coalesce(in_facts.release, fact.release) as key,
    in_facts.in_facts as audit_value,
    fact.fact_source_areas as model_value
from in_facts
full outer join fact
    on in_facts.release = fact.release
where coalesce(in_facts.in_facts, 0) <> coalesce(fact.fact_source_areas, 0)

union all

select
    'unplaced per load' as check_name,
    coalesce(unplaced.load_id, quarantined.load_id) as key,
    unplaced.unplaced as audit_value,
    quarantined.quarantined_cells as model_value
from unplaced
full outer join quarantined
    on unplaced.load_id = quarantined.load_id
where coalesce(unplaced.unplaced, 0) <> coalesce(quarantined.quarantined_cells, 0)
