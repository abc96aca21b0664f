{#-
    True when `expr` matches the regular expression `pattern` (a SQL string literal is built from it).
    Portable: DuckDB regexp_matches(), PostgreSQL's ~ operator. Anchor the pattern (^…$) for a full match.
-#}
{% macro regex_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_match', 'housing_need')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_match(expr, pattern) -%}
    ({{ expr }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_match(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}
