{#-
    Each respondent's answer to each indicator, once for every estimation cell it falls in: wave x
    region x ethnic group x years in the UK x tenure, where each dimension is either the respondent's
    own value or 'all' (and ethnic group also 'ethnic_minority' for every group but white). A cell with
    ethnic group 'all' is a national-style figure, made from the core sample with the core individual
    weight; a cell of an ethnic group is made from the full sample (core + boost) with the full-sample
    individual weight (the survey's own guidance: core weights for national figures, full-sample
    weights for ethnic-group analysis). Respondents who gave no answer to an indicator are not in its
    base. Respondent-level: never published.
-#}
with

respondents as (

    select * from {{ ref('int_survey_respondents') }}

),

answers as (

    select
        respondent_key, 'housing_treated_worse' as indicator, expects_worse_housing_treatment as answer
    from respondents
    where expects_worse_housing_treatment is not null
    union all
    select respondent_key, 'belonging_strong' as indicator, belongs_strongly as answer
    from respondents
    where belongs_strongly is not null

),

region_options as (

    select respondent_key, region_code from respondents
    union all
    select respondent_key, 'all' from respondents

),

ethnic_options as (

    select respondent_key, ethnic_group from respondents where ethnic_group is not null
    union all
    select respondent_key, 'ethnic_minority' from respondents where is_ethnic_minority
    union all
    select respondent_key, 'all' from respondents

),

years_options as (

    select respondent_key, years_in_uk from respondents where years_in_uk is not null
    union all
    select respondent_key, 'all' from respondents

),

tenure_options as (

    select respondent_key, tenure from respondents where tenure is not null
    union all
    select respondent_key, 'all' from respondents

),

expanded as (

    select
        respondents.survey,
        respondents.wave,
        answers.indicator,
        region_options.region_code,
        ethnic_options.ethnic_group,
        years_options.years_in_uk,
        tenure_options.tenure,
        case when ethnic_options.ethnic_group = 'all' then 'core' else 'full' end as sample_basis,
        case
            when ethnic_options.ethnic_group = 'all' then respondents.weight_core_individual
            else respondents.weight_full_individual
        end as weight,
        answers.answer,
        respondents.is_synthetic
    from answers
    inner join respondents on answers.respondent_key = respondents.respondent_key
    inner join region_options on answers.respondent_key = region_options.respondent_key
    inner join ethnic_options on answers.respondent_key = ethnic_options.respondent_key
    inner join years_options on answers.respondent_key = years_options.respondent_key
    inner join tenure_options on answers.respondent_key = tenure_options.respondent_key

)

select * from expanded
-- the core weight is missing for boost respondents: they are in the full-sample cells only
where weight is not null
