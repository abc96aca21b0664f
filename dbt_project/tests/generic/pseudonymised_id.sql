{#- A pseudonymised identifier is a keyed hash: 32 lower-case hex characters, nothing else. -#}
{% test pseudonymised_id(model, column_name) %}

select count(*) as not_pseudonymised
from {{ model }}
where {{ column_name }} is not null
    and not {{ regex_match(column_name, '^[0-9a-f]{32}$') }}
having count(*) > 0

{% endtest %}
