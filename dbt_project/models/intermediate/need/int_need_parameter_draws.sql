{#-
    The need model's parameters, one row per draw: draw 0 holds every central value (the scenario
    rows' components; the population error 0), draws 1-100 the generated Monte Carlo draws of the
    uncertain parameters and of the population engine's standard normal error (ref_need_parameter_draws,
    seeded; fixed parameters keep their central value in every draw).
-#}
{%- set drawn = [
    'relative_headship', 'overcrowding_relative_risk', 'register_ratio', 'register_overlap', 'rent_to_income',
    'relet_rate', 'move_on_calibration_multiplier', 'population_error_z'
] -%}
{%- set fixed = ['backlog_quota', 'move_on_local_weight', 'engine_rho_n', 'engine_phi_l', 'engine_rho_l',
    'engine_beta_dom', 'engine_nu'] -%}
with

parameters as (

    select * from {{ ref('ref_need_parameters') }}

),

values_by_draw as (

    select 0 as draw_id, parameter, central as value from parameters
    union all
    select draws.draw_id, draws.parameter, draws.value
    from {{ ref('ref_need_parameter_draws') }} as draws
    inner join parameters
        on parameters.parameter = draws.parameter
        and parameters.parameter_version = draws.parameter_version

),

draw_ids as (

    select distinct draw_id from values_by_draw

)

select
    draw_ids.draw_id,
    (select max(parameter_version) from parameters) as parameter_version,
    {%- for name in fixed %}
    {{ scenario_parameter(name, "(select max(central) from parameters where parameter = '" ~ name ~ "')") }}
        as {{ name }},
    {%- endfor %}
    {%- for name in drawn %}
    {{ scenario_parameter(name, "coalesce(max(case when values_by_draw.parameter = '" ~ name
        ~ "' then values_by_draw.value end), (select max(central) from parameters where parameter = '"
        ~ name ~ "'))") }} as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
from draw_ids
left join values_by_draw on values_by_draw.draw_id = draw_ids.draw_id
group by draw_ids.draw_id
