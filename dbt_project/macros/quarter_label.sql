{#- '2023 Q4' for a date, portable across DuckDB and PostgreSQL. -#}
{% macro quarter_label(date_expr) -%}
    cast(cast(extract(year from {{ date_expr }}) as integer) as {{ dbt.type_string() }})
    || ' Q'
    || cast(cast(extract(quarter from {{ date_expr }}) as integer) as {{ dbt.type_string() }})
{%- endmacro %}
