{#-
    One row per application and snapshot (pseudonymised: no name, date of birth or full postcode ever
    reaches the warehouse), with the applicant's community from the layout's nationality code
    (ref_register_nationality_codes; null when the code is in no list) and whether the application
    was live (active or suspended) at the snapshot. Person-level: never published; the marts
    aggregate and suppress.
-#}
with

latest as (

    select * from {{ ref('int_register_latest_release') }}

),

codes as (

    select * from {{ ref('ref_register_nationality_codes') }}

)

select
    latest.load_id,
    latest.source_row_number,
    latest.snapshot_key,
    latest.snapshot_date,
    latest.lad_code,
    latest.layout,
    latest.application_id,
    latest.person_id,
    latest.age_band,
    latest.postcode_district,
    latest.registration_date,
    latest.band_rank,
    latest.bedrooms_min,
    latest.household_size,
    codes.community_key,
    latest.immigration_status,
    latest.tenure,
    latest.preference_categories,
    latest.status,
    latest.status_date,
    latest.disqualification,
    latest.status in ('active', 'suspended') as is_live,
    latest.is_synthetic
from latest
left join codes
    on codes.code_list = latest.nationality_code_list
    and codes.code = latest.nationality_code
