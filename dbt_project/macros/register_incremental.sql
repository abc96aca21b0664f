{#-
    The chosen delivery of each council register snapshot (newest_release_loads over the staged
    register): what the incremental register models compare with what they built before.
-#}
{% macro register_chosen_snapshots() -%}
{{ newest_release_loads(ref('stg_council__housing_register'), 'snapshot_key') }}
{%- endmacro %}

{#-
    Pre-hook of int_register_applications (incremental runs only; empty otherwise): delete the rows of
    every snapshot whose delivery is no longer the chosen one, because a newer delivery of the same
    snapshot arrived or the delivery was withdrawn (its raw rows are gone).
-#}
{% macro delete_superseded_register_snapshots() -%}
{%- if is_incremental() -%}
delete from {{ this }} as built
where not exists (
    select 1
    from ({{ register_chosen_snapshots() }}) as chosen
    where chosen.snapshot_key = built.snapshot_key and chosen.load_id = built.load_id
)
{%- endif -%}
{%- endmacro %}

{#-
    The snapshots whose loads register_row_outcomes ({{ this }}) recounts in an incremental run: those
    with a load it has not counted, or with a load whose rows kept (not superseded) differ from its
    counts (a newer delivery superseded it, or the delivery that superseded it was withdrawn); then
    every snapshot of every load in those snapshots, since delete+insert replaces a load's counts
    whole and the reason a superseded row gives depends on the snapshot's chosen load.
-#}
{% macro register_recounted_snapshots() -%}
{%- set staged = ref('stg_council__housing_register') -%}
select distinct snapshot_key
from {{ staged }}
where load_id in (
    -- every load of those snapshots
    select load_id
    from {{ staged }}
    where snapshot_key in (
        -- the snapshots of the loads whose counts differ
        select snapshot_key
        from {{ staged }}
        where load_id in (
            select now_loads.load_id
            from (
                select staged.load_id, count(*) as rows_in, count(chosen.load_id) as rows_kept
                from {{ staged }} as staged
                left join ({{ register_chosen_snapshots() }}) as chosen
                    on chosen.snapshot_key = staged.snapshot_key and chosen.load_id = staged.load_id
                group by staged.load_id
            ) as now_loads
            left join (
                select
                    load_id,
                    sum(rows) as rows_in,
                    coalesce(sum(rows) filter (where reason is null or reason not like 'superseded%'), 0)
                        as rows_kept
                from {{ this }}
                group by load_id
            ) as counted
                on counted.load_id = now_loads.load_id
            where counted.load_id is null
                or counted.rows_in <> now_loads.rows_in
                or counted.rows_kept <> now_loads.rows_kept
        )
    )
)
{%- endmacro %}

{#- Pre-hook of register_row_outcomes (incremental runs only): delete the counts of withdrawn loads. -#}
{% macro delete_withdrawn_register_outcomes() -%}
{%- if is_incremental() -%}
delete from {{ this }}
where load_id not in (select load_id from {{ ref('stg_council__housing_register') }})
{%- endif -%}
{%- endmacro %}
