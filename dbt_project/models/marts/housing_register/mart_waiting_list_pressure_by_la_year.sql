{#-
    Waiting-list pressure: households on the housing register at 1 April per 1,000 households (Census
    2021, TS054 via mart_community_profile_by_la), with the change on the year before and since 2015, for
    each current local authority and for England (the sum of the local authorities, which for
    2015-2024 equals MHCLG Live Table 600's England figure, and for 2025 differs by the known issues
    flagged in fct_waiting_list_by_la_year). Grain: area_code x reporting_year.
-#}
with

registers as (

    select * from {{ ref('fct_waiting_list_by_la_year') }}

),

profile as (

    select lad_code, households from {{ ref('mart_community_profile_by_la') }}

),

england_issues as (

    select period, official_value, issue
    from {{ ref('ref_known_data_issues') }}
    where source = 'mhclg_waiting_lists' and area_code = 'E92000001'

),

areas as (

    select
        'local_authority' as area_level,
        registers.lad_code as area_code,
        registers.lad_name as area_name,
        registers.reporting_year,
        registers.households_on_register,
        profile.households as households_2021,
        registers.known_issue
    from registers
    left join profile
        on registers.lad_code = profile.lad_code

    union all

    select
        'england' as area_level,
        'E92000001' as area_code,
        'England' as area_name,
        registers.reporting_year,
        sum(registers.households_on_register) as households_on_register,
        sum(profile.households) as households_2021,
        max(cast(england_issues.issue as {{ dbt.type_string() }})) as known_issue
    from registers
    left join profile
        on registers.lad_code = profile.lad_code
    left join england_issues
        on cast(registers.reporting_year as {{ dbt.type_string() }}) = cast(england_issues.period as {{ dbt.type_string() }})
    where registers.lad_code like 'E%'
    group by registers.reporting_year

)

select
    area_level || '|' || area_code || '|' || cast(reporting_year as {{ dbt.type_string() }}) as pressure_key,
    area_level,
    area_code,
    area_name,
    reporting_year,
    cast(households_on_register as bigint) as households_on_register,
    cast(households_2021 as bigint) as households_2021,
    {{ ratio('1000.0 * households_on_register', 'households_2021') }} as per_1000_households,
    cast(households_on_register - lag(households_on_register) over (
        partition by area_level, area_code order by reporting_year
    ) as bigint) as change_on_year_before,
    cast(households_on_register - first_value(households_on_register) over (
        partition by area_level, area_code order by reporting_year
    ) as bigint) as change_since_first_year,
    known_issue
from areas
