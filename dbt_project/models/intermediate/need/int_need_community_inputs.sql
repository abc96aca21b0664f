{#-
    Everything the need model reads, one row per local authority (England and Wales, the census
    LAs) and community (a leaf of the country-of-birth hierarchy): the community's residents in
    2011 and 2021 and the population engine's growth terms (int_need_population_growth), the LA's
    households, foreign-born residents, tenure and overcrowding (Census 2021), its housing register
    (LAHS, latest year; or, where the council's own register extract is loaded, its live applications
    by community at the latest snapshot, and the row then says whether that extract is synthetic), its
    move-on duties a year (its own H-CLIC duties after leaving asylum support over the last four
    quarters, else the Home Office move-on estimate x its calibration), the affordability test's rents
    and earnings (int_need_la_affordability), and the community's share of recent asylum grants,
    nationally and reweighted by where it lives in the LA.
    A pair is kept when the community had at least 100 residents in the LA in 2021 or received at
    least 1% of the UK's initial grants in the last four quarters (docs/need-method.md, "Scope").
    Every input names its release, and `inputs` says them in words.
-#}
with

communities as (

    select
        community_key,
        community_name,
        world_region_key,
        case
            when eu_group_key = 'eu14' then 'eu14'
            when eu_group_key is not null then 'eu_accession'
            else 'non_eu'
        end as regime_group
    from {{ ref('dim_community') }}
    where community_type in ('country', 'country_group')
        and world_region_key is not null

),

residents as (

    select
        lad_code,
        community_key,
        sum(case when census_year = 2011 then residents end) as residents_2011,
        sum(case when census_year = 2021 then residents end) as residents_2021,
        max(case when census_year = 2011 then source_release end) as release_2011,
        max(case when census_year = 2021 then source_release end) as release_2021,
        max(case when census_year = 2021 then census_date end) as census_date
    from {{ ref('fct_residents_by_country_of_birth') }}
    group by lad_code, community_key

),

profile as (

    select * from {{ ref('mart_community_profile_by_la') }}
    where households > 0

),

base as (

    -- the latest quarter the Home Office published: the estimates start here
    select max(period_end) as base_date, max(release) as asylum_release
    from {{ ref('fct_asylum_support_by_la_quarter') }}

),

register_year as (

    select max(reporting_year) as reporting_year, max(release) as register_release
    from {{ ref('fct_waiting_list_by_la_year') }}

),

register as (

    select lad_code, households_on_register
    from {{ ref('fct_waiting_list_by_la_year') }}
    where reporting_year = (select reporting_year from register_year)

),

move_on_quarters as (

    select distinct period_end from {{ ref('mart_move_on_pressure_by_la_quarter') }}
    order by period_end desc
    limit 4

),

move_on as (

    select lad_code, sum(estimated_households_central order by period_end) as move_on_households_per_year
    from {{ ref('mart_move_on_pressure_by_la_quarter') }}
    where period_end in (select period_end from move_on_quarters)
    group by lad_code

),

calibration as (

    select lad_code, observed_to_estimate_ratio
    from {{ ref('mart_move_on_calibration_by_la') }}
    where observed_to_estimate_ratio is not null

),

national_calibration as (

    select percentile_cont(0.5) within group (order by observed_to_estimate_ratio) as median_ratio
    from calibration

),

homeless_quarter as (

    select max(period_end) as period_end
    from {{ ref('fct_homelessness_asylum_support_by_la_quarter') }}
    where duty = 'prevention_or_relief' and is_reported

),

homeless as (

    select lad_code, households_asylum_support
    from {{ ref('fct_homelessness_asylum_support_by_la_quarter') }}
    where duty = 'prevention_or_relief'
        and period_end = (select period_end from homeless_quarter)

),

homeless_quarters as (

    select distinct period_end
    from {{ ref('fct_homelessness_asylum_support_by_la_quarter') }}
    where duty = 'prevention_or_relief' and is_reported
    order by period_end desc
    limit 4

),

homeless_year as (

    -- households owed a duty after leaving asylum support over the last four quarters, where the LA
    -- reported all four: the move-on backtest's best forecast of the next year (docs/backtest.md)
    select lad_code, sum(households_asylum_support) as households
    from {{ ref('fct_homelessness_asylum_support_by_la_quarter') }}
    where duty = 'prevention_or_relief'
        and period_end in (select period_end from homeless_quarters)
        and is_reported
    group by lad_code
    having count(distinct period_end) = 4

),

register_snapshots as (

    select lad_code, max(snapshot_date) as snapshot_date
    from {{ ref('int_register_applications') }}
    group by lad_code

),

register_extract as (

    -- a council's own register (optional): live applications by community at its latest snapshot
    select
        applications.lad_code,
        applications.community_key,
        count(*) filter (where applications.is_live) as live_applications,
        max(applications.snapshot_date) as snapshot_date,
        bool_or(applications.is_synthetic) as is_synthetic
    from {{ ref('int_register_applications') }} as applications
    inner join register_snapshots
        on register_snapshots.lad_code = applications.lad_code
        and register_snapshots.snapshot_date = applications.snapshot_date
    group by applications.lad_code, applications.community_key

),

register_councils as (

    select lad_code, max(snapshot_date) as snapshot_date, bool_or(is_synthetic) as is_synthetic
    from register_extract
    group by lad_code

),

grant_quarters as (

    select distinct period_end from {{ ref('fct_initial_decisions_by_nationality_quarter') }}
    order by period_end desc
    limit 4

),

grants as (

    -- a nationality the census names is that community; the others go to their Home Office
    -- region's census group (ref_home_office_regions_to_communities); "Other" (stateless,
    -- refugee, unknown) to none, so the shares sum to the mapped grants
    select
        coalesce(named.community_key, by_region.community_key) as community_key,
        sum(decisions.grants) as grants,
        sum(decisions.decisions_on_merits) as decisions_on_merits
    from {{ ref('fct_initial_decisions_by_nationality_quarter') }} as decisions
    left join communities as named
        on lower(named.community_name) = lower(decisions.nationality)
    left join {{ ref('ref_home_office_regions_to_communities') }} as by_region
        on by_region.home_office_world_region = decisions.world_region
    where decisions.period_end in (select period_end from grant_quarters)
    group by coalesce(named.community_key, by_region.community_key)

),

