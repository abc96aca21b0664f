{#-
    Every GSS local-authority-district code the reference files know (2009 onward), resolved to the
    current (LAD 2024) code it maps into.

    Edges (old code → successor code), in order of precedence:
      1. mySociety `replaced-by`: abolished districts/unitaries → their successor authority
         (e.g. E07000154 Northampton → E06000062 West Northamptonshire on 2021-04-01;
         E07000190 Taunton Deane → E07000246 Somerset West and Taunton (2019) → E06000066 Somerset (2023)).
         replaced_on = the successor's start date (vesting day); mySociety's end-date is used only if the
         successor has none (its end-dates mix "last day" and "vesting day" conventions).
      2. mySociety former GSS codes of a continuing authority (boundary recodings such as
         E08000020 → E08000037 Gateshead, E06000048 → E06000057 Northumberland). No date in any source,
         so replaced_on is null for these.
      3. ONS vintage chains 2016–2024 (geographr), for codes mySociety does not place. Where a chain fans
         out (Fife / Perth and Kinross 2017 → 2018), the successor with the same name wins; and the
         dated code changes of later vintages (ref_lad_code_changes: 2025 onward), once the
         warehouse's current geography (mySociety's current authorities) carries the new code.
    Codes of a vintage newer than the warehouse's current geography (ref_lad_code_changes, e.g.
    E08000038 Barnsley from 2025-04-01, while the current set still has E08000016) map back onto the
    current code they succeed: code_status 'newer_vintage', introduced_on the change's date.
    Chains are followed to the end with a recursive CTE (hops = number of edges).
-#}
with recursive

authorities as (

    select * from {{ ref('stg_reference__mysociety_local_authorities') }}

),

registry as (

    select * from {{ ref('stg_reference__mysociety_gss_to_registry') }}

),

vintages as (

    select * from {{ ref('stg_reference__geographr_lad_vintages') }}

),

code_changes as (

    -- dated code changes of the vintages after the geographr chains (2025 onward)
    select * from {{ ref('stg_reference__lad_code_changes') }}

),

lad_authorities as (

    -- lower-tier districts and unitary authorities (LADs), current and former, that have a GSS code
    select * from authorities
    where is_lower_tier_or_unitary and gss_code is not null

),

current_lads as (

    select gss_code, nice_name as lad_name
    from lad_authorities
    where is_current

),

abolition_edges as (

    select
        abolished.gss_code as from_code,
        successor.gss_code as to_code,
        coalesce(successor.start_date, abolished.end_date) as replaced_on,
        1 as edge_priority,
        'mysociety_replaced_by' as change_source
    from lad_authorities as abolished
    inner join authorities as successor
        on abolished.replaced_by_registry_codes = successor.registry_code
    where not abolished.is_current

),

recoding_edges as (

    select
        registry.gss_code as from_code,
        lad_authorities.gss_code as to_code,
        cast(null as date) as replaced_on,
        2 as edge_priority,
        'mysociety_former_gss_code' as change_source
    from registry
    inner join lad_authorities
        on registry.registry_code = lad_authorities.registry_code
    where registry.gss_code <> lad_authorities.gss_code

),

vintage_pairs as (

    {%- for yy in range(16, 24) %}
    select
        lad{{ yy }}_code as from_code,
        lad{{ yy }}_name as from_name,
        lad{{ yy + 1 }}_code as to_code,
        lad{{ yy + 1 }}_name as to_name
    from vintages
    where lad{{ yy }}_code <> lad{{ yy + 1 }}_code
    {{ "union all" if not loop.last }}
    {%- endfor %}

),

vintage_edges as (

    select distinct
        from_code,
        to_code,
        cast(null as date) as replaced_on,
        case when from_name = to_name then 3 else 4 end as edge_priority,
        'ons_lad_vintages' as change_source
    from vintage_pairs

),

change_edges as (

    -- a later vintage's new code, once it is current; until then the old (current) code never moves
    -- on and the new code maps back onto it (successor_edges)
    select
        replaces_code as from_code,
        lad_code as to_code,
        effective_from as replaced_on,
        3 as edge_priority,
        'ons_code_changes' as change_source
    from code_changes

),

successor_edges as (

    -- a code of a vintage the warehouse's current geography does not have yet → the code it succeeds
    select
        lad_code as from_code,
        replaces_code as to_code,
        cast(null as date) as replaced_on,
        0 as edge_priority,
        'ons_code_changes_successor' as change_source
    from code_changes
    where lad_code not in (select gss_code from current_lads)

),

