{#-
    Waiting-list rows whose LAD code the crosswalk does not know, one row per raw row. Left out of
    fct_waiting_list_by_la_year and counted as set aside in audit.waiting_list_row_outcomes.
-#}
select
    load_id,
    source_file,
    source_row_number,
    reporting_year,
    published_lad_code,
    households_on_register,
    'lad24cd' as columns,
    'LAD code ''' || coalesce(published_lad_code, '') || ''' is not a known GSS code' as reason
from {{ ref('int_waiting_lists_rekeyed_to_current_lad') }}
where rekey_method = 'unresolved'
