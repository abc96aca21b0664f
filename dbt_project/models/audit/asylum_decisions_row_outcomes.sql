{#-
    What happened to every raw initial-decisions row of every load (macros/release_row_outcomes.sql):
    every row of the newest release per quarter reaches fct_initial_decisions_by_nationality_quarter;
    the others are superseded.
-#}
{{ release_row_outcomes(
    source_name='home_office_asylum_decisions',
    staged=ref('stg_home_office__initial_decisions'),
    latest=ref('int_initial_decisions_latest_release'),
    placed=ref('int_initial_decisions_latest_release'),
    in_facts="true",
    set_aside_reason="cast(null as " ~ dbt.type_string() ~ ")",
    period_name='quarter',
) }}
