{#-
    The rows audit.asylum_support_row_outcomes counts as in_facts are the rows the fact sums: per load,
    they equal sum(source_rows) of fct_asylum_support_by_la_quarter (each fact row comes from one load,
    the one its quarter is taken from). And per load, the rows set aside as unplaced are the rows of
    quarantine.asylum_support_unresolved_geography.
-#}
with

in_facts as (

    select load_id, sum(rows) as in_facts
    from {{ ref('asylum_support_row_outcomes') }}
    where outcome = 'in_facts'
    group by load_id

),

fact as (

    select load_id, sum(source_rows) as fact_source_rows
    from {{ ref('fct_asylum_support_by_la_quarter') }}
    group by load_id

),

unplaced as (

    select load_id, sum(rows) as unplaced
    from {{ ref('asylum_support_row_outcomes') }}
    where reason like 'local authority could not be placed%'
    group by load_id

),

quarantined as (

    select load_id, count(*) as quarantined_rows
    from {{ ref('asylum_support_unresolved_geography') }}
    group by load_id

)

select
    'in_facts per load' as check_name,
    coalesce(in_facts.load_id, fact.load_id) as load_id,
    in_facts.in_facts as audit_value,
    fact.fact_source_rows as model_value
from in_facts
full outer join fact
    on in_facts.load_id = fact.load_id
where coalesce(in_facts.in_facts, 0) <> coalesce(fact.fact_source_rows, 0)

union all

select
    'unplaced per load' as check_name,
    coalesce(unplaced.load_id, quarantined.load_id) as load_id,
    unplaced.unplaced as audit_value,
    quarantined.quarantined_rows as model_value
from unplaced
full outer join quarantined
    on unplaced.load_id = quarantined.load_id
where coalesce(unplaced.unplaced, 0) <> coalesce(quarantined.quarantined_rows, 0)
