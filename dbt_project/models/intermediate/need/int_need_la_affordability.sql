{#-
    The affordability test's inputs per local authority of England and Wales (docs/need-method.md,
    "Affordability"): the lower-quartile private rent a year (VOA/ONS private rental market statistics,
    all bedroom categories, the latest period) and the distribution of residents' earnings (ONS, ASHE
    residence-based: median and lower quartile, the latest year), both re-keyed to current LAs (a
    merged LA takes the rents' count-weighted mean and its predecessors' mean earnings).

    A household can afford market housing when the lower-quartile rent is at most `rent_to_income` of
    its gross income; incomes are taken as lognormal with the LA's median earnings and a spread sigma
    from its lower quartile: sigma = (ln median - ln LQ) / 0.6744898 (z of the 75th percentile).
    Where the VOA publishes no rents (Wales) the rent is the LA's lower-quartile earnings times the
    median rent-to-earnings ratio of England outside London; where earnings are suppressed, the
    region's median. Both are said in `affordability_basis`.
-#}
with

las as (

    select lad_code, region_name
    from {{ ref('mart_community_profile_by_la') }}
    where households > 0

),

crosswalk as (

    select gss_code, current_lad_code from {{ ref('int_lad_code_crosswalk') }}

),

rents as (

    select
        crosswalk.current_lad_code as lad_code,
        max(rents.rent_period) as rent_period,
        sum(rents.lower_quartile_monthly_rent * rents.count_of_rents order by rents.lad_code)
            / nullif(sum(rents.count_of_rents), 0) as lower_quartile_monthly_rent
    from {{ ref('ref_voa_private_rents_lad') }} as rents
    inner join crosswalk on crosswalk.gss_code = rents.lad_code
    where rents.bedroom_category = 'all'
        and rents.lower_quartile_monthly_rent is not null
        and rents.rent_period = (select max(rent_period) from {{ ref('ref_voa_private_rents_lad') }})
    group by crosswalk.current_lad_code

),

earnings_year as (

    select max(year) as year
    from {{ ref('ref_ons_residence_earnings_lad') }}
    where median_annual_earnings is not null

),

earnings as (

    select
        crosswalk.current_lad_code as lad_code,
        max(earnings.year) as earnings_year,
        avg(earnings.median_annual_earnings order by earnings.lad_code) as median_annual_earnings,
        avg(earnings.lower_quartile_annual_earnings order by earnings.lad_code) as lower_quartile_annual_earnings
    from {{ ref('ref_ons_residence_earnings_lad') }} as earnings
    inner join crosswalk on crosswalk.gss_code = earnings.lad_code
    where earnings.year = (select year from earnings_year)
        and earnings.median_annual_earnings is not null
        and earnings.lower_quartile_annual_earnings is not null
    group by crosswalk.current_lad_code

),

joined as (

    select las.lad_code, las.region_name, rents.rent_period, rents.lower_quartile_monthly_rent,
        earnings.earnings_year, earnings.median_annual_earnings, earnings.lower_quartile_annual_earnings
    from las
    left join rents on rents.lad_code = las.lad_code
    left join earnings on earnings.lad_code = las.lad_code

),

regional_earnings as (

    select region_name,
        percentile_cont(0.5) within group (order by median_annual_earnings) as median_annual_earnings,
        percentile_cont(0.5) within group (order by lower_quartile_annual_earnings) as lower_quartile_annual_earnings
    from joined
    where median_annual_earnings is not null
    group by region_name

),

rent_ratio as (

    -- lower-quartile rent a year over lower-quartile earnings, England outside London
    select percentile_cont(0.5) within group (
        order by 12 * lower_quartile_monthly_rent / lower_quartile_annual_earnings
    ) as rent_to_lq_earnings
    from joined
    where lad_code like 'E%' and region_name <> 'London'
        and lower_quartile_monthly_rent is not null and lower_quartile_annual_earnings is not null

),

filled as (

    select
        joined.lad_code,
        joined.rent_period,
        joined.earnings_year,
        coalesce(joined.median_annual_earnings, regional_earnings.median_annual_earnings) as median_annual_earnings,
        coalesce(joined.lower_quartile_annual_earnings, regional_earnings.lower_quartile_annual_earnings)
            as lower_quartile_annual_earnings,
        coalesce(
            12 * joined.lower_quartile_monthly_rent,
            rent_ratio.rent_to_lq_earnings
                * coalesce(joined.lower_quartile_annual_earnings, regional_earnings.lower_quartile_annual_earnings)
        ) as lower_quartile_annual_rent,
        case
            when joined.lower_quartile_monthly_rent is null
                then 'rent estimated from earnings (no VOA rents published for this LA)'
            when joined.median_annual_earnings is null then 'earnings of the region (LA figure suppressed)'
            else 'published rents and earnings'
        end as affordability_basis
    from joined
    left join regional_earnings on regional_earnings.region_name = joined.region_name
    cross join rent_ratio

)

select
    lad_code,
    rent_period,
    earnings_year,
    cast(lower_quartile_annual_rent as double precision) as lower_quartile_annual_rent,
    cast(median_annual_earnings as double precision) as median_annual_earnings,
    cast(lower_quartile_annual_earnings as double precision) as lower_quartile_annual_earnings,
    cast((ln(median_annual_earnings) - ln(lower_quartile_annual_earnings)) / 0.6744897502 as double precision)
        as earnings_log_sigma,
    affordability_basis
from filled
