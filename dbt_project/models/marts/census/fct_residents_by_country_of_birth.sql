{#-
    Usual residents of each current local authority district by community (country-of-birth group), for
    each census, with the share of all usual residents. One row per district x census year x community.
    Coverage follows the published tables: 2011 QS203EW names 27 countries for every district; the 2021
    figures come from the census-quiz TS004 subset (born in / outside the UK and 16 countries) until a
    full TS004 is loaded, which then wins.
-#}
with

figures as (

    select * from {{ ref('int_census_country_of_birth_by_lad') }}

),

communities as (

    select * from {{ ref('dim_community') }}

),

authorities as (

    select * from {{ ref('dim_local_authority') }}

),

all_residents as (

    select lad_code, census_year, residents as all_residents
    from figures
    where community_key = 'all_residents'

)

select
    figures.lad_code,
    authorities.lad_name,
    authorities.region_name,
    figures.census_year,
    case figures.census_year
        when 2021 then date '2021-03-21'
        when 2011 then date '2011-03-27'
    end as census_date,
    figures.community_key,
    communities.community_name,
    communities.community_type,
    communities.parent_community_key,
    figures.residents,
    all_residents.all_residents,
    {{ ratio('figures.residents', 'all_residents.all_residents') }} as share_of_residents,
    figures.table_code as source_table,
    figures.release as source_release
from figures
inner join authorities
    on figures.lad_code = authorities.lad_code
inner join communities
    on figures.community_key = communities.community_key
left join all_residents
    on figures.lad_code = all_residents.lad_code
    and figures.census_year = all_residents.census_year
