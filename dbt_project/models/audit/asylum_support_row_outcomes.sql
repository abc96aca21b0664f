{#-
    What happened to every raw Asy_D11 row of every load, counted per load, outcome and reason:
      in_facts    the row is summed into fct_asylum_support_by_la_quarter (placed in a current local
                  authority, or kept unallocated as the publisher's placeholder);
      set_aside   superseded (its quarter is taken from a newer release, or a newer load of the same
                  release: int_asylum_support_latest_release), or its local authority could not be
                  placed (quarantine.asylum_support_unresolved_geography, which has the values).
    Reasons carry no per-row values, so rows with the same fate group together. Built from the raw
    table (through staging) and the models only, never from the loader's meta.loads or quarantine.rows,
    so it builds wherever the raw table is. Every raw row is counted exactly once, and the in_facts
    rows equal the fact's source_rows, per load (tests/assert_asylum_support_row_outcomes_*.sql).
-#}
with

raw_rows as (

    select load_id, release, source_row_number, period_end
    from {{ ref('stg_home_office__asylum_support') }}

),

kept_loads as (

    -- the one load each quarter is taken from
    select distinct period_end, load_id, release
    from {{ ref('int_asylum_support_latest_release') }}

),

rekeyed as (

    select load_id, source_row_number, rekey_method, lad_code_status, name_candidates, local_authority_name
    from {{ ref('int_asylum_support_rekeyed_to_current_lad') }}

),

classified as (

    select
        raw_rows.load_id,
        case
            when rekeyed.rekey_method <> 'unresolved' then 'in_facts'
            else 'set_aside'
        end as outcome,
        case
            when rekeyed.rekey_method <> 'unresolved' then cast(null as {{ dbt.type_string() }})
            when rekeyed.rekey_method = 'unresolved' then
                'local authority could not be placed ('
                || case rekeyed.lad_code_status
                    when 'blank' then 'no LAD code'
                    when 'unknown' then 'LAD code not a known GSS code'
                    else 'LAD code not one of the local authorities the name matches'
                end
                || '; '
                || case
                    when rekeyed.local_authority_name is null then 'no name'
                    when rekeyed.name_candidates > 1 then 'name matches several local authorities'
                    else 'name matches no local authority'
                end
                || ')'
            when kept_loads.release <> raw_rows.release then 'superseded: quarter taken from a newer release'
            when kept_loads.load_id <> raw_rows.load_id then 'superseded: quarter taken from a newer load of the same release'
            else 'dropped before re-keying, for no known reason (not in int_asylum_support_latest_release)'
        end as reason
    from raw_rows
    left join rekeyed
        on raw_rows.load_id = rekeyed.load_id
        and raw_rows.source_row_number = rekeyed.source_row_number
    left join kept_loads
        on raw_rows.period_end = kept_loads.period_end

),

final as (

    select
        'home_office_asylum_support' as source,
        load_id,
        outcome,
        reason,
        cast(count(*) as bigint) as rows
    from classified
    group by load_id, outcome, reason

)

select * from final
