{#-
    Each council's register against the published figure: live applications (active or suspended)
    at each snapshot beside the households on the register that the council returned to MHCLG (LAHS)
    for the 1 April after the snapshot, their difference and ratio. A register that does not
    reconcile is a question for the council's data team, not a correction.
-#}
with

live as (

    select
        lad_code,
        snapshot_date,
        count(*) filter (where is_live) as live_applications,
        count(*) as applications_in_snapshot,
        bool_or(is_synthetic) as is_synthetic
    from {{ ref('int_register_applications') }}
    group by lad_code, snapshot_date

),

lahs as (

    select lad_code, reporting_year, households_on_register
    from {{ ref('fct_waiting_list_by_la_year') }}

)

select
    live.lad_code || '|' || cast(live.snapshot_date as varchar) as reconciliation_key,
    live.lad_code,
    la.lad_name,
    live.snapshot_date,
    cast(live.live_applications as bigint) as live_applications,
    cast(live.applications_in_snapshot as bigint) as applications_in_snapshot,
    cast(lahs.reporting_year as integer) as lahs_reporting_year,
    cast(lahs.households_on_register as bigint) as lahs_households_on_register,
    cast(live.live_applications - lahs.households_on_register as bigint) as difference,
    {{ ratio('live.live_applications', 'lahs.households_on_register') }} as ratio_to_lahs,
    live.is_synthetic,
    {{ register_data_label('live.is_synthetic') }} as data_label
from live
left join lahs
    on lahs.lad_code = live.lad_code
    -- the 1 April count that follows the snapshot: a snapshot in January-March 2024 -> LAHS 2024
    and lahs.reporting_year = extract(year from live.snapshot_date) + case when extract(month from live.snapshot_date) > 3 then 1 else 0 end
left join {{ ref('dim_local_authority') }} as la on la.lad_code = live.lad_code
