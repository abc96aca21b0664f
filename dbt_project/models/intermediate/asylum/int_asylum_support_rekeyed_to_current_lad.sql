{#-
    Every Asy_D11 row (newest release per quarter) with the current LAD it belongs to.

    The publisher's LAD codes are of mixed vintages and sometimes attached to the wrong name (2022 Q4:
    Hull's E06000010 on 22 other authorities' rows), so the name is the stronger evidence:
      placeholder     is_placeholder rows (Unknown, N/A - Section 4 (pre-2018), …): no LAD
      code_and_name   the code (through the crosswalk) and the name agree; or the name is ambiguous
                      and the code picks one of its candidates
      name_over_code  the name identifies exactly one current LAD and the code points elsewhere
      name_only       the name identifies exactly one current LAD and the code is blank or unknown
      code_only       the name matches no LAD and the code is known
      unresolved      anything else (listed in quarantine.asylum_support_unresolved_geography)
    No row is dropped or duplicated: each input row joins to at most one name group, one crosswalk row
    and one (name, LAD) pair, all unique keys.
-#}
with

support as (

    select * from {{ ref('int_asylum_support_latest_release') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

series as (

    select * from {{ ref('int_lad_code_series') }}

),

name_lookup as (

    select * from {{ ref('int_lad_name_lookup') }}

),

name_groups as (

    select
        name_key,
        cast(count(*) as integer) as candidates,
        min(current_lad_code) as first_candidate,
        {{ dbt.listagg('current_lad_code', "', '", "order by current_lad_code") }} as candidate_codes
    from name_lookup
    group by name_key

),

keyed as (

    select
        support.*,
        {{ normalise_la_name('support.local_authority_name') }} as name_key,
        nullif(upper(trim(support.published_lad_code)), '') as lad_code_key
    from support

),

matched as (

    select
        keyed.*,
        coalesce(name_groups.candidates, 0) as name_candidates,
        name_groups.candidate_codes as name_candidate_codes,
        case when name_groups.candidates = 1 then name_groups.first_candidate end as name_lad_code,
        crosswalk.current_lad_code as code_lad_code,
        case
            when keyed.lad_code_key is null then 'blank'
            when crosswalk.gss_code is null then {{ lad_code_standing('keyed.lad_code_key') }}
            else crosswalk.code_status
        end as lad_code_status,
        series.entity as code_entity,
        series.newest_code as entity_newest_code,
        series.newest_vintage as spine_newest_vintage,
        code_among_candidates.current_lad_code is not null as code_is_name_candidate
    from keyed
    left join name_groups
        on keyed.name_key = name_groups.name_key
    left join crosswalk
        on keyed.lad_code_key = crosswalk.gss_code
    left join series
        on substr(keyed.lad_code_key, 1, 3) = series.entity
    left join name_lookup as code_among_candidates
        on keyed.name_key = code_among_candidates.name_key
        and crosswalk.current_lad_code = code_among_candidates.current_lad_code

),

decided as (

    select
        matched.*,
        case
            when coalesce(is_placeholder, false) then 'placeholder'
            when name_lad_code is not null and code_lad_code = name_lad_code then 'code_and_name'
            when name_lad_code is not null and code_lad_code is not null then 'name_over_code'
            when name_lad_code is not null then 'name_only'
            when name_candidates = 0 and code_lad_code is not null then 'code_only'
            when name_candidates > 1 and code_is_name_candidate then 'code_and_name'
            else 'unresolved'
        end as rekey_method
    from matched

),

described as (

    select
        decided.*,
        -- how the published code reads, for the notes
        case lad_code_status
            when 'blank' then 'no LAD code'
            when 'unknown' then 'LAD code ''' || published_lad_code || ''' is not a known GSS code'
            when 'unknown_newer_vintage' then 'LAD code ''' || published_lad_code || ''' is of a vintage newer than the geography spine knows'
            when 'current' then 'LAD code ' || lad_code_key
            when 'newer_vintage' then 'LAD code ' || lad_code_key || ' (a newer vintage''s code; on current geography ' || coalesce(code_lad_code, '?') || ')'
            else 'LAD code ' || lad_code_key || ' (replaced; now ' || coalesce(code_lad_code, '?') || ')'
        end as code_phrase,
        case
            when local_authority_name is null then 'blank name'
            else 'name ''' || local_authority_name || ''''
        end as name_phrase
    from decided

),

noted as (

    select
        described.*,
        case rekey_method
            when 'placeholder' then
                'Publisher placeholder row, not allocated to a local authority (' || name_phrase || ')'
            when 'code_and_name' then
                case
                    when name_candidates > 1 then
                        code_phrase || ' picks ' || code_lad_code || ' among the ' || cast(name_candidates as {{ dbt.type_string() }})
                        || ' local authorities that ' || name_phrase || ' matches (' || name_candidate_codes || ')'
                    else code_phrase || ' and ' || name_phrase || ' agree on ' || code_lad_code
                end
            when 'name_over_code' then
                name_phrase || ' identifies ' || name_lad_code || ' but ' || code_phrase
                || ' points to ' || code_lad_code || ': the name wins'
            when 'name_only' then
                name_phrase || ' identifies ' || name_lad_code || '; ' || code_phrase
            when 'code_only' then
                name_phrase || ' matches no local authority; ' || code_phrase || ' gives ' || code_lad_code
            else
                case
                    when name_candidates > 1 then
                        name_phrase || ' matches ' || cast(name_candidates as {{ dbt.type_string() }})
                        || ' local authorities (' || name_candidate_codes || ') and ' || code_phrase
                        || case when code_lad_code is not null then ' points to ' || code_lad_code || ', none of them' else '' end
                    else code_phrase || ' and ' || name_phrase || ' matches no local authority'
                end
        end as rekey_note_text
    from described

),

final as (

    select
        load_id,
        release,
        source_file,
        source_sha256,
        source_row_number,
        loaded_at,
        period_end,
        support_type,
        published_region,
        local_authority_name,
        published_lad_code,
        accommodation_type,
        is_placeholder,
        people,
        case
            when rekey_method in ('placeholder', 'unresolved') then cast(null as {{ dbt.type_string() }})
            when rekey_method in ('name_over_code', 'name_only') then name_lad_code
            else code_lad_code
        end as current_lad_code,
        rekey_method,
        upper(substr(rekey_note_text, 1, 1)) || substr(rekey_note_text, 2) as rekey_note,
        name_key,
        name_candidates,
        lad_code_status,
        code_entity,
        entity_newest_code,
        spine_newest_vintage
    from noted

)

select * from final
