{#-
    H-CLIC local authority rows whose area code the crosswalk does not know, one row per raw row with
    the published values; the reason tells a code of a vintage the spine does not know yet from one
    that is not a known GSS code (macros/lad_code_standing.sql). Left out of fct_homelessness_asylum_support_by_la_quarter and counted as set
    aside in audit.homelessness_row_outcomes. Empty on the bundled data.
-#}
select
    load_id,
    source_file,
    source_row_number,
    table_code,
    sheet_name,
    period_end,
    area_code,
    area_name,
    households_asylum_support,
    'area code' as columns,
    {{ unplaced_code_phrase('area code', 'area_code') }}
    || ' (' || coalesce(area_name, 'no name') || ')' as reason
from {{ ref('int_homelessness_rekeyed_to_current_lad') }}
where rekey_method = 'unresolved'
