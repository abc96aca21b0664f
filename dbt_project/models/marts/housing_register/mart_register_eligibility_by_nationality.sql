{#-
    Eligibility barriers: applications refused (ineligible or disqualified) by council, the
    applicant's world region of nationality and the reason, over all the snapshots loaded, beside the
    applications decided in the same months. Cells of 1-4 withheld, with secondary suppression within
    each council (macros/suppress_small_counts.sql), since the cells add up to the council's refusals.
-#}
with

applications as (

    select
        applications.*,
        coalesce(community.world_region_key, case when applications.community_key = 'born_uk' then 'born_uk' end,
            'not_known') as nationality_group
    from {{ ref('int_register_applications') }} as applications
    left join {{ ref('dim_community') }} as community on community.community_key = applications.community_key

),

cells as (

    select
        lad_code,
        nationality_group,
        disqualification as reason,
        count(*) as refused,
        min(snapshot_date) as first_snapshot,
        max(snapshot_date) as last_snapshot,
        bool_or(is_synthetic) as is_synthetic
    from applications
    where status = 'rejected'
    group by lad_code, nationality_group, disqualification

),

suppressed as (

    {{ suppress_small_counts('cells', 'refused', ['lad_code']) }}

)

select
    suppressed.lad_code || '|' || suppressed.nationality_group || '|' || coalesce(suppressed.reason, 'none') as eligibility_key,
    suppressed.lad_code,
    la.lad_name,
    suppressed.nationality_group,
    coalesce(groups.community_name, case suppressed.nationality_group
        when 'born_uk' then 'British' else 'Not known' end) as nationality_group_name,
    coalesce(suppressed.reason, 'not recorded') as reason,
    case suppressed.reason
        when 'not_granted_settled_status' then 'Not granted settled status (Eligibility Regulations 2006, EU Settlement Scheme)'
        when 'limited_leave_no_recourse_to_public_funds' then 'Limited leave with no recourse to public funds (Housing Act 1996 s160ZA(2))'
        when 'person_from_abroad_not_eligible' then 'Person from abroad not eligible (Housing Act 1996 s160ZA(2), Regulations 2006 reg. 3-4)'
        when 'not_resident_three_years' then 'Not resident in the district for three years (qualification rule, s160ZA(7))'
        else 'Not recorded'
    end as reason_label,
    suppressed.first_snapshot,
    suppressed.last_snapshot,
    cast(suppressed.refused_shown as bigint) as refused,
    suppressed.suppression is not null as is_suppressed,
    suppressed.suppression,
    suppressed.is_synthetic,
    {{ register_data_label('suppressed.is_synthetic') }} as data_label
from suppressed
left join {{ ref('dim_local_authority') }} as la on la.lad_code = suppressed.lad_code
left join {{ ref('dim_community') }} as groups on groups.community_key = suppressed.nationality_group
