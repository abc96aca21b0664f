{#-
    Every Asy_D11 release re-publishes the whole series, and later releases revise earlier quarters.
    For each quarter keep the rows of the newest release that contains that quarter (ties: newest load).
-#}
with

staged as (

    select * from {{ ref('stg_home_office__asylum_support') }}

),

loads_per_period as (

    select
        period_end,
        load_id,
        release,
        max(loaded_at) as loaded_at
    from staged
    group by period_end, load_id, release

),

chosen as (

    select
        period_end,
        load_id,
        row_number() over (
            partition by period_end
            order by release desc, loaded_at desc, load_id desc
        ) as recency
    from loads_per_period

)

select staged.*
from staged
inner join chosen
    on staged.period_end = chosen.period_end
    and staged.load_id = chosen.load_id
where chosen.recency = 1
