{#-
    sum(expr) over the group when every row has a value, else null: a total that would silently leave
    out an unreported part (a district published as '..', a blank register count) is unknown, never a
    partial sum. Used where predecessor districts are summed into their current LAD.
-#}
{% macro complete_sum(expr) -%}
    case when count({{ expr }}) = count(*) then sum({{ expr }}) end
{%- endmacro %}
