{#-
    What happened to every raw waiting-list row of every load (macros/release_row_outcomes.sql):
    placed rows are summed into fct_waiting_list_by_la_year; unknown codes go to
    quarantine.waiting_list_unresolved_geography; older releases of a year are superseded.
-#}
{{ release_row_outcomes(
    source_name='mhclg_waiting_lists',
    staged=ref('stg_mhclg__waiting_lists'),
    latest=ref('int_waiting_lists_latest_release'),
    placed=ref('int_waiting_lists_rekeyed_to_current_lad'),
    in_facts="rekey_method = 'code'",
    set_aside_reason="'local authority could not be placed (' || " ~ unplaced_code_reason('LAD code') ~ " || ')'",
    period_column='reporting_year',
    period_name='year',
) }}
