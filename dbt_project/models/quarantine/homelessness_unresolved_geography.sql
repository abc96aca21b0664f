{#-
    H-CLIC local authority rows whose area code the crosswalk does not know, one row per raw row with
    the published values. Left out of fct_homelessness_asylum_support_by_la_quarter and counted as set
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
    'area code ''' || coalesce(area_code, '') || ''' (' || coalesce(area_name, 'no name')
    || ') is not a known GSS code' as reason
from {{ ref('int_homelessness_rekeyed_to_current_lad') }}
where rekey_method = 'unresolved'
