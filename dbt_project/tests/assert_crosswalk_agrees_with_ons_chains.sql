{#-
    The crosswalk (built mostly from mySociety) must agree with the ONS vintage chains: every LAD code
    of every vintage 2016–2024 resolves to one of the 2024 codes its ONS chain(s) end in.
-#}
with

vintages as (

    select * from {{ ref('stg_reference__geographr_lad_vintages') }}

),

crosswalk as (

    select * from {{ ref('int_lad_code_crosswalk') }}

),

code_endings as (

    {%- for yy in range(16, 25) %}
    select lad{{ yy }}_code as gss_code, lad24_code from vintages
    {{ "union" if not loop.last }}
    {%- endfor %}

),

disagreements as (

    select
        code_endings.gss_code,
        max(crosswalk.current_lad_code) as crosswalk_current_lad_code,
        {{ dbt.listagg('code_endings.lad24_code', "', '", "order by code_endings.lad24_code") }} as ons_lad24_codes,
        sum(case when code_endings.lad24_code = crosswalk.current_lad_code then 1 else 0 end) as agreeing_chains
    from code_endings
    left join crosswalk
        on code_endings.gss_code = crosswalk.gss_code
    group by code_endings.gss_code

)

select * from disagreements
where agreeing_chains = 0
