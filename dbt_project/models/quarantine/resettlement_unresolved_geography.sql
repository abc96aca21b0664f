{#-
    Resettlement rows whose LAD code the crosswalk does not know, one row per raw row, with the
    published values, for a data engineer to add the code to the crosswalk. Left out of
    fct_resettlement_arrivals_by_la_quarter and counted as set aside in
    audit.resettlement_row_outcomes. Empty on the bundled data.
-#}
select
    load_id,
    source_file,
    source_row_number,
    period_end,
    published_lad_code,
    local_authority_name,
    scheme,
    persons,
    'LAD Code' as columns,
    {{ unplaced_code_phrase('LAD code', 'published_lad_code') }}
    || ' (' || coalesce(local_authority_name, 'no name') || ')' as reason
from {{ ref('int_resettlement_rekeyed_to_current_lad') }}
where rekey_method = 'unresolved'
