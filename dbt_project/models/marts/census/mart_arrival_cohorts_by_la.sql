{#-
    When the residents of each current district born outside the UK arrived (Census 2021 TS015, year
    of arrival in the UK), one row per district x arrival band, with the recent cohorts (arrived 2011
    to 2013, 2014 to 2016, 2017 to 2019, 2020 to 2021) flagged. TS015 is published for districts
    without country of birth, so cohorts are by district only: no loaded table crosses year of arrival
    with country of birth. Shares are of all usual residents and of those born outside the UK, both
    from TS015 itself (its total differs by a few from TS004's: independent perturbation).
-#}
with

cells as (

    select * from {{ ref('fct_census_cells_by_la') }}
    where table_code = 'TS015'

),

totals as (

    select
        lad_code,
        max(case when category_path = 'Total' then value end) as residents,
        max(case when category_path = 'Born in the UK' then value end) as born_in_uk
    from cells
    group by lad_code

),

bands as (

    select
        lad_code,
        lad_name,
        region_name,
        category_label as arrival_band,
        cast(
            case
                when category_label = 'Arrived before 1951' then null
                else substr(category_label, 9, 4)
            end as integer
        ) as arrived_from_year,
        cast(right(category_label, 4) as integer)
            - case when category_label = 'Arrived before 1951' then 1 else 0 end as arrived_to_year,
        value as residents,
        release as source_release
    from cells
    -- 'Arrived before 1951' or 'Arrived YYYY to YYYY': the years sit at fixed positions, which
    -- reads the same on DuckDB and PostgreSQL (no regexp_extract there); a label of any other
    -- shape fails the integer cast and so the build.
    where category_label like 'Arrived %'

)

select
    bands.lad_code,
    bands.lad_name,
    bands.region_name,
    bands.arrival_band,
    bands.arrived_from_year,
    bands.arrived_to_year,
    coalesce(bands.arrived_from_year >= 2011, false) as is_cohort_since_2011,
    bands.residents,
    totals.residents as all_residents,
    totals.residents - totals.born_in_uk as born_outside_uk,
    {{ ratio('bands.residents', 'totals.residents') }} as share_of_residents,
    {{ ratio('bands.residents', 'totals.residents - totals.born_in_uk') }} as share_of_born_outside_uk,
    'TS015' as source_table,
    bands.source_release
from bands
inner join totals
    on bands.lad_code = totals.lad_code
