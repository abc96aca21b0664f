{#-
    A double rounded to `digits` decimal places, portable: PostgreSQL has round() for numeric only, and
    DuckDB's plain numeric is DECIMAL(18,3), so the value goes through numeric(38, 9) and back.
-#}
{% macro round_double(x, digits) -%}
    cast(round(cast({{ x }} as numeric(38, 9)), {{ digits }}) as double precision)
{%- endmacro %}
