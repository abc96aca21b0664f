{{ config(severity='warn') }}
{#-
    Every LAD code the Home Office publishes should be a code the crosswalk knows. Rows with an unknown
    code can still be placed by name (rekey_method = 'name_only'), so this warns rather than fails:
    an unknown code means the reference seeds need refreshing.
-#}
select
    published_lad_code,
    count(*) as published_rows,
    min(local_authority_name) as example_name
from {{ ref('int_asylum_support_rekeyed_to_current_lad') }}
where lad_code_status = 'unknown'
group by published_lad_code
