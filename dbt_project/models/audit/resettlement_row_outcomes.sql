{#-
    What happened to every raw resettlement row of every load (see macros/release_row_outcomes.sql):
    in_facts when summed into fct_resettlement_arrivals_by_la_quarter (placed in a current LA, or kept
    unallocated as the publisher's "Unknown"); set aside when superseded by a newer release of its
    quarter, or when its LAD code cannot be placed (quarantine.resettlement_unresolved_geography).
-#}
{{ release_row_outcomes(
    source_name='home_office_resettlement',
    staged=ref('stg_home_office__resettlement_arrivals'),
    latest=ref('int_resettlement_latest_release'),
    placed=ref('int_resettlement_rekeyed_to_current_lad'),
    in_facts="rekey_method <> 'unresolved'",
    set_aside_reason="'local authority could not be placed (' || " ~ unplaced_code_reason('LAD code') ~ " || ')'",
    period_name='quarter',
) }}
