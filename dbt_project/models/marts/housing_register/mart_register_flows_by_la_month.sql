{#-
    The register's movements each month, from consecutive snapshots of each council: applications
    that joined (registered in the month), re-registrations (a person whose earlier application
    closed), and those that left by outcome (housed, cancelled or lapsed, refused as ineligible or
    disqualified), the lettings to households living in Home Office asylum support, and the median
    days from registration to letting. Counts of 1-4 are withheld (macros/small_count.sql), and the
    median is withheld with fewer than 5 lettings. Secondary: joined, housed, cancelled and refused
    add up (with the live counts of consecutive months, published in the reconciliation mart) to the
    month's change, so a month with exactly one of them withheld has the smallest other withheld too
    (a zero flow when no other flow is above 4: the national run found such months in small councils).
-#}
with

applications as (

    select * from {{ ref('int_register_applications') }}

),

first_seen as (

    -- each application's first snapshot, and whether its person had an earlier application
    select
        application_id,
        lad_code,
        min(snapshot_date) as first_snapshot,
        min(registration_date) as registration_date,
        min(person_id) as person_id
    from applications
    group by application_id, lad_code

),

reregistered as (

    select later.application_id
    from first_seen as later
    inner join first_seen as earlier
        on earlier.person_id = later.person_id
        and earlier.lad_code = later.lad_code
        and earlier.application_id <> later.application_id
        and earlier.registration_date < later.registration_date

),

months as (

    select
        applications.lad_code,
        applications.snapshot_date,
        count(*) filter (where applications.is_live) as live_applications,
        count(*) filter (
            where date_trunc('month', applications.registration_date) = date_trunc('month', applications.snapshot_date)
        ) as joined,
        count(*) filter (
            where reregistered.application_id is not null
                and date_trunc('month', applications.registration_date) = date_trunc('month', applications.snapshot_date)
        ) as reregistered,
        count(*) filter (where applications.status = 'housed') as housed,
        count(*) filter (where applications.status = 'cancelled') as cancelled,
        count(*) filter (where applications.status = 'rejected') as refused,
        count(*) filter (where applications.status = 'housed' and applications.tenure = 'home_office_asylum_support')
            as housed_from_asylum_support,
        percentile_cont(0.5) within group (
            order by case when applications.status = 'housed'
                then applications.status_date - applications.registration_date end
        ) as median_days_to_letting,
        bool_or(applications.is_synthetic) as is_synthetic
    from applications
    left join reregistered on reregistered.application_id = applications.application_id
    group by applications.lad_code, applications.snapshot_date

),

flagged as (

    select
        months.*,
        (case when joined between 1 and 4 then 1 else 0 end) + (case when housed between 1 and 4 then 1 else 0 end)
            + (case when cancelled between 1 and 4 then 1 else 0 end)
            + (case when refused between 1 and 4 then 1 else 0 end) as primary_flows,
        -- the smallest flow above 4: the secondary cell when exactly one flow is withheld
        least(
            case when joined > 4 then joined end, case when housed > 4 then housed end,
            case when cancelled > 4 then cancelled end, case when refused > 4 then refused end
        ) as smallest_shown
    from months

),

secondary as (

    select
        flagged.*,
        case when primary_flows = 1 then
            case
                when joined = smallest_shown then 'joined'
                when housed = smallest_shown then 'housed'
                when cancelled = smallest_shown then 'cancelled'
                when refused = smallest_shown then 'refused'
                when joined = 0 then 'joined'
                when housed = 0 then 'housed'
                when cancelled = 0 then 'cancelled'
                when refused = 0 then 'refused'
            end
        end as secondary_flow
    from flagged

)

select
    months.lad_code || '|' || cast(months.snapshot_date as varchar) as flow_key,
    months.lad_code,
    la.lad_name,
    months.snapshot_date,
    cast({{ small_count('months.live_applications') }} as bigint) as live_applications,
    cast(case when months.secondary_flow = 'joined' then null else {{ small_count('months.joined') }} end as bigint) as joined,
    cast({{ small_count('months.reregistered') }} as bigint) as reregistered,
    cast(case when months.secondary_flow = 'housed' then null else {{ small_count('months.housed') }} end as bigint) as housed,
    cast(case when months.secondary_flow = 'cancelled' then null else {{ small_count('months.cancelled') }} end as bigint)
        as cancelled,
    cast(case when months.secondary_flow = 'refused' then null else {{ small_count('months.refused') }} end as bigint)
        as refused,
    months.secondary_flow,
    cast({{ small_count('months.housed_from_asylum_support') }} as bigint) as housed_from_asylum_support,
    cast(case when months.housed >= 5 then months.median_days_to_letting end as double precision)
        as median_days_to_letting,
    months.is_synthetic,
    {{ register_data_label('months.is_synthetic') }} as data_label
from secondary as months
left join {{ ref('dim_local_authority') }} as la on la.lad_code = months.lad_code
