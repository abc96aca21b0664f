{#-
    Emerging-community watchlist: local authorities receiving new arrivals with little settlement
    history, ranked each quarter (2016 Q1 on), with the reasons in words. Method: docs/flows.md
    "Emerging-community watchlist".

    Arrivals (any): people in dispersal accommodation at the quarter end, or people resettled in the
    four quarters to it. Settlement history (census, England and Wales): the 2011 share of residents
    born outside the UK against the median district, the growth of that share to 2021 and the share of
    the foreign-born who arrived 2011-2021, against the upper quartile; and whether the LA had any
    dispersal two years (eight quarters) earlier. An LA is listed when it receives arrivals and either
    its 2011 share was below the median or its dispersal is new. Score: new dispersal 2, each other
    signal 1; rank within the quarter by score, then dispersal per 10,000 residents.

    The long list is every listed LA; the shortlist (is_shortlisted) those scoring 4 or more: arrivals
    now with at least two signals behind them (new dispersal and two more, or all four others). On the
    bundled data it holds 4 to 19 LAs a quarter (13 in 2023 Q4, of 137 listed): docs/flows.md says why.
-#}
{%- set shortlist_score = 4 -%}

with

dispersal as (

    select
        lad_code,
        lad_name,
        region_name,
        period_end,
        quarter_label,
        people_in_dispersal_accommodation as dispersed,
        dispersal_per_10k,
        max(case when people_in_dispersal_accommodation > 0 then 1 else 0 end) over (
            partition by lad_code order by period_end rows between unbounded preceding and 8 preceding
        ) as dispersed_two_years_before,
        count(*) over (
            partition by lad_code order by period_end rows between unbounded preceding and 8 preceding
        ) as quarters_two_years_before
    from {{ ref('mart_dispersal_vs_deprivation') }}

),

resettled as (

    select lad_code, period_end, sum(persons) as persons
    from {{ ref('fct_resettlement_arrivals_by_la_quarter') }}
    where lad_code is not null
    group by lad_code, period_end

),

resettled_year as (

    select
        dispersal.lad_code,
        dispersal.period_end,
        coalesce(sum(resettled.persons), 0) as resettled_last_4_quarters
    from dispersal
    left join resettled
        on dispersal.lad_code = resettled.lad_code
        and resettled.period_end <= dispersal.period_end
        and resettled.period_end > cast({{ dbt.dateadd('month', -12, 'dispersal.period_end') }} as date)
    group by dispersal.lad_code, dispersal.period_end

),

profile as (

    select
        lad_code,
        born_outside_uk_share_2011,
        born_outside_uk_share_change_percentage_points,
        arrived_2011_to_2021_share_of_born_outside_uk
    from {{ ref('mart_community_profile_by_la') }}

),

thresholds as (

    select
        percentile_cont(0.5) within group (order by born_outside_uk_share_2011) as median_share_2011,
        percentile_cont(0.75) within group (order by born_outside_uk_share_change_percentage_points)
            as upper_quartile_growth,
        percentile_cont(0.75) within group (order by arrived_2011_to_2021_share_of_born_outside_uk)
            as upper_quartile_recent_arrivals
    from profile

),

signals as (

    select
        dispersal.lad_code,
        dispersal.lad_name,
        dispersal.region_name,
        dispersal.period_end,
        dispersal.quarter_label,
        dispersal.dispersed,
        dispersal.dispersal_per_10k,
        resettled_year.resettled_last_4_quarters,
        profile.born_outside_uk_share_2011,
        profile.born_outside_uk_share_change_percentage_points,
        profile.arrived_2011_to_2021_share_of_born_outside_uk,
        dispersal.dispersed > 0 and coalesce(dispersal.dispersed_two_years_before, 0) = 0 as is_new_dispersal,
        resettled_year.resettled_last_4_quarters > 0 as is_resettling,
        profile.born_outside_uk_share_2011 < thresholds.median_share_2011 as is_low_settlement_2011,
        profile.born_outside_uk_share_change_percentage_points > thresholds.upper_quartile_growth as is_fast_growth,
        profile.arrived_2011_to_2021_share_of_born_outside_uk > thresholds.upper_quartile_recent_arrivals
            as is_recent_arrivals_high
    from dispersal
    inner join resettled_year
        on dispersal.lad_code = resettled_year.lad_code
        and dispersal.period_end = resettled_year.period_end
    cross join thresholds
    left join profile
        on dispersal.lad_code = profile.lad_code
    where dispersal.quarters_two_years_before > 0
        and (dispersal.dispersed > 0 or resettled_year.resettled_last_4_quarters > 0)

),

listed as (

    select
        *,
        2 * cast(is_new_dispersal as integer)
        + cast(is_resettling as integer)
        + cast(coalesce(is_low_settlement_2011, false) as integer)
        + cast(coalesce(is_fast_growth, false) as integer)
        + cast(coalesce(is_recent_arrivals_high, false) as integer) as score
    from signals
    where is_new_dispersal or coalesce(is_low_settlement_2011, false)

)

select
    lad_code || '|' || cast(period_end as {{ dbt.type_string() }}) as watchlist_key,
    lad_code,
    lad_name,
    region_name,
    period_end,
    quarter_label,
    cast(score as integer) as score,
    score >= {{ shortlist_score }} as is_shortlisted,
    cast(case when score >= {{ shortlist_score }} then rank() over (
        partition by period_end order by score desc, dispersal_per_10k desc nulls last, lad_code
    ) end as integer) as shortlist_rank,
    cast(rank() over (
        partition by period_end order by score desc, dispersal_per_10k desc nulls last, lad_code
    ) as integer) as rank_in_quarter,
    cast(dispersed as bigint) as people_in_dispersal_accommodation,
    dispersal_per_10k,
    cast(resettled_last_4_quarters as bigint) as resettled_last_4_quarters,
    born_outside_uk_share_2011,
    born_outside_uk_share_change_percentage_points,
    arrived_2011_to_2021_share_of_born_outside_uk,
    is_new_dispersal,
    is_resettling,
    coalesce(is_low_settlement_2011, false) as is_low_settlement_2011,
    coalesce(is_fast_growth, false) as is_fast_growth,
    coalesce(is_recent_arrivals_high, false) as is_recent_arrivals_high,
    trim(trailing '; ' from
        case when is_new_dispersal then 'dispersal began within the last two years ('
            || cast(cast(dispersed as bigint) as {{ dbt.type_string() }})
            || case when dispersed = 1 then ' person' else ' people' end || ' now); ' else '' end
        || case when is_resettling then cast(cast(resettled_last_4_quarters as bigint) as {{ dbt.type_string() }})
            || case when resettled_last_4_quarters = 1 then ' person' else ' people' end
            || ' resettled in the last four quarters; ' else '' end
        || case when coalesce(is_low_settlement_2011, false) then 'few residents born abroad in 2011 ('
            || cast(round(cast(100 * born_outside_uk_share_2011 as numeric), 1) as {{ dbt.type_string() }})
            || '%, below the median district); ' else '' end
        || case when coalesce(is_fast_growth, false) then 'fast growth of the foreign-born share to 2021 (+'
            || cast(round(cast(born_outside_uk_share_change_percentage_points as numeric), 1) as {{ dbt.type_string() }})
            || ' points); ' else '' end
        || case when coalesce(is_recent_arrivals_high, false) then 'many recent arrivals ('
            || cast(round(cast(100 * arrived_2011_to_2021_share_of_born_outside_uk as numeric), 1) as {{ dbt.type_string() }})
            || '% of the foreign-born arrived 2011-2021)' else '' end
    ) as reasons
from listed
