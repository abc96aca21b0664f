{#-
    How each community changed in each current local authority district between the 2011 and 2021
    censuses: residents, share of all residents, and the change in both. One row per district x
    community held by both censuses (2011 districts are summed into today's, so merged districts
    compare like with like). Net change: the census counts who is resident on the day, so a small
    change can hide many arrivals and departures.
-#}
with

figures as (

    select * from {{ ref('fct_residents_by_country_of_birth') }}

),

census_2011 as (

    select * from figures where census_year = 2011

),

census_2021 as (

    select * from figures where census_year = 2021

)

select
    census_2021.lad_code,
    census_2021.lad_name,
    census_2021.region_name,
    census_2021.community_key,
    census_2021.community_name,
    census_2021.community_type,
    census_2011.residents as residents_2011,
    census_2021.residents as residents_2021,
    census_2021.residents - census_2011.residents as residents_change,
    {{ ratio('census_2021.residents - census_2011.residents', 'census_2011.residents') }} as residents_change_ratio,
    census_2011.share_of_residents as share_2011,
    census_2021.share_of_residents as share_2021,
    100 * (census_2021.share_of_residents - census_2011.share_of_residents) as share_change_percentage_points
from census_2021
inner join census_2011
    on census_2021.lad_code = census_2011.lad_code
    and census_2021.community_key = census_2011.community_key
