{#-
    People in receipt of asylum support at each quarter end, by current local authority, support type
    and accommodation type (Home Office Asy_D11), newest release per quarter.
    Rows the publisher attached to no LA ("N/A - Section 4 (pre-2018)", "Unknown", …) are kept with a
    null lad_code (is_allocated = false) so national and regional totals stay complete. Rows whose
    geography could not be resolved are in quarantine.asylum_support_unresolved_geography instead.
-#}
with

rekeyed as (

    select * from {{ ref('int_asylum_support_rekeyed_to_current_lad') }}
    where rekey_method <> 'unresolved'

),

local_authorities as (

    select * from {{ ref('dim_local_authority') }}

),

aggregated as (

    -- The same LA can appear under two old codes in one quarter (and the publisher has a few exact
    -- duplicates): sum them at the grain.
    select
        period_end,
        current_lad_code as lad_code,
        case when current_lad_code is null then local_authority_name end as unallocated_label,
        support_type,
        accommodation_type,
        sum(people) as people,
        count(*) as source_rows,
        max(load_id) as load_id,
        max(release) as release
    from rekeyed
    group by 1, 2, 3, 4, 5

),

final as (

    select
        cast(aggregated.period_end as {{ dbt.type_string() }})
        || '|' || coalesce(aggregated.lad_code, 'unallocated:' || aggregated.unallocated_label)
        || '|' || aggregated.support_type
        || '|' || aggregated.accommodation_type as support_key,
        aggregated.period_end,
        {{ quarter_label('aggregated.period_end') }} as quarter_label,
        aggregated.lad_code,
        coalesce(local_authorities.lad_name, aggregated.unallocated_label) as lad_name,
        coalesce(local_authorities.region_name, 'Not allocated to a local authority') as region_name,
        local_authorities.nation,
        aggregated.support_type,
        aggregated.accommodation_type,
        cast(aggregated.people as bigint) as people,
        aggregated.lad_code is not null as is_allocated,
        cast(aggregated.source_rows as bigint) as source_rows,
        aggregated.load_id,
        aggregated.release
    from aggregated
    left join local_authorities
        on aggregated.lad_code = local_authorities.lad_code

)

select * from final
