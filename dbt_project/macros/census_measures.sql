{#-
    The census measures the community and neighbourhood profiles share, as aggregates over cells
    (columns table_code, category_path, category_label, category_level, value), so each is defined once
    whatever the level of the areas summed.
-#}

{% macro census_occupancy_households() -%}
    cast(sum(case when table_code = 'TS052' and category_path = 'Total' then value end) as bigint)
{%- endmacro %}

{% macro census_overcrowded_households() -%}
    {#- occupancy rating for bedrooms of -1 or less: at least one bedroom too few -#}
    cast(sum(case when table_code = 'TS052' and category_path in ('-1', '-2 or less') then value end) as bigint)
{%- endmacro %}

{% macro census_residents_aged_3_plus() -%}
    {#- TS029 publishes no total: its two top categories (main language English / not English) -#}
    cast(sum(case when table_code = 'TS029' and category_level = 1 then value end) as bigint)
{%- endmacro %}

{% macro census_main_language_not_english() -%}
    cast(sum(case when table_code = 'TS029' and category_level = 1 and category_path like 'Main language is not English%' then value end) as bigint)
{%- endmacro %}

{% macro census_cannot_speak_english_well() -%}
    cast(sum(case when table_code = 'TS029' and category_label in ('Cannot speak English well', 'Cannot speak English') then value end) as bigint)
{%- endmacro %}
