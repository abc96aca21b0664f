{#-
    The provenance of a survey mart row in words, from its is_synthetic flag: every row resting on a
    SYNTHETIC survey wave says so (docs/survey-weighting.md).
-#}
{% macro survey_data_label(is_synthetic) -%}
    case when {{ is_synthetic }} then 'SYNTHETIC survey: generated, not real respondents'
        else 'Citizenship Survey microdata (UK Data Service, licensed)' end
{%- endmacro %}
