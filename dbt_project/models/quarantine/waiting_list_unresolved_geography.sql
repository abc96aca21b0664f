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
    {{ unplaced_code_phrase('LAD code', 'published_lad_code') }} as reason
from {{ ref('int_waiting_lists_rekeyed_to_current_lad') }}
where rekey_method = 'unresolved'
