{#-
    What happened to every raw register row of every load (macros/release_row_outcomes.sql): rows of
    the newest delivery of each council's snapshot reach int_register_applications (and the marts,
    aggregated); rows of an earlier delivery of the same snapshot are superseded.
-#}
{{ release_row_outcomes(
    source_name='council_housing_register',
    staged=ref('stg_council__housing_register'),
    latest=ref('int_register_latest_release'),
    placed=ref('int_register_applications'),
    in_facts="true",
    set_aside_reason="''",
    period_column='snapshot_key',
    period_name='council snapshot',
) }}
