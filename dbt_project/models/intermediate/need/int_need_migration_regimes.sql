{#-
    The migration scenarios of the need model as flow regimes the data show, per regime group (EU14,
    the EU accession countries, the rest of the world): the group's net change of residents a year in
    England and Wales in each period, and its ratio to the 2011-2021 census decade (the `factor` a
    growing community's own 2011-2021 net change is scaled by; docs/need-method.md, "Migration regimes").

      census decade        d  = (C2021 - C2011) / 10              Census 2011 QS203EW, 2021 TS012
      2016-2019            r1 = (APS Jul18-Jun19 - APS Jul15-Jun16) / 3 x L    Annual Population Survey
      the rest of 2011-21  r2 = (10 d - 3 r1) / 7                  (2011-2016 and 2019-2021, implied)

    L = C2021 / APS Jul18-Jun19 scales the survey's change to census levels (the APS leaves out most
    communal establishments and finds fewer recent migrants). The APS editions after June 2019 are not
    used for a rate: the pandemic reweighting of 2020-2021 moved EU-born estimates by more than the
    change being measured (the EU2-born 2021 estimate is 58% of the census count).
    Scenarios: central = 2016-2019, the flows since the referendum and before the pandemic; low and
    high = the lowest and highest of d, r1 and r2. One row per group and scenario. A what-if scenario
    sets a group's factor in every scenario (macro scenario_regime_factor; docs/scenarios.md); base_factor
    keeps the published one.
-#}
with

census as (

    select
        census_year,
        sum(case when community_key = 'eu14' then residents end) as eu14,
        sum(case when community_key in ('eu_accession_2001_2011', 'eu_accession_2011_2021') then residents end)
            as eu_accession,
        sum(case when community_key = 'all_residents' then residents when community_key = 'born_uk' then -residents end)
            as outside_uk
    from {{ ref('fct_residents_by_country_of_birth') }}
    where community_key in ('eu14', 'eu_accession_2001_2011', 'eu_accession_2011_2021', 'all_residents', 'born_uk')
    group by census_year

),

census_groups as (

    select census_year, 'eu14' as regime_group, eu14 as residents from census
    union all
    select census_year, 'eu_accession', eu_accession from census
    union all
    select census_year, 'non_eu', outside_uk - eu14 - eu_accession from census

),

decade as (

    select
        regime_group,
        sum(case when census_year = 2021 then residents end) as census_2021,
        cast(sum(case when census_year = 2021 then residents else -residents end) as double precision) / 10
            as decade_annual
    from census_groups
    group by regime_group

),

aps as (

    select
        extract(year from period_end) as survey_year,
        case
            when birth_group = 'eu14' then 'eu14'
            when birth_group in ('eu8', 'eu2', 'eu_other') then 'eu_accession'
            else 'non_eu'
        end as regime_group,
        population
    from {{ ref('ref_ons_aps_population_by_birth_group') }}
    where geography_code = 'K04000001'
        and birth_group in ('eu14', 'eu8', 'eu2', 'eu_other', 'non_eu')

),

aps_years as (

    select
        regime_group,
        sum(case when survey_year = 2016 then population end) as aps_2016,
        sum(case when survey_year = 2019 then population end) as aps_2019
    from aps
    group by regime_group

),

rates as (

    select
        decade.regime_group,
        decade.decade_annual,
        cast(decade.census_2021 as double precision) / aps_years.aps_2019 as survey_scale,
        cast(aps_years.aps_2019 - aps_years.aps_2016 as double precision) / 3
            * decade.census_2021 / aps_years.aps_2019 as annual_2016_2019
    from decade
    inner join aps_years on aps_years.regime_group = decade.regime_group

),

regimes as (

    select regime_group, 'census 2011-2021' as regime, decade_annual as annual_net_change from rates
    union all
    select regime_group, '2016-2019', annual_2016_2019 from rates
    union all
    select regime_group, '2011-2016 and 2019-2021 (implied)', (10 * decade_annual - 3 * annual_2016_2019) / 7
    from rates

),

ranked as (

    select
        regimes.*,
        row_number() over (partition by regime_group order by annual_net_change, regime) as from_lowest,
        row_number() over (partition by regime_group order by annual_net_change desc, regime) as from_highest
    from regimes

),

scenarios as (

    select regime_group, 'low' as scenario, regime, annual_net_change from ranked where from_lowest = 1
    union all
    select regime_group, 'central', regime, annual_net_change from ranked where regime = '2016-2019'
    union all
    select regime_group, 'high', regime, annual_net_change from ranked where from_highest = 1

)

select
    scenarios.regime_group || '|' || scenarios.scenario as regime_key,
    scenarios.regime_group,
    scenarios.scenario,
    scenarios.regime,
    cast(scenarios.annual_net_change as double precision) as annual_net_change,
    cast({{ scenario_regime_factor('scenarios.regime_group', 'scenarios.annual_net_change / nullif(rates.decade_annual, 0)') }}
        as double precision) as factor,
    -- the published factor: growth from census day to the base quarter is history, which no scenario changes
    cast(scenarios.annual_net_change / nullif(rates.decade_annual, 0) as double precision) as base_factor,
    cast(rates.decade_annual as double precision) as census_decade_annual_net_change,
    cast(rates.annual_2016_2019 as double precision) as survey_2016_2019_annual_net_change,
    cast((10 * rates.decade_annual - 3 * rates.annual_2016_2019) / 7 as double precision)
        as implied_rest_of_decade_annual_net_change,
    cast(rates.survey_scale as double precision) as survey_scale
from scenarios
inner join rates on rates.regime_group = scenarios.regime_group
