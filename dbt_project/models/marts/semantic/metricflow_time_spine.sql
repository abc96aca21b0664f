{#- One row per day: the time spine MetricFlow needs to aggregate metrics over time. -#}
{{ config(materialized='table', schema='semantic', contract={'enforced': false}) }}

select cast(day as date) as date_day
from generate_series(
    cast('2003-01-01' as timestamp), cast('2035-12-31' as timestamp), interval '1 day'
) as spine (day)
