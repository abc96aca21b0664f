{#-
    Asy_D11 rows whose geography could not be placed in a current local authority
    (rekey_method = 'unresolved'), ONE row per unresolved raw row, so that counting or summing this
    table counts each row and its people once. A row is unresolved only when both published columns
    fail: the name identifies no single current local authority (blank, unknown, or ambiguous) and the
    code cannot settle it (blank, unknown, or known but not one of the name's candidates). So `columns`
    always names both, and `reason` states both problems with the published values, for a data
    engineer to fix the crosswalk or the aliases seed. These rows are left out of
    fct_asylum_support_by_la_quarter and counted as set aside in audit.asylum_support_row_outcomes.
-#}
with

unresolved as (

    select * from {{ ref('int_asylum_support_rekeyed_to_current_lad') }}
    where rekey_method = 'unresolved'

),

described as (

    select
        *,
        case
            when lad_code_status in ('blank', 'unknown', 'unknown_newer_vintage') then
                {{ unplaced_code_phrase('LAD code', 'published_lad_code', 'lad_code_status') }}
            else 'LAD code ''' || published_lad_code || ''' is not one of the local authorities the name matches'
        end as code_problem,
        case
            when local_authority_name is null then 'name is blank'
            when name_candidates > 1 then
                'name ''' || local_authority_name || ''' is ambiguous: it matches '
                || cast(name_candidates as {{ dbt.type_string() }}) || ' local authorities'
            else 'name ''' || local_authority_name || ''' matches no local authority'
        end as name_problem
    from unresolved

),

final as (

    select
        load_id,
        source_file,
        source_row_number,
        period_end,
        published_lad_code,
        local_authority_name,
        people,
        'LAD Code, Local Authority' as columns,
        code_problem || '; ' || name_problem as reason,
        rekey_note
    from described

)

select * from final
