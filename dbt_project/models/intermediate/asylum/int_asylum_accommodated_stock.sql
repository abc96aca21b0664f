{#-
    People the Home Office accommodates while their asylum claim awaits a decision, per current LA and
    quarter end: section 95 and section 98 support in any accommodation except subsistence only. Both
    sections count because the recording changed: until 2023 Q1 people in contingency hotels and
    initial accommodation were mostly recorded under section 98, from 2023 Q2 under section 95 (the
    section 95 stock alone doubles in one quarter). Section 4 (refused, unable to leave) is out: those
    people have had their decision. Rows the publisher allocated to no LA are kept with a null
    lad_code, so UK totals are complete. The stock of the move-on estimate and of the churn mart.
-#}
select
    lad_code,
    max(lad_name) as lad_name,
    max(region_name) as region_name,
    period_end,
    sum(people) as people
from {{ ref('fct_asylum_support_by_la_quarter') }}
where support_type in ('section_95', 'section_98') and accommodation_type <> 'subsistence_only'
group by lad_code, period_end
