{#-
    The need model's parameters, one row per draw: draw 0 holds every central value (the scenario
    rows' components), draws 1-100 the generated Monte Carlo draws of the uncertain parameters
    (ref_need_parameter_draws, seeded; fixed parameters keep their central value in every draw).
-#}
{%- set drawn = [
    'exit_rate', 'relative_headship_europe_outside_uk', 'relative_headship_africa',
    'relative_headship_middle_east_and_asia', 'relative_headship_americas_and_caribbean',
    'relative_headship_oceania_antarctica_and_other', 'relative_headship_british_overseas',
    'overcrowding_ratio', 'register_ratio', 'register_overlap', 'unable_to_afford', 'relet_rate',
    'move_on_calibration_multiplier'
] -%}
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
    (select max(central) from parameters where parameter = 'backlog_quota') as backlog_quota,
    {%- for name in drawn %}
    coalesce(
        max(case when values_by_draw.parameter = '{{ name }}' then values_by_draw.value end),
        (select max(central) from parameters where parameter = '{{ name }}')
    ) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
from draw_ids
left join values_by_draw on values_by_draw.draw_id = draw_ids.draw_id
group by draw_ids.draw_id
