{#-
    The community profile of each current local authority district in England and Wales: who lives
    there (born outside the UK, and the change since 2011), when they arrived, which passports they hold,
    how well they speak English, and how households are housed (tenure, overcrowding). One row per
    district. A figure is null where no loaded table covers the district (tables_2021 says which are).
    Tables published for districts are used as published; a table published only for small areas
    is summed from them. Census 2021 tables are perturbed independently, so the same population
    differs by a few between tables (Leicester: 368,570 usual residents in TS004, 368,571 in TS005
    and TS015): each figure's table is in its column name or description, and residents_2021_table
    says which table gave the country-of-birth figures.
-#}
with

authorities as (

    select * from {{ ref('dim_local_authority') }}
    where nation in ('England', 'Wales')

),

cells as (

    select * from {{ ref('int_census_cells_by_lad') }}
    where census_year = 2021

),

birth as (

    select * from {{ ref('fct_residents_by_country_of_birth') }}

),

country_of_birth as (

    select
        lad_code,
        max(case when census_year = 2021 and community_key = 'all_residents' then residents end) as residents_2021,
        max(case when census_year = 2021 and community_key = 'all_residents' then source_table end) as residents_2021_source_table,
        max(case when census_year = 2021 and community_key = 'born_outside_uk' then residents end) as born_outside_uk_2021,
        max(case when census_year = 2011 and community_key = 'all_residents' then residents end) as residents_2011,
        max(case when census_year = 2011 and community_key = 'born_outside_uk' then residents end) as born_outside_uk_2011
    from birth
    group by lad_code

),

{%- set arrived_since_2011 = "category_label in ('Arrived 2011 to 2013', 'Arrived 2014 to 2016', 'Arrived 2017 to 2019', 'Arrived 2020 to 2021')" %}

topics as (

    select
        lad_code,
        -- TS015 year of arrival (usual residents)
        max(case when table_code = 'TS015' and category_path = 'Total' then value end) as arrival_residents,
        max(case when table_code = 'TS015' and category_path = 'Born in the UK' then value end) as arrival_born_in_uk,
        cast(sum(case when table_code = 'TS015' and {{ arrived_since_2011 }} then value end) as bigint) as arrived_2011_to_2021,
        max(case when table_code = 'TS015' and category_path = 'Arrived 2020 to 2021' then value end) as arrived_2020_to_2021,
        -- TS005 passports held (usual residents; each person counted once)
        max(case when table_code = 'TS005' and category_path = 'Total' then value end) as passport_residents,
        max(case when table_code = 'TS005' and category_path = 'Europe > United Kingdom' then value end) as uk_passport,
        max(case when table_code = 'TS005' and category_path = 'No passport held' then value end) as no_passport,
        -- TS029 proficiency in English (usual residents aged 3 and over)
        {{ census_residents_aged_3_plus() }} as proficiency_residents_aged_3_plus,
        {{ census_main_language_not_english() }} as main_language_not_english,
        {{ census_cannot_speak_english_well() }} as cannot_speak_english_well,
        -- TS054 tenure (households)
        max(case when table_code = 'TS054' and category_path = 'Total' then value end) as households,
        max(case when table_code = 'TS054' and category_path = 'Owned' then value end) as owned,
        max(case when table_code = 'TS054' and category_path = 'Shared ownership' then value end) as shared_ownership,
        max(case when table_code = 'TS054' and category_path = 'Social rented' then value end) as social_rented,
        max(case when table_code = 'TS054' and category_path = 'Private rented' then value end) as private_rented,
        max(case when table_code = 'TS054' and category_path = 'Lives rent free' then value end) as lives_rent_free,
        -- TS052 occupancy rating for bedrooms (households)
        {{ census_occupancy_households() }} as occupancy_households,
        {{ census_overcrowded_households() }} as overcrowded_households,
        {{ dbt.listagg("distinct table_code", "', '", "order by table_code") }} as tables_2021
    from cells
    group by lad_code

),

joined as (

    select
        authorities.lad_code,
        authorities.lad_name,
        authorities.region_name,
        authorities.nation,
        country_of_birth.residents_2021,
        country_of_birth.residents_2021_source_table,
        country_of_birth.born_outside_uk_2021,
        country_of_birth.residents_2011,
        country_of_birth.born_outside_uk_2011,
        topics.arrival_residents,
        topics.arrival_born_in_uk,
        topics.arrived_2011_to_2021,
        topics.arrived_2020_to_2021,
        topics.passport_residents,
        topics.uk_passport,
        topics.no_passport,
        topics.proficiency_residents_aged_3_plus,
        topics.main_language_not_english,
        topics.cannot_speak_english_well,
        topics.households,
        topics.owned,
        topics.shared_ownership,
        topics.social_rented,
        topics.private_rented,
        topics.lives_rent_free,
        topics.occupancy_households,
        topics.overcrowded_households,
        topics.tables_2021,
        topics.passport_residents - topics.uk_passport - topics.no_passport as other_passport_only
    from authorities
    left join country_of_birth
        on authorities.lad_code = country_of_birth.lad_code
    left join topics
        on authorities.lad_code = topics.lad_code

),

final as (

    select
        lad_code,
        lad_name,
        region_name,
        nation,

        residents_2021,
        residents_2021_source_table,
        born_outside_uk_2021,
        {{ ratio('born_outside_uk_2021', 'residents_2021') }} as born_outside_uk_share_2021,
        residents_2011,
        born_outside_uk_2011,
        {{ ratio('born_outside_uk_2011', 'residents_2011') }} as born_outside_uk_share_2011,
        born_outside_uk_2021 - born_outside_uk_2011 as born_outside_uk_change,
        100 * (
            {{ ratio('born_outside_uk_2021', 'residents_2021') }} - {{ ratio('born_outside_uk_2011', 'residents_2011') }}
        ) as born_outside_uk_share_change_percentage_points,

        arrived_2011_to_2021,
        arrived_2020_to_2021,
        {{ ratio('arrived_2011_to_2021', 'arrival_residents - arrival_born_in_uk') }} as arrived_2011_to_2021_share_of_born_outside_uk,

        uk_passport,
        no_passport,
        other_passport_only,
        {{ ratio('other_passport_only', 'passport_residents') }} as other_passport_only_share,

        main_language_not_english,
        cannot_speak_english_well,
        {{ ratio('cannot_speak_english_well', 'proficiency_residents_aged_3_plus') }} as cannot_speak_english_well_share,

        households,
        owned,
        shared_ownership,
        social_rented,
        private_rented,
        lives_rent_free,
        {{ ratio('social_rented', 'households') }} as social_rented_share,
        {{ ratio('private_rented', 'households') }} as private_rented_share,

        occupancy_households,
        overcrowded_households,
        {{ ratio('overcrowded_households', 'occupancy_households') }} as overcrowded_share,

        tables_2021
    from joined

)

select * from final
