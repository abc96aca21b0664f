{#-
    The rows of `relation` that come from the newest release holding each period: publishers
    re-publish a series and revise earlier periods, so for each value of `period_column` only the rows
    of the newest release (ties: the newest load) are kept. `relation` is a staging model with
    load_id, release and loaded_at. Every source whose releases overlap uses this one query; the rows
    it leaves out are counted as superseded by the source's audit model.
-#}
{% macro newest_release_rows(relation, period_column='period_end') -%}
with

staged as (

    select * from {{ relation }}

),

chosen as (

    {{ newest_release_loads('staged', period_column) | indent(4) }}

)

select staged.*
from staged
inner join chosen
    on staged.{{ period_column }} = chosen.{{ period_column }}
    and staged.load_id = chosen.load_id
{%- endmacro %}

{#-
    The load chosen for each period by newest_release_rows: one row per value of `period_column`
    with its load_id and release (the newest release; ties: the newest load). An incremental model
    compares it with what it built before to find the periods a delivery or a withdrawal changed.
-#}
{% macro newest_release_loads(relation, period_column='period_end') -%}
select {{ period_column }}, load_id, release
from (
    select
        {{ period_column }},
        load_id,
        release,
        row_number() over (
            partition by {{ period_column }}
            order by release desc, max(loaded_at) desc, load_id desc
        ) as recency
    from {{ relation }}
    group by {{ period_column }}, load_id, release
) as ranked
where recency = 1
{%- endmacro %}
