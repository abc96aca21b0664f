{#- A share or rate as a double; null when the denominator is 0 or null. Portable (DuckDB, PostgreSQL). -#}
{% macro ratio(numerator, denominator) -%}
    cast({{ numerator }} as double precision) / nullif({{ denominator }}, 0)
{%- endmacro %}
