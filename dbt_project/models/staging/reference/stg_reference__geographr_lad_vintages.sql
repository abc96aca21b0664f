{#- One row per LAD code chain 2016 → 2024 (ONS vintages, via geographr); columns renamed lad<yy>_*. -#}
with

source as (

    select * from {{ ref('ref_geographr_lookup_ltla_ltla_2016_2024') }}

),

renamed as (

    select
        {%- for yy in range(16, 25) %}
        cast(ltla{{ yy }}_code as {{ dbt.type_string() }}) as lad{{ yy }}_code,
        cast(ltla{{ yy }}_name as {{ dbt.type_string() }}) as lad{{ yy }}_name{{ "," if not loop.last }}
        {%- endfor %}

    from source

)

select * from renamed
