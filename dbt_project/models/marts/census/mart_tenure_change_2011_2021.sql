{#-
    How each current district's households are housed, 2011 (QS405EW) against 2021 (TS054), by the
    five tenures both censuses publish (owned, shared ownership, social rented, private rented, rent
    free) and all households. One row per district x tenure. 2011 districts are summed into today's
    (int_census_cells_by_lad), so merged districts compare like with like. The two censuses name the
    tenures slightly differently ("Living rent free" / "Lives rent free"; QS405EW's shared ownership
    adds "(part owned and part rented)"); the categories are the same.
-#}
with

cells as (

    select * from {{ ref('fct_census_cells_by_la') }}
    where (table_code = 'QS405EW' and census_year = 2011) or (table_code = 'TS054' and census_year = 2021)

),

tenures as (

    select
        lad_code,
        lad_name,
        region_name,
        census_year,
        case
            when category_path = 'Total' then 'all_households'
            when category_path = 'Owned' then 'owned'
            when category_path like 'Shared ownership%' then 'shared_ownership'
            when category_path = 'Social rented' then 'social_rented'
            when category_path = 'Private rented' then 'private_rented'
            when category_path in ('Living rent free', 'Lives rent free') then 'rent_free'
        end as tenure,
        value as households
    from cells
    where category_level <= 1

),

pivoted as (

    select
        lad_code,
        lad_name,
        region_name,
        tenure,
        max(case when census_year = 2011 then households end) as households_2011,
        max(case when census_year = 2021 then households end) as households_2021
    from tenures
    where tenure is not null
    group by lad_code, lad_name, region_name, tenure

),

totals as (

    select lad_code, households_2011 as all_2011, households_2021 as all_2021
    from pivoted
    where tenure = 'all_households'

)

select
    pivoted.lad_code,
    pivoted.lad_name,
    pivoted.region_name,
    pivoted.tenure,
    case pivoted.tenure
        when 'all_households' then 0 when 'owned' then 1 when 'shared_ownership' then 2
        when 'social_rented' then 3 when 'private_rented' then 4 when 'rent_free' then 5
    end as tenure_order,
    pivoted.households_2011,
    pivoted.households_2021,
    pivoted.households_2021 - pivoted.households_2011 as households_change,
    {{ ratio('pivoted.households_2011', 'totals.all_2011') }} as share_2011,
    {{ ratio('pivoted.households_2021', 'totals.all_2021') }} as share_2021,
    100 * (
        {{ ratio('pivoted.households_2021', 'totals.all_2021') }} - {{ ratio('pivoted.households_2011', 'totals.all_2011') }}
    ) as share_change_percentage_points,
    'QS405EW' as source_table_2011,
    'TS054' as source_table_2021
from pivoted
inner join totals
    on pivoted.lad_code = totals.lad_code
