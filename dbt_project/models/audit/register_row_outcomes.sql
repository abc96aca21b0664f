{#-
    What happened to every raw register row of every load (macros/release_row_outcomes.sql): rows of
    the newest delivery of each council's snapshot reach int_register_applications (and the marts,
    aggregated); rows of an earlier delivery of the same snapshot are superseded.

    Incremental, like int_register_applications: a refresh recounts only the loads of the snapshots a
    delivery or a withdrawal changed (macros/register_incremental.sql), delete+insert on load_id; the
    pre-hook deletes the counts of withdrawn loads. A full build counts every load.
-#}
{{ config(
    materialized='incremental',
    unique_key='load_id',
    pre_hook="{{ delete_withdrawn_register_outcomes() }}",
) }}
{{ release_row_outcomes(
    source_name='council_housing_register',
    staged=ref('stg_council__housing_register'),
    latest='(' ~ register_chosen_snapshots() ~ ') as chosen_loads',
    placed=ref('int_register_applications'),
    in_facts="true",
    set_aside_reason="''",
    period_column='snapshot_key',
    period_name='council snapshot',
    only_periods=register_recounted_snapshots() if is_incremental() else none,
) }}
