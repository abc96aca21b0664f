{#-
    The need model's population error at t years after census day (int_need_estimate_draws,
    docs/need-method.md "Ranges"): e(t) = (z_n tau + z_l s) t / 10 on the log of the residents, a
    national deviate per community and a local one per LA x community, both median-preserving as the
    hindcast scores its P50. With local=false, the national term alone: the error an area total carries
    (the local errors are the same people in one LA or another, which cancel in a total, while need
    counted in the LA they move to and not taken off in the one they leave would count them twice).
    Reads the model's columns national_error_per_decade, local_z and local_spread_per_decade.
-#}
{% macro need_population_error(years, local=true) -%}
    {%- if local -%}
    ((national_error_per_decade + local_z * local_spread_per_decade) * {{ years }} / 10)
    {%- else -%}
    (national_error_per_decade * {{ years }} / 10)
    {%- endif -%}
{%- endmacro %}
