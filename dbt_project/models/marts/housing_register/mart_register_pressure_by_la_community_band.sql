{#-
    Live applications (active or suspended) on each council's register at each monthly snapshot, by
    community (from nationality), priority band on the ordered scale and bedroom need, with small
    counts suppressed (macros/suppress_small_counts.sql; docs/disclosure-control.md): a cell of 1-4 is
    null, and in an LA-snapshot with one such cell the next smallest is null too. Every row says
    whether it rests on a SYNTHETIC register.
-#}
with

applications as (

    select * from {{ ref('int_register_applications') }}
    where is_live

),

cells as (

    select
        lad_code,
        snapshot_date,
        coalesce(community_key, 'not_known') as community_key,
        band_rank,
        case when bedrooms_min >= 4 then '4+' else cast(bedrooms_min as varchar) end as bedroom_need,
        count(*) as households,
        bool_or(is_synthetic) as is_synthetic
    from applications
    group by 1, 2, 3, 4, 5

),

suppressed as (

    {{ suppress_small_counts('cells', 'households', ['lad_code', 'snapshot_date']) }}

)

select
    suppressed.lad_code || '|' || cast(suppressed.snapshot_date as varchar) || '|' || suppressed.community_key
        || '|' || cast(suppressed.band_rank as varchar) || '|' || suppressed.bedroom_need as pressure_key,
    suppressed.lad_code,
    la.lad_name,
    la.region_name,
    suppressed.snapshot_date,
    suppressed.community_key,
    coalesce(community.community_name, 'Not known (nationality code in no list)') as community_name,
    cast(suppressed.band_rank as integer) as band_rank,
    case suppressed.band_rank
        when 1 then '1 (highest priority)'
        when 2 then '2'
        when 3 then '3 (lowest)'
        else '4 (reduced priority)'
    end as band_label,
    suppressed.bedroom_need,
    cast(suppressed.households_shown as bigint) as households,
    suppressed.suppression is not null as is_suppressed,
    suppressed.suppression,
    suppressed.is_synthetic,
    {{ register_data_label('suppressed.is_synthetic') }} as data_label
from suppressed
left join {{ ref('dim_local_authority') }} as la on la.lad_code = suppressed.lad_code
left join {{ ref('dim_community') }} as community on community.community_key = suppressed.community_key