all_edges as (

    select * from abolition_edges
    union all
    select * from recoding_edges
    union all
    select * from vintage_edges
    union all
    select * from change_edges
    union all
    select * from successor_edges

),

ranked_edges as (

    select
        all_edges.*,
        row_number() over (
            partition by from_code
            order by edge_priority, to_code
        ) as edge_rank
    from all_edges
    -- a current code never moves on
    where from_code not in (select gss_code from current_lads)

),

edges as (

    select from_code, to_code, replaced_on, change_source
    from ranked_edges
    where edge_rank = 1

),

vintage_codes as (

    {%- for yy in range(16, 25) %}
    select lad{{ yy }}_code as gss_code, lad{{ yy }}_name as lad_name, {{ 2000 + yy }} as vintage from vintages
    union all
    {%- endfor %}
    select lad_code as gss_code, lad_name, vintage from code_changes

),

newest_vintage as (

    select max(vintage) as vintage from vintage_codes

),

last_vintages as (

    -- the last vintage a code is in: a code of the newest geographr vintage (2024) or of a later change
    -- continues into the newest vintage known unless a later change replaces it
    select
        listed.gss_code,
        case
            when listed.vintage < 2024 then listed.vintage
            when replacement.vintage is not null then replacement.vintage - 1
            else (select vintage from newest_vintage)
        end as last_ons_vintage
    from (select gss_code, max(vintage) as vintage from vintage_codes group by gss_code) as listed
    left join (
        select replaces_code, min(vintage) as vintage from code_changes group by replaces_code
    ) as replacement
        on listed.gss_code = replacement.replaces_code
        and replacement.vintage > listed.vintage

),

all_codes as (

    select gss_code from lad_authorities
    union
    select from_code from edges
    union
    select to_code from edges
    union
    select gss_code from vintage_codes

),

chains (gss_code, reached_code, hops) as (

    select
        cast(gss_code as {{ dbt.type_string() }}),
        cast(gss_code as {{ dbt.type_string() }}),
        0
    from all_codes

    union all

    select
        chains.gss_code,
        cast(edges.to_code as {{ dbt.type_string() }}),
        chains.hops + 1
    from chains
    inner join edges
        on chains.reached_code = edges.from_code
    where chains.hops < 10

),

resolved as (

    select
        gss_code,
        reached_code,
        hops,
        row_number() over (partition by gss_code order by hops desc) as depth_rank
    from chains

),

code_names as (

    -- the name the code stood for: mySociety's, else the latest ONS vintage name
    -- (for a former code of a continuing authority, the authority's name)
    select
        all_codes.gss_code,
        coalesce(
            max(lad_authorities.nice_name),
            max(registered_authority.nice_name),
            max(latest_vintage.lad_name)
        ) as lad_name,
        max(last_vintages.last_ons_vintage) as last_ons_vintage,
        max(introduced.effective_from) as introduced_on
    from all_codes
    left join lad_authorities
        on all_codes.gss_code = lad_authorities.gss_code
    left join registry
        on all_codes.gss_code = registry.gss_code
    left join lad_authorities as registered_authority
        on registry.registry_code = registered_authority.registry_code
    left join vintage_codes as latest_vintage
        on all_codes.gss_code = latest_vintage.gss_code
    left join last_vintages
        on all_codes.gss_code = last_vintages.gss_code
    left join code_changes as introduced
        on all_codes.gss_code = introduced.lad_code
    group by all_codes.gss_code

),

final as (

    select
        resolved.gss_code,
        code_names.lad_name,
        reached_current.gss_code as current_lad_code,
        case
            when is_current.gss_code is not null then 'current'
            when edges.change_source = 'ons_code_changes_successor' then 'newer_vintage'
            else 'replaced'
        end as code_status,
        edges.replaced_on,
        cast(resolved.hops as integer) as hops,
        edges.change_source,
        code_names.last_ons_vintage,
        code_names.introduced_on
    from resolved
    left join current_lads as reached_current
        on resolved.reached_code = reached_current.gss_code
    left join current_lads as is_current
        on resolved.gss_code = is_current.gss_code
    left join edges
        on resolved.gss_code = edges.from_code
    left join code_names
        on resolved.gss_code = code_names.gss_code
    where resolved.depth_rank = 1

)

select * from final
