{#-
    Primary suppression of one count (docs/disclosure-control.md): null when from 1 to threshold - 1.
    For counts that add up to no published total; a table whose cells do add up to one uses
    suppress_small_counts (with secondary suppression) instead.
-#}
{% macro small_count(expr, threshold=5) -%}
    case when {{ expr }} between 1 and {{ threshold - 1 }} then null else {{ expr }} end
{%- endmacro %}
