{#- The rows of the newest delivery of each council's snapshot (a re-issued snapshot replaces it). -#}
{{ newest_release_rows(ref('stg_council__housing_register'), 'snapshot_key') }}
