{#-
    The audit of a source whose releases overlap (each re-publishes earlier periods): every raw row of
    every load counted once, by load x outcome x reason, in the columns the pipeline reads into
    meta.load_outcomes (source, load_id, outcome, reason, rows).
      staged        the staging model (every raw row: load_id, release, source_row_number, period)
      latest        the newest-release model built with newest_release_rows() from `staged`
      placed        the model that decides each kept row's fate: one row per (load_id, row_key)
                    of `latest`, none dropped
      period_name   the period in words for the reasons ('quarter', 'year'; default 'period')
      row_key       the columns that identify a raw row within a load (default source_row_number;
                    a workbook read from several sheets adds the table)
      in_facts      a boolean SQL expression over `placed`'s columns: the row reaches the facts
      set_aside_reason   a text SQL expression over `placed`'s columns: why it does not
      only_periods  a query of period values (one column named as `period_column`), or none: count
                    only the rows of these periods (an incremental audit recounting the periods a
                    delivery or a withdrawal changed); `placed` is then read for their loads only
    A kept row missing from `placed` is reported as dropped, so a model that loses rows shows up in
    the audit (and fails accounts_for_every_raw_row's partner test on the fact).
-#}
{% macro release_row_outcomes(source_name, staged, latest, placed, in_facts, set_aside_reason, period_column='period_end', row_key=['source_row_number'], period_name='period', only_periods=none) -%}
with
{% if only_periods %}
periods as (

    {{ only_periods }}

),
{% endif %}
raw_rows as (

    select load_id, release, {{ row_key | join(', ') }}, {{ period_column }}
    from {{ staged }}
    {%- if only_periods %}
    where {{ period_column }} in (select {{ period_column }} from periods)
    {%- endif %}

),

kept_loads as (

    select distinct {{ period_column }}, load_id, release
    from {{ latest }}
    {%- if only_periods %}
    where {{ period_column }} in (select {{ period_column }} from periods)
    {%- endif %}

),

placed as (

    select
        load_id,
        {{ row_key | join(', ') }},
        ({{ in_facts }}) as is_in_facts,
        ({{ set_aside_reason }}) as set_aside_reason
    from {{ placed }}
    {%- if only_periods %}
    where load_id in (select load_id from raw_rows)
    {%- endif %}

),

classified as (

    select
        raw_rows.load_id,
        case when placed.is_in_facts then 'in_facts' else 'set_aside' end as outcome,
        case
            when placed.is_in_facts then cast(null as {{ dbt.type_string() }})
            when placed.load_id is not null then placed.set_aside_reason
            when kept_loads.release <> raw_rows.release then 'superseded: {{ period_name }} taken from a newer release'
            when kept_loads.load_id <> raw_rows.load_id then 'superseded: {{ period_name }} taken from a newer load of the same release'
            else 'dropped by the models, for no known reason (kept as newest release, then lost)'
        end as reason
    from raw_rows
    left join placed
        on raw_rows.load_id = placed.load_id
        {%- for column in row_key %}
        and raw_rows.{{ column }} = placed.{{ column }}
        {%- endfor %}
    left join kept_loads
        on raw_rows.{{ period_column }} = kept_loads.{{ period_column }}

)

select
    '{{ source_name }}' as source,
    load_id,
    outcome,
    reason,
    cast(count(*) as bigint) as rows
from classified
group by load_id, outcome, reason
{%- endmacro %}
