{#-
    The provenance of a register mart row in words, from its is_synthetic flag: every row resting on a
    SYNTHETIC register says so (docs/registers.md).
-#}
{% macro register_data_label(is_synthetic) -%}
    case when {{ is_synthetic }} then 'SYNTHETIC register: generated, not real people'
        else 'council register extract' end
{%- endmacro %}
