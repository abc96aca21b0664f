{#-
    One row per respondent of each wave (the newest delivery of the wave), harmonised, with the
    indicators the estimates are made of (1 / 0; null when the respondent gave no answer) and the
    dim_community key of their birthplace (born_uk / born_outside_uk). Respondent-level licensed
    microdata: never published.
-#}
with

respondents as (

    select * from {{ ref('int_survey_latest_release') }}

)

select
    load_id,
    source_row_number,
    survey,
    wave,
    wave_start_year,
    survey || '|' || wave || '|' || respondent_id as respondent_key,
    respondent_id,
    sample_type,
    region_code,
    ethnic_group,
    ethnic_group <> 'white' as is_ethnic_minority,
    country_of_birth,
    case
        when country_of_birth = 'born_uk' then 'born_uk'
        when country_of_birth is not null then 'born_outside_uk'
    end as birthplace_community_key,
    years_in_uk,
    tenure,
    belonging,
    housing_treated_worse,
    case
        when housing_treated_worse = 'worse' then 1.0
        when housing_treated_worse is not null then 0.0
    end as expects_worse_housing_treatment,
    case
        when belonging in ('very_strongly', 'fairly_strongly') then 1.0
        when belonging is not null then 0.0
    end as belongs_strongly,
    weight_core_individual,
    weight_core_household,
    weight_full_individual,
    weight_full_household,
    is_synthetic
from respondents
