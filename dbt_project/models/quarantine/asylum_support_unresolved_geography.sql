{#-
    Asy_D11 rows whose geography could not be placed in a current local authority
    (rekey_method = 'unresolved'), one row per offending column ('Local Authority' and 'LAD Code', as
    published), so a data engineer can fix the crosswalk or the aliases seed. Same column names as the
    loader's quarantine.rows (column_name, value, reason). These rows are excluded from
    fct_asylum_support_by_la_quarter.
-#}
with

unresolved as (

    select * from {{ ref('int_asylum_support_rekeyed_to_current_lad') }}
    where rekey_method = 'unresolved'

),

by_column as (

    select
        load_id,
        source_file,
        source_row_number,
        'Local Authority' as column_name,
        local_authority_name as value,
        case
            when local_authority_name is null then 'Name is blank'
            when name_candidates > 1 then 'Name is ambiguous: it matches ' || cast(name_candidates as {{ dbt.type_string() }}) || ' current local authorities'
            else 'Name matches no local authority (official, nice, former or ONS name, or alias)'
        end as reason,
        rekey_note,
        period_end,
        people
    from unresolved

    union all

    select
        load_id,
        source_file,
        source_row_number,
        'LAD Code' as column_name,
        published_lad_code as value,
        case lad_code_status
            when 'blank' then 'LAD code is blank'
            when 'unknown' then 'LAD code is not a known GSS code'
            else 'LAD code is known but is not one of the local authorities the name matches'
        end as reason,
        rekey_note,
        period_end,
        people
    from unresolved

),

final as (

    select
        load_id,
        source_file,
        source_row_number,
        column_name,
        value,
        reason,
        rekey_note,
        period_end,
        people
    from by_column

)

select * from final
