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

loads_per_period as (

    select
        {{ period_column }},
        load_id,
        release,
        max(loaded_at) as loaded_at
    from staged
    group by {{ period_column }}, load_id, release

),

chosen as (

    select
        {{ period_column }},
        load_id,
        row_number() over (
            partition by {{ period_column }}
            order by release desc, loaded_at desc, load_id desc
        ) as recency
    from loads_per_period

)

select staged.*
from staged
inner join chosen
    on staged.{{ period_column }} = chosen.{{ period_column }}
    and staged.load_id = chosen.load_id
where chosen.recency = 1
{%- endmacro %}
