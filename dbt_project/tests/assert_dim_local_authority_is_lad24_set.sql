{#-
    dim_local_authority (mySociety's current lower-tier and unitary authorities) must be exactly the
    ONS LAD 2024 set (geographr vintage chains): no code missing on either side.
-#}
with

dim as (

    select lad_code from {{ ref('dim_local_authority') }}

),

ons as (

    select distinct lad24_code as lad_code from {{ ref('stg_reference__geographr_lad_vintages') }}

)

select lad_code, 'in dim_local_authority, not in ONS LAD 2024' as problem
from dim
where lad_code not in (select lad_code from ons)

union all

select lad_code, 'in ONS LAD 2024, not in dim_local_authority' as problem
from ons
where lad_code not in (select lad_code from dim)
