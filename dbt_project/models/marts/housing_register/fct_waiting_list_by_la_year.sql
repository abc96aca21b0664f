{#-
    Households on the housing register (waiting list) at 1 April, by current local authority and year
    (MHCLG LAHS Section C via a third-party extract). Rows of predecessor districts under one successor
    code are summed (source_rows says how many); a year in which any of them is blank is unknown (null,
    rows_not_reported). Known differences from the official Live Table 600 are flagged with their
    reason from seeds/reference/ref_known_data_issues.csv, not corrected.
-#}
with

rows_in_lads as (

    select * from {{ ref('int_waiting_lists_rekeyed_to_current_lad') }}
    where rekey_method = 'code'

),

issues as (

    select * from {{ ref('ref_known_data_issues') }}
    where source = 'mhclg_waiting_lists' and area_code is not null and period is not null

),

summed as (

    select
        current_lad_code as lad_code,
        reporting_year,
        {{ complete_sum('households_on_register') }} as households_on_register,
        cast(count(*) as integer) as source_rows,
        cast(count(*) - count(households_on_register) as integer) as rows_not_reported,
        bool_or(coalesce(jointly_managed_register, false)) as jointly_managed_register,
        max(load_id) as load_id,
        max(release) as release
    from rows_in_lads
    group by current_lad_code, reporting_year

),

local_authorities as (

    select * from {{ ref('dim_local_authority') }}

)

select
    summed.lad_code || '|' || cast(summed.reporting_year as {{ dbt.type_string() }}) as waiting_list_key,
    summed.lad_code,
    local_authorities.lad_name,
    local_authorities.region_name,
    summed.reporting_year,
    cast(cast(summed.reporting_year as {{ dbt.type_string() }}) || '-04-01' as date) as snapshot_date,
    cast(summed.households_on_register as bigint) as households_on_register,
    summed.source_rows,
    summed.rows_not_reported,
    summed.jointly_managed_register,
    cast(issues.official_value as bigint) as official_value,
    cast(issues.issue as {{ dbt.type_string() }}) as known_issue,
    summed.load_id,
    summed.release
from summed
left join local_authorities
    on summed.lad_code = local_authorities.lad_code
left join issues
    on summed.lad_code = issues.area_code
    and cast(summed.reporting_year as {{ dbt.type_string() }}) = cast(issues.period as {{ dbt.type_string() }})
