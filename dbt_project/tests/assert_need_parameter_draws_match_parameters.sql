{#-
    The need parameters are one version, and the draws were generated for it: every drawn parameter
    has draws 1-100 inside its low-high range (a normal deviate: 100 draws, whose low and high are its
    P10 and P90, so roughly 80 of them lie inside), and nothing else is drawn.
-#}
with

parameters as (

    select * from {{ ref('ref_need_parameters') }}

),

draws as (

    select * from {{ ref('ref_need_parameter_draws') }}

),

per_parameter as (

    select
        parameters.parameter,
        parameters.varies,
        count(draws.draw_id) as draws,
        count(distinct draws.draw_id) as distinct_draws,
        sum(case when draws.value < parameters.low or draws.value > parameters.high then 1 else 0 end) as outside,
        sum(case when draws.parameter_version <> parameters.parameter_version then 1 else 0 end) as other_version
    from parameters
    left join draws on draws.parameter = parameters.parameter
    group by parameters.parameter, parameters.varies

)

select 'parameter versions' as problem, cast(count(distinct parameter_version) as varchar) as detail
from parameters
having count(distinct parameter_version) <> 1

union all

select 'draws of ' || parameter, cast(draws as varchar) || ' draws, ' || cast(outside as varchar)
    || ' outside low-high, ' || cast(other_version as varchar) || ' of another version'
from per_parameter
where (varies = 'draw' and (draws <> 100 or distinct_draws <> 100 or outside > 0 or other_version > 0))
    or (varies = 'normal' and (draws <> 100 or distinct_draws <> 100 or outside not between 10 and 30
        or other_version > 0))
    or (varies not in ('draw', 'normal') and draws > 0)
