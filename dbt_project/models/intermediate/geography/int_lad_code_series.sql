{#-
    Per GSS entity of local-authority districts (E06 unitary, E07 non-metropolitan district, E08
    metropolitan district, E09 London borough, W06 Welsh, S12 Scottish, N09 Northern Irish), the newest
    code the spine knows (int_lad_code_crosswalk, to the newest vintage of ref_lad_code_changes). ONS
    issues the codes of an entity in sequence, so an unknown code just after the newest one
    (up to var gss_new_code_window numbers on) is a valid code of a vintage the spine does not know
    yet, not a mistake: macros/lad_code_standing.sql tells them apart for the quarantine reasons.
-#}
with

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

series as (

    select
        substr(gss_code, 1, 3) as entity,
        max(gss_code) as newest_code,
        max(last_ons_vintage) as newest_vintage
    from crosswalk
    where substr(gss_code, 1, 3) in ('E06', 'E07', 'E08', 'E09', 'W06', 'S12', 'N09')
    group by substr(gss_code, 1, 3)

)

select
    cast(entity as {{ dbt.type_string() }}) as entity,
    cast(newest_code as {{ dbt.type_string() }}) as newest_code,
    cast(
        entity || lpad(cast(cast(substr(newest_code, 4) as integer) + {{ var('gss_new_code_window', 50) }} as {{ dbt.type_string() }}), 6, '0')
        as {{ dbt.type_string() }}
    ) as newest_plausible_code,
    cast(newest_vintage as integer) as newest_vintage
from series
