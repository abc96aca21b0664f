{#-
    What happened to every raw Asy_D11 row of every load (macros/release_row_outcomes.sql):
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
{{ release_row_outcomes(
    source_name='home_office_asylum_support',
    staged=ref('stg_home_office__asylum_support'),
    latest=ref('int_asylum_support_latest_release'),
    placed=ref('int_asylum_support_rekeyed_to_current_lad'),
    in_facts="rekey_method <> 'unresolved'",
    set_aside_reason="'local authority could not be placed ('
        || case
            when lad_code_status in ('blank', 'unknown', 'unknown_newer_vintage') then
                " ~ unplaced_code_reason('LAD code', 'lad_code_status') ~ "
            else 'LAD code not one of the local authorities the name matches'
        end
        || '; '
        || case
            when local_authority_name is null then 'no name'
            when name_candidates > 1 then 'name matches several local authorities'
            else 'name matches no local authority'
        end
        || ')'",
    period_name='quarter',
) }}
