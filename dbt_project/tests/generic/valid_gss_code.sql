{#- Every non-null value is a GSS code: a nation letter (E, W, S, N) and eight digits, e.g. E06000062. -#}
{% test valid_gss_code(model, column_name) %}

select {{ column_name }} as invalid_gss_code
from {{ model }}
where {{ column_name }} is not null
    and not {{ regex_match(column_name, '^[EWSN][0-9]{8}$') }}

{% endtest %}
