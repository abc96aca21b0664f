{#-
    Weighted estimates of every cell with 95% confidence intervals (docs/survey-weighting.md):
      p              = sum(w y) / sum(w)                        weighted proportion
      n_eff          = sum(w)^2 / sum(w^2)                      Kish effective sample size (weighting)
      deff_weighting = n / n_eff = n sum(w^2) / sum(w)^2         (= 1 + CV^2 of the weights)
      design_effect  = deff_weighting x deft^2                   deft: clustering design factor (seed)
      se             = deft x sqrt(p (1 - p) / n_eff)            = sqrt(design_effect p (1 - p) / n)
      95% CI         = p -/+ 1.96 se, clipped to [0, 1]
    Every cell, however small: the marts flag cells of fewer than 50 respondents unreliable and
    suppress them. A table: the marts and the briefing read it.
-#}
with

cells as (

    select * from {{ ref('int_survey_respondent_cells') }}

),

design_factors as (

    select * from {{ ref('ref_survey_design_factors') }}

),

sums as (

    select
        survey,
        wave,
        indicator,
        region_code,
        ethnic_group,
        years_in_uk,
        tenure,
        sample_basis,
        count(*) as respondents,
        sum(weight) as weighted_base,
        sum(weight * weight) as sum_squared_weights,
        sum(weight * answer) as weighted_yes,
        {{ dbt.bool_or('is_synthetic') }} as is_synthetic
    from cells
    group by survey, wave, indicator, region_code, ethnic_group, years_in_uk, tenure, sample_basis

),

estimates as (

    select
        sums.*,
        design_factors.design_factor,
        sums.weighted_yes / sums.weighted_base as estimate,
        sums.weighted_base * sums.weighted_base / sums.sum_squared_weights as effective_n,
        sums.respondents * sums.sum_squared_weights / (sums.weighted_base * sums.weighted_base) as deff_weighting
    from sums
    inner join design_factors on sums.sample_basis = design_factors.sample_basis

),

intervals as (

    select
        *,
        deff_weighting * design_factor * design_factor as design_effect,
        design_factor * sqrt(estimate * (1 - estimate) / effective_n) as standard_error
    from estimates

)

select
    survey || '|' || wave || '|' || indicator || '|' || region_code || '|' || ethnic_group || '|'
    || years_in_uk || '|' || tenure as cell_key,
    survey,
    wave,
    indicator,
    region_code,
    ethnic_group,
    years_in_uk,
    tenure,
    sample_basis,
    cast(respondents as bigint) as respondents,
    weighted_base,
    sum_squared_weights,
    estimate,
    effective_n,
    deff_weighting,
    design_factor,
    design_effect,
    standard_error,
    greatest(0.0, estimate - 1.96 * standard_error) as ci_lower,
    least(1.0, estimate + 1.96 * standard_error) as ci_upper,
    respondents < 50 as is_unreliable,
    is_synthetic
from intervals
