-- Every published resettlement scheme has a family in seeds/reference/ref_resettlement_schemes.csv:
-- a new scheme (the Home Office adds them, e.g. ACRS pathways in 2022) fails here, by name, until it
-- is classified, instead of reaching the marts with no family.
select distinct scheme, 'scheme not in ref_resettlement_schemes.csv' as problem
from {{ ref('int_resettlement_rekeyed_to_current_lad') }}
where scheme_family is null
