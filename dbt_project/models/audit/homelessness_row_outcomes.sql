{#-
    What happened to every raw H-CLIC row of every load (macros/release_row_outcomes.sql): local
    authority rows placed in a current LAD reach fct_homelessness_asylum_support_by_la_quarter; England,
    region and "Rest of England" rows are set aside (rounded to 10: the facts sum local authorities);
    unplaced codes go to quarantine.homelessness_unresolved_geography; older deliveries of a quarter
    are superseded.
-#}
{{ release_row_outcomes(
    source_name='mhclg_homelessness',
    staged=ref('stg_mhclg__homelessness_duties'),
    latest=ref('int_homelessness_latest_release'),
    placed=ref('int_homelessness_rekeyed_to_current_lad'),
    in_facts="rekey_method = 'code'",
    row_key=['table_code', 'source_row_number'],
    set_aside_reason="case rekey_method when 'not_local_authority' then 'not used: ' || geography_level || ' row, rounded to 10 by the publisher (the facts sum local authorities)' else 'local authority could not be placed (' || " ~ unplaced_code_reason('area code') ~ " || ')' end",
    period_name='quarter',
) }}
