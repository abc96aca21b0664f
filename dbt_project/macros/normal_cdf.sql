{#-
    The standard normal distribution function Phi(x), portable SQL (DuckDB and PostgreSQL have no erf
    in common): Zelen and Severo's approximation, Abramowitz and Stegun (1964) formula 26.2.17, absolute
    error below 7.5e-8; 0 and 1 beyond 8 standard deviations (where PostgreSQL's exp() would raise an
    underflow). Used by the need model's affordability test (docs/need-method.md).
-#}
{% macro normal_cdf(x) -%}
    (case when ({{ x }}) > 8 then 1.0 when ({{ x }}) < -8 then 0.0 when ({{ x }}) >= 0
        then 1 - {{ _normal_tail('(' ~ x ~ ')') }}
        else {{ _normal_tail('(-(' ~ x ~ '))') }}
    end)
{%- endmacro %}

{#- Q(z) = 1 - Phi(z) for z >= 0 (formula 26.2.17). -#}
{% macro _normal_tail(z) -%}
    (exp(-{{ z }} * {{ z }} / 2) / sqrt(2 * pi()) * (
        0.319381530 * (1 / (1 + 0.2316419 * {{ z }}))
        - 0.356563782 * power(1 / (1 + 0.2316419 * {{ z }}), 2)
        + 1.781477937 * power(1 / (1 + 0.2316419 * {{ z }}), 3)
        - 1.821255978 * power(1 / (1 + 0.2316419 * {{ z }}), 4)
        + 1.330274429 * power(1 / (1 + 0.2316419 * {{ z }}), 5)
    ))
{%- endmacro %}
