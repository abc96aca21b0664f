{#-
    Households owed a homelessness duty after being required to leave accommodation provided by the
    Home Office as asylum support (H-CLIC "reason for loss, or threat of loss, of last settled home"),
    with all households owed the same duty, by current local authority, quarter and duty.

    The tables drift (docs/flows.md): 2018 Q2 - 2020 Q1 publish only the combined prevention-or-relief
    table A2; 2020 Q2 publishes A2 and the prevention table A2p; from 2020 Q3 prevention (A2P) and
    relief (A2R). Every quarter gets every duty its tables allow, and value_basis says how:
      published           read from the table for that duty
      combined_minus_prevention   relief in 2020 Q2 = A2 - A2p
      prevention_plus_relief      prevention-or-relief from 2020 Q3 = A2P + A2R
    A household counted in prevention and later in relief in the same quarter is in both tables, so
    the sum can exceed the combined table's figure: the combined duty is the one comparable across the
    whole series.
-#}
with

published as (

    select * from {{ ref('int_homelessness_duties_by_lad') }}

),

pivoted as (

    select
        lad_code,
        period_end,
        max(case when duty = 'prevention_or_relief' then households_asylum_support end) as combined_asylum,
        max(case when duty = 'prevention_or_relief' then households_owed_duty end) as combined_owed,
        max(case when duty = 'prevention' then households_asylum_support end) as prevention_asylum,
        max(case when duty = 'prevention' then households_owed_duty end) as prevention_owed,
        max(case when duty = 'relief' then households_asylum_support end) as relief_asylum,
        max(case when duty = 'relief' then households_owed_duty end) as relief_owed,
        max(case when duty = 'prevention_or_relief' then 1 else 0 end) = 1 as has_combined,
        max(case when duty = 'prevention' then 1 else 0 end) = 1 as has_prevention,
        max(case when duty = 'relief' then 1 else 0 end) = 1 as has_relief
    from published
    group by lad_code, period_end

),

derived as (

    select
        lad_code, period_end, 'relief' as duty, 'combined_minus_prevention' as value_basis,
        combined_asylum - prevention_asylum as households_asylum_support,
        combined_owed - prevention_owed as households_owed_duty
    from pivoted
    where has_combined and has_prevention and not has_relief

    union all

    select
        lad_code, period_end, 'prevention_or_relief' as duty, 'prevention_plus_relief' as value_basis,
        prevention_asylum + relief_asylum as households_asylum_support,
        prevention_owed + relief_owed as households_owed_duty
    from pivoted
    where has_prevention and has_relief and not has_combined

),

combined as (

    select
        lad_code, period_end, duty, 'published' as value_basis,
        households_asylum_support, households_owed_duty, table_code, published_areas, areas_not_reported
    from published

    union all

    select
        derived.lad_code, derived.period_end, derived.duty, derived.value_basis,
        derived.households_asylum_support, derived.households_owed_duty,
        cast(null as {{ dbt.type_string() }}) as table_code,
        cast(null as integer) as published_areas,
        cast(null as integer) as areas_not_reported
    from derived

),

local_authorities as (

    select * from {{ ref('dim_local_authority') }}

)

select
    combined.lad_code || '|' || cast(combined.period_end as {{ dbt.type_string() }}) || '|' || combined.duty
        as homelessness_key,
    combined.lad_code,
    local_authorities.lad_name,
    local_authorities.region_name,
    combined.period_end,
    {{ quarter_label('combined.period_end') }} as quarter_label,
    combined.duty,
    combined.value_basis,
    combined.table_code,
    cast(combined.households_asylum_support as bigint) as households_asylum_support,
    cast(combined.households_owed_duty as bigint) as households_owed_duty,
    {{ ratio('combined.households_asylum_support', 'combined.households_owed_duty') }} as asylum_support_share,
    combined.households_asylum_support is not null as is_reported,
    cast(combined.published_areas as integer) as published_areas,
    cast(combined.areas_not_reported as integer) as areas_not_reported
from combined
left join local_authorities
    on combined.lad_code = local_authorities.lad_code
