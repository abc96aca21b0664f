{#-
    The loader's metadata columns of a raw table (_load_id, _release, _source_file, _source_sha256,
    _row_number, _loaded_at) under the project's names, for every staging model's select list.
-#}
{% macro load_columns() -%}
        _load_id as load_id,
        _release as release,
        _source_file as source_file,
        _source_sha256 as source_sha256,
        _row_number as source_row_number,
        _loaded_at as loaded_at,
{%- endmacro %}
