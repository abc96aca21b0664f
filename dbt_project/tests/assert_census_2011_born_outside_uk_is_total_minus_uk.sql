{#-
    2011: "born outside the UK" (summed from the world-region cells outside the UK) equals all usual
    residents minus those born in the UK, in every district (e.g. Leicester 329,839 - 218,996 = 110,843).
-#}
with

figures as (

    select * from {{ ref('int_census_country_of_birth_by_lad') }}
    where census_year = 2011

)

select
    lad_code,
    sum(case when community_key = 'all_residents' then residents end) as all_residents,
    sum(case when community_key = 'born_uk' then residents end) as born_uk,
    sum(case when community_key = 'born_outside_uk' then residents end) as born_outside_uk
from figures
group by lad_code
having sum(case when community_key = 'all_residents' then residents end)
    - sum(case when community_key = 'born_uk' then residents end)
    <> sum(case when community_key = 'born_outside_uk' then residents end)
    or count(case when community_key in ('all_residents', 'born_uk', 'born_outside_uk') then 1 end) <> 3
