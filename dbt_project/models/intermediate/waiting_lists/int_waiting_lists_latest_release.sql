{#- Waiting-list rows of the newest release that holds each reporting year (releases re-publish earlier years). -#}
{{ newest_release_rows(ref('stg_mhclg__waiting_lists'), period_column='reporting_year') }}
