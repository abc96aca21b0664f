{#-
    Plausibility band (docs/need-method.md, "Plausibility bands"): England's total annual need of the
    foreign-born communities over 10 years, in every migration scenario, and its P10 and P90 over the
    draws in the central scenario, lie between 10% and 50% of Bramley (2018)'s 145,000 affordable homes
    a year for all of England: 14,500 to 72,500 households a year. Below 10% the communities (16% of
    households, over-represented in overcrowding and private renting) would need less than two thirds
    of their proportional share; above 50%, more than three times it. The band is derived for a
    deployment with every input of the need model: where one is missing (a row's inputs say 'not
    loaded': no decisions, no H-CLIC, no LAHS), the estimate lacks whole components and the band does
    not apply.
-#}
{%- set low, high = 14500, 72500 %}
select scenario, annual_need, annual_need_p10, annual_need_p90
from {{ ref('mart_housing_need_total') }}
where area_type = 'country' and area_code = 'E92000001' and horizon_years = 10
    and not exists (
        select 1 from {{ ref('mart_housing_need_estimate') }} where inputs like '%not loaded%'
    )
    and (
        annual_need not between {{ low }} and {{ high }}
        or (scenario = 'central'
            and (annual_need_p10 not between {{ low }} and {{ high }} or annual_need_p90 not between {{ low }} and {{ high }}))
    )
