{#-
    How a published LAD code stands against the geography spine, for the re-keying models:
      'blank'          no code
      'known'          int_lad_code_crosswalk knows it (any vintage it carries)
      'unknown_newer_vintage'  unknown, but a well-formed code of a LAD entity just after the newest code the
                       spine knows in that entity (int_lad_code_series): a valid code of a vintage the
                       spine does not know yet; add the vintage's rows to ref_lad_code_changes
      'unknown'        anything else: not a known GSS code
    `crosswalk` and `series` are the aliases of int_lad_code_crosswalk and int_lad_code_series, joined
    on the code and on substr(code, 1, 3). String comparisons only (codes have one length), so it runs
    on DuckDB and PostgreSQL alike.
-#}
{% macro lad_code_standing(code, crosswalk='crosswalk', series='series') -%}
    case
        when nullif(trim({{ code }}), '') is null then 'blank'
        when {{ crosswalk }}.gss_code is not null then 'known'
        when {{ regex_match('upper(trim(' ~ code ~ '))', '^[EWSN][0-9]{8}$') }}
            and upper(trim({{ code }})) > {{ series }}.newest_code
            and upper(trim({{ code }})) <= {{ series }}.newest_plausible_code
            then 'unknown_newer_vintage'
        else 'unknown'
    end
{%- endmacro %}

{#-
    The quarantine reason's words for a code that could not be placed, from the re-keying model's
    code_standing, code_entity, entity_newest_code and spine_newest_vintage columns: e.g. "LAD code
    'E08000040' is not in the geography spine (vintages to 2025) but follows E08000039, the newest E08
    code it knows: a valid code of a newer vintage; add it to ref_lad_code_changes", or "LAD code
    'E09999999' is not a known GSS code".
-#}
{% macro unplaced_code_phrase(what, code, standing='code_standing') -%}
    case {{ standing }}
        when 'unknown_newer_vintage' then
            '{{ what }} ''' || {{ code }} || ''' is not in the geography spine (vintages to '
            || cast(spine_newest_vintage as {{ dbt.type_string() }}) || ') but follows '
            || entity_newest_code || ', the newest ' || code_entity
            || ' code it knows: a valid code of a newer vintage; add it to ref_lad_code_changes'
        when 'blank' then '{{ what }} is blank'
        else '{{ what }} ''' || coalesce({{ code }}, '') || ''' is not a known GSS code'
    end
{%- endmacro %}

{#- The same without values, for the audit row outcomes (grouped by reason). -#}
{% macro unplaced_code_reason(what, standing='code_standing') -%}
    case {{ standing }}
        when 'unknown_newer_vintage' then '{{ what }} of a vintage newer than the geography spine knows'
        when 'blank' then 'no {{ what }}'
        else '{{ what }} not a known GSS code'
    end
{%- endmacro %}
