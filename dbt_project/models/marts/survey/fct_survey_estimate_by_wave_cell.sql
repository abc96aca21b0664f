{#-
    Weighted survey estimates with 95% confidence intervals by survey x wave x indicator x region x
    ethnic group x years in the UK x tenure (each dimension also 'all'), conformed to the geography
    spine at region level (dim_local_authority.region_code) and to dim_community (community_key: the
    birthplace group that years in the UK implies). Cells of fewer than 50 unweighted respondents are
    flagged unreliable and suppressed: the estimate, interval and counts are withheld
    (docs/survey-weighting.md, docs/disclosure-control.md). Every row says whether it rests on
    SYNTHETIC microdata.
-#}
with

estimates as (

    select * from {{ ref('int_survey_cell_estimates') }}

),

regions as (

    select distinct region_code, region_name from {{ ref('dim_local_authority') }}

)

select
    estimates.cell_key,
    estimates.survey,
    estimates.wave,
    cast(substr(estimates.wave, 1, 4) as integer) as wave_start_year,
    estimates.indicator,
    case estimates.indicator
        when 'housing_treated_worse' then 'Would expect to be treated worse than people of other races by a council housing department or housing association'
        when 'belonging_strong' then 'Feels very or fairly strongly that they belong to their immediate neighbourhood'
    end as indicator_label,
    estimates.region_code,
    coalesce(regions.region_name, 'England and Wales') as region_name,
    estimates.ethnic_group,
    case estimates.ethnic_group
        when 'all' then 'All ethnic groups'
        when 'white' then 'White'
        when 'ethnic_minority' then 'Ethnic minority (all groups other than White)'
        when 'mixed' then 'Mixed'
        when 'asian' then 'Asian or Asian British'
        when 'black' then 'Black or Black British'
        when 'chinese_other' then 'Chinese or other ethnic group'
    end as ethnic_group_name,
    estimates.years_in_uk,
    case estimates.years_in_uk
        when 'all' then 'All'
        when 'born_in_uk' then 'Born in the UK'
        when 'under_5' then 'Less than 5 years in the UK'
        when '5_to_9' then '5 to 9 years in the UK'
        when '10_to_19' then '10 to 19 years in the UK'
        when '20_or_more' then '20 years or more in the UK'
    end as years_in_uk_name,
    case
        when estimates.years_in_uk = 'all' then 'all_residents'
        when estimates.years_in_uk = 'born_in_uk' then 'born_uk'
        else 'born_outside_uk'
    end as community_key,
    estimates.tenure,
    case estimates.tenure
        when 'all' then 'All tenures'
        when 'owner_occupied' then 'Owner occupied'
        when 'social_rented' then 'Social rented (council or housing association)'
        when 'private_rented' then 'Private rented'
        when 'other' then 'Other (rent free, squatting)'
    end as tenure_name,
    estimates.sample_basis,
    case estimates.sample_basis
        when 'core' then 'core individual weight'
        else 'full-sample (core + boost) individual weight'
    end as weight_used,
    estimates.is_unreliable,
    estimates.is_unreliable as is_suppressed,
    case when not estimates.is_unreliable then estimates.respondents end as respondents,
    case when not estimates.is_unreliable then estimates.weighted_base end as weighted_base,
    case when not estimates.is_unreliable then estimates.estimate end as estimate,
    case when not estimates.is_unreliable then estimates.ci_lower end as ci_lower,
    case when not estimates.is_unreliable then estimates.ci_upper end as ci_upper,
    case when not estimates.is_unreliable then estimates.standard_error end as standard_error,
    case when not estimates.is_unreliable then estimates.effective_n end as effective_n,
    estimates.design_factor,
    case when not estimates.is_unreliable then estimates.design_effect end as design_effect,
    estimates.is_synthetic,
    {{ survey_data_label('estimates.is_synthetic') }} as data_label
from estimates
left join regions
    on estimates.region_code = regions.region_code
