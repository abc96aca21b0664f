{#-
    People arriving under a resettlement scheme, by quarter, current local authority and scheme (Home
    Office resettlement by local authority), newest release per quarter, with the scheme family.
    Quarters in which an LA received nobody under a scheme have no row (the publisher omits them; they
    are zeros, not gaps). The publisher's "Unknown" local authority is kept with a null lad_code
    (is_allocated = false) so national totals stay complete; rows whose code cannot be placed are in
    quarantine.resettlement_unresolved_geography instead.
-#}
with

rekeyed as (

    select * from {{ ref('int_resettlement_rekeyed_to_current_lad') }}
    where rekey_method <> 'unresolved'

),

local_authorities as (

    select * from {{ ref('dim_local_authority') }}

),

aggregated as (

    -- Two predecessor districts of one current LA in the same quarter sum at the grain.
    select
        period_end,
        current_lad_code as lad_code,
        scheme,
        scheme_key,
        scheme_family,
        scheme_family_label,
        is_community_sponsorship,
        sum(persons) as persons,
        count(*) as source_rows,
        max(load_id) as load_id,
        max(release) as release
    from rekeyed
    group by 1, 2, 3, 4, 5, 6, 7

)

select
    cast(aggregated.period_end as {{ dbt.type_string() }})
    || '|' || coalesce(aggregated.lad_code, 'unallocated')
    || '|' || coalesce(aggregated.scheme_key, aggregated.scheme) as arrival_key,
    aggregated.period_end,
    {{ quarter_label('aggregated.period_end') }} as quarter_label,
    aggregated.lad_code,
    coalesce(local_authorities.lad_name, 'Unknown (not allocated by the publisher)') as lad_name,
    coalesce(local_authorities.region_name, 'Not allocated to a local authority') as region_name,
    local_authorities.nation,
    aggregated.scheme,
    aggregated.scheme_key,
    aggregated.scheme_family,
    aggregated.scheme_family_label,
    aggregated.is_community_sponsorship,
    cast(aggregated.persons as bigint) as persons,
    aggregated.lad_code is not null as is_allocated,
    cast(aggregated.source_rows as bigint) as source_rows,
    aggregated.load_id,
    aggregated.release
from aggregated
left join local_authorities
    on aggregated.lad_code = local_authorities.lad_code
