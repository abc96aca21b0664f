{#-
    The need model's population error at t years after census day (int_need_estimate_draws,
    docs/need-method.md "Ranges"): e(t) = z_n tau t/10 + z_l s t/10 - (s t/10)^2 / 2. The national
    deviate keeps the median (a community's national growth is what the hindcast's P50 scores); the
    local one keeps the mean, so that LA errors cancel in a total. With local=false, the national term
    alone: the error an area total carries (the local errors are the same people in one LA or another,
    which cancel in a total, while need counted in the LA they move to and not taken off in the one they
    leave would count them twice). Reads the model's columns national_error_per_decade, local_z and
    local_spread_per_decade.
-#}
{% macro need_population_error(years, local=true) -%}
    {%- if local -%}
    (national_error_per_decade * {{ years }} / 10 + local_z * local_spread_per_decade * {{ years }} / 10
        - power(local_spread_per_decade * {{ years }} / 10, 2) / 2)
    {%- else -%}
    (national_error_per_decade * {{ years }} / 10)
    {%- endif -%}
{%- endmacro %}