grant_shares as (

    select
        community_key,
        cast(grants as double precision) / nullif(sum(grants) over (), 0) as grant_share,
        cast(grants as double precision) / nullif(decisions_on_merits, 0) as grant_rate
    from grants
    where community_key is not null

),

national_residents as (

    select community_key, sum(residents_2021) as residents_2021, count(*) as local_authorities
    from residents
    where residents_2021 > 0
    group by community_key

),

pairs as (

    select
        profile.lad_code,
        communities.community_key,
        communities.community_name,
        communities.world_region_key,
        communities.regime_group,
        coalesce(residents.residents_2021, 0) as residents_2021,
        residents.residents_2011,
        residents.release_2011,
        residents.release_2021,
        residents.census_date,
        coalesce(grant_shares.grant_share, 0) as asylum_grant_share,
        grant_shares.grant_rate as asylum_grant_rate
    from profile
    cross join communities
    left join residents
        on residents.lad_code = profile.lad_code
        and residents.community_key = communities.community_key
    left join grant_shares on grant_shares.community_key = communities.community_key
    where coalesce(residents.residents_2021, 0) >= 100
        or coalesce(grant_shares.grant_share, 0) >= 0.01

)

select
    pairs.lad_code || '|' || pairs.community_key as pair_key,
    pairs.lad_code,
    profile.lad_name,
    profile.region_name,
    pairs.community_key,
    pairs.community_name,
    pairs.world_region_key,
    pairs.regime_group,
    cast(pairs.residents_2011 as double precision) as residents_2011,
    cast(pairs.residents_2021 as double precision) as residents_2021,
    -- the population engine's growth terms (int_need_population_growth); a pair with no residents in
    -- 2021 (an asylum community new to the LA) has none and stays at 0 residents
    coalesce(growth.national_growth, 0) as national_growth,
    coalesce(growth.national_growth_basis, 'no residents in 2021') as national_growth_basis,
    coalesce(growth.relative_growth, 0) as relative_growth,
    coalesce(growth.evidence_weight, 0) as evidence_weight,
    coalesce(growth.internal_migration_rate, 0) as internal_migration_rate,
    coalesce(growth.sigma, 0) as population_sigma,
    coalesce(growth.tau, 0) as population_tau,
    cast(dense_rank() over (order by pairs.community_key) as integer) as community_index,
    cast(row_number() over (order by pairs.lad_code, pairs.community_key) as integer) as pair_index,
    -- net change a year 2011-2021: identified by the two censuses where both name the community; for a
    -- community the 2011 census did not name, its residents of 2021 who arrived 2011-2021 (the LA's
    -- TS015 share), an upper bound of its net change (docs/need-method.md, "Population")
    cast(case
        when pairs.residents_2011 is not null then (pairs.residents_2021 - pairs.residents_2011) / 10.0
        else pairs.residents_2021 * coalesce(profile.arrived_2011_to_2021_share_of_born_outside_uk, 0) / 10.0
    end as double precision) as net_change_per_year,
    case when pairs.residents_2011 is not null then 'census 2011 and 2021'
        else 'census 2021 arrivals 2011-2021 (not named in 2011)' end as net_change_basis,
    cast(coalesce(national_residents.residents_2021, 0) as double precision) as community_residents_2021_england_and_wales,
    cast(national_residents.local_authorities as double precision) as community_local_authorities,
    cast(profile.arrived_2011_to_2021_share_of_born_outside_uk as double precision)
        as la_arrived_2011_to_2021_share,
    cast(profile.residents_2021 as double precision) as la_residents_2021,
    cast(profile.households as double precision) as la_households_2021,
    cast(profile.born_outside_uk_2021 as double precision) as la_born_outside_uk_2021,
    cast(profile.overcrowded_households as double precision) as la_overcrowded_households_2021,
    cast(profile.occupancy_households as double precision) as la_occupancy_households_2021,
    cast(affordability.lower_quartile_annual_rent as double precision) as la_lower_quartile_annual_rent,
    cast(affordability.median_annual_earnings as double precision) as la_median_annual_earnings,
    cast(affordability.earnings_log_sigma as double precision) as la_earnings_log_sigma,
    affordability.affordability_basis as la_affordability_basis,
    cast(profile.social_rented as double precision) as la_social_rented_2021,
    cast(profile.social_rented_share as double precision) as la_social_rented_share,
    cast(profile.overcrowded_share as double precision) as la_overcrowded_share,
    cast(register.households_on_register as double precision) as la_register_households,
    cast(coalesce(move_on.move_on_households_per_year, 0) as double precision) as la_move_on_households_per_year,
    cast(coalesce(calibration.observed_to_estimate_ratio, national_calibration.median_ratio, 1) as double precision)
        as move_on_calibration_ratio,
    calibration.observed_to_estimate_ratio is not null as is_move_on_calibrated_locally,
    cast(homeless.households_asylum_support as double precision) as la_homeless_after_asylum_support,
    -- move-on households a year that reach the council: the LA's own H-CLIC duties of the last four
    -- quarters where it reported them all, else the move-on estimate x its calibration ratio
    cast(coalesce(
        homeless_year.households,
        coalesce(move_on.move_on_households_per_year, 0)
            * coalesce(calibration.observed_to_estimate_ratio, national_calibration.median_ratio, 1)
    ) * {{ scenario_move_on_factor('pairs.lad_code') }} as double precision) as la_move_on_duties_per_year,
    -- a what-if scenario's factor on the pair's growth rate over the horizon (1: published; docs/scenarios.md)
    {{ scenario_growth_factor("pairs.lad_code || '|' || pairs.community_key") }} as scenario_growth_factor,
    -- the community's initial grant rate over the four quarters (grants / decisions on merits), and a
    -- what-if scenario's factor on its move-on (a new grant rate / this one; 1: published)
    cast(pairs.asylum_grant_rate as double precision) as asylum_grant_rate,
    {{ scenario_grant_factor('pairs.community_key') }} as scenario_grant_factor,
    case when homeless_year.households is not null
        then 'H-CLIC duties after leaving asylum support, last four quarters'
        else 'move-on estimate x calibration (H-CLIC not reported in all of the last four quarters)'
    end as move_on_basis,
    register_councils.lad_code is not null as la_has_register_extract,
    cast(case when register_councils.lad_code is not null then coalesce(register_extract.live_applications, 0) end
        as double precision) as register_extract_households,
    cast(pairs.asylum_grant_share as double precision) as asylum_grant_share,
    -- grant shares reweighted by the LA's share of each community's residents (normalised in the LA):
    -- where people move on to; mixed with the national shares by move_on_local_weight
    cast(coalesce(
        pairs.asylum_grant_share * pairs.residents_2021 / nullif(national_residents.residents_2021, 0)
        / nullif(sum(pairs.asylum_grant_share * pairs.residents_2021 / nullif(national_residents.residents_2021, 0))
            over (partition by pairs.lad_code order by pairs.community_key
                rows between unbounded preceding and unbounded following), 0),
        pairs.asylum_grant_share
    ) as double precision) as asylum_local_grant_share,
    coalesce(pairs.census_date, cast('2021-03-21' as date)) as census_date,
    base.base_date,
    cast(
        (extract(year from base.base_date) * 12 + extract(month from base.base_date))
        - (extract(year from coalesce(pairs.census_date, cast('2021-03-21' as date))) * 12
            + extract(month from coalesce(pairs.census_date, cast('2021-03-21' as date))))
        as double precision
    ) / 12.0 as years_census_to_base,
    'Census 2011 QS203EW (' || coalesce(pairs.release_2011, 'not published for this community: '
        || 'estimated from TS015 arrivals') || '); Census 2021 TS012 (' || coalesce(pairs.release_2021, 'none')
        || '), TS054 tenure, TS052 occupancy, TS015 arrivals; Home Office Asy_D11 to '
        || coalesce(cast(base.base_date as varchar), 'none') || ' (release ' || coalesce(base.asylum_release, 'none') || ')'
        || coalesce(', asylum decisions: grants of the 4 quarters to '
            || cast((select max(period_end) from grant_quarters) as varchar), ', asylum decisions: not loaded')
        || coalesce('; MHCLG H-CLIC to ' || cast((select period_end from homeless_quarter) as varchar)
            || case when homeless.households_asylum_support is null then ' (not reported by this LA)' else '' end,
            '; MHCLG H-CLIC: not loaded')
        || coalesce('; LAHS waiting list ' || cast(register_year.reporting_year as varchar)
            || ' (release ' || register_year.register_release || ')'
            || case when register.households_on_register is null then ' (not reported by this LA)' else '' end,
            '; LAHS waiting list: not loaded')
        || '; affordability: VOA private rents ' || coalesce(affordability.rent_period, 'none')
            || ', ONS residence-based earnings ' || coalesce(cast(affordability.earnings_year as varchar), 'none')
            || case when affordability.affordability_basis <> 'published rents and earnings'
                then ' (' || affordability.affordability_basis || ')' else '' end
        || '; migration regimes: ONS Annual Population Survey, country of birth, 2015/16-2020/21'
        || case when calibration.observed_to_estimate_ratio is null and national_calibration.median_ratio is null
            then '; move-on not calibrated (no H-CLIC figures): ratio 1' else '' end
        || coalesce('; council housing register extract at ' || cast(register_councils.snapshot_date as varchar)
            || case when register_councils.is_synthetic then ' (SYNTHETIC)' else '' end
            || ' (register households by nationality, in place of the LAHS share)', '')
        as inputs,
    case when register_councils.is_synthetic
        then 'council housing register extract (SYNTHETIC, generated, not real people): the register households'
    end as synthetic_inputs
from pairs
inner join profile on profile.lad_code = pairs.lad_code
cross join base
cross join register_year
cross join national_calibration
left join register on register.lad_code = pairs.lad_code
left join move_on on move_on.lad_code = pairs.lad_code
left join calibration on calibration.lad_code = pairs.lad_code
left join homeless on homeless.lad_code = pairs.lad_code
left join homeless_year on homeless_year.lad_code = pairs.lad_code
left join register_councils on register_councils.lad_code = pairs.lad_code
left join national_residents on national_residents.community_key = pairs.community_key
left join {{ ref('int_need_population_growth') }} as growth
    on growth.lad_code = pairs.lad_code and growth.community_key = pairs.community_key
left join {{ ref('int_need_la_affordability') }} as affordability on affordability.lad_code = pairs.lad_code
left join register_extract
    on register_extract.lad_code = pairs.lad_code
    and register_extract.community_key = pairs.community_key
