{#-
    Plausibility band (docs/need-method.md, "Plausibility bands"): no community's annual need in England
    and Wales, in any scenario or horizon, exceeds 16% of its households a year: a backlog of at most 40%
    of its households cleared over five years (8% a year) plus newly arising need no faster than the
    fastest net growth of a community in the 2011-2021 censuses (Romania-born: 8.5% of its 2021 residents
    a year).
-#}
select
    community_key,
    scenario,
    horizon_years,
    sum(annual_need) as annual_need,
    sum(households_at_base) as households
from {{ ref('mart_housing_need_estimate') }}
group by community_key, scenario, horizon_years
having sum(annual_need) > 0.16 * sum(households_at_base)
