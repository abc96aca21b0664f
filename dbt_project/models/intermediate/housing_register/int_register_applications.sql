{#-
    One row per application and snapshot (pseudonymised: no name, date of birth or full postcode ever
    reaches the warehouse), with the applicant's community from the layout's nationality code
    (ref_register_nationality_codes; null when the code is in no list) and whether the application
    was live (active or suspended) at the snapshot. Person-level: never published; the marts
    aggregate and suppress.

    Incremental (docs/registers.md, "At national scale"): a refresh that loads or withdraws register
    deliveries rebuilds only the council snapshots whose chosen delivery changed. The pre-hook
    deletes the rows of every snapshot whose delivery is no longer the chosen one (superseded by a
    newer delivery, or withdrawn); the model then selects the snapshots whose chosen delivery is not
    in the table, and delete+insert on snapshot_key puts them in. A full build (--full-refresh: the
    pipeline's full and modified builds) makes the table from every snapshot, as before.
-#}
{{ config(
    materialized='incremental',
    unique_key='snapshot_key',
    pre_hook="{{ delete_superseded_register_snapshots() }}",
) }}
-- depends_on: {{ ref('stg_council__housing_register') }}
with

latest as (

    select * from {{ ref('int_register_latest_release') }}
    {%- if is_incremental() %}
    where snapshot_key in (
        select chosen.snapshot_key
        from ({{ register_chosen_snapshots() }}) as chosen
        where not exists (
            select 1 from {{ this }} as built
            where built.snapshot_key = chosen.snapshot_key and built.load_id = chosen.load_id
        )
    )
    {%- endif %}

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
