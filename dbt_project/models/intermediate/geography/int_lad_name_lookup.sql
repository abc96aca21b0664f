{#-
    Name → current LAD lookup for sources that identify local authorities by name (or by a name and a
    code that may disagree). One row per (name_key, current_lad_code).
    Names come from: mySociety official and nice names of current LADs; the same for former LADs
    (mapped to their current successor through the crosswalk); every ONS LAD name 2016–2024 (geographr);
    and the curated aliases seed (publisher typos, renamed authorities).
    `candidates` = how many distinct current LADs share the key: 1 = the name identifies one LAD.
-#}
with

authorities as (

    select * from {{ ref('stg_reference__mysociety_local_authorities') }}

),

vintages as (

    select * from {{ ref('stg_reference__geographr_lad_vintages') }}

),

aliases as (

    select * from {{ ref('stg_reference__lad_name_aliases') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

lad_authorities as (

    select * from authorities
    where is_lower_tier_or_unitary and gss_code is not null

),

names as (

    select
        official_name as source_name,
        gss_code,
        case when is_current then 'official_name' else 'former_official_name' end as name_source
    from lad_authorities

    union all

    select
        nice_name,
        gss_code,
        case when is_current then 'nice_name' else 'former_nice_name' end
    from lad_authorities

    {%- for yy in range(16, 25) %}

    union all

    select lad{{ yy }}_name, lad{{ yy }}_code, 'ons_lad_name'
    from vintages
    {%- endfor %}

    union all

    select alias, lad_code, 'alias'
    from aliases

),

keyed as (

    select distinct
        {{ normalise_la_name('names.source_name') }} as name_key,
        crosswalk.current_lad_code,
        names.source_name,
        names.name_source
    from names
    inner join crosswalk
        on names.gss_code = crosswalk.gss_code
    where names.source_name is not null

),

distinct_sources as (

    select distinct name_key, current_lad_code, name_source
    from keyed

),

distinct_names as (

    select distinct name_key, current_lad_code, source_name
    from keyed

),

pairs as (

    select
        distinct_sources.name_key,
        distinct_sources.current_lad_code,
        {{ dbt.listagg('distinct_sources.name_source', "', '", "order by distinct_sources.name_source") }} as name_sources
    from distinct_sources
    group by distinct_sources.name_key, distinct_sources.current_lad_code

),

pair_names as (

    select
        name_key,
        current_lad_code,
        {{ dbt.listagg('source_name', "' | '", "order by source_name") }} as source_names
    from distinct_names
    group by name_key, current_lad_code

),

final as (

    select
        pairs.name_key,
        pairs.current_lad_code,
        cast(count(*) over (partition by pairs.name_key) as integer) as candidates,
        pair_names.source_names,
        pairs.name_sources
    from pairs
    inner join pair_names
        on pairs.name_key = pair_names.name_key
        and pairs.current_lad_code = pair_names.current_lad_code
    where pairs.name_key is not null

)

select * from final
