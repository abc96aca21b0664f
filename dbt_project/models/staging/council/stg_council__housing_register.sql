with

source as (

    select * from {{ source('council', 'council__housing_register') }}

),

renamed as (

    select
        {{ load_columns() }}
        lad_code || '|' || cast(snapshot_date as varchar) as snapshot_key,
        cast(snapshot_date as date) as snapshot_date,
        lad_code,
        layout,
        application_id,
        person_id,
        age_band,
        postcode_district,
        cast(registration_date as date) as registration_date,
        cast(effective_date as date) as effective_date,
        band_code,
        cast(band_rank as integer) as band_rank,
        cast(bedrooms_min as integer) as bedrooms_min,
        cast(bedrooms_max as integer) as bedrooms_max,
        cast(household_size as integer) as household_size,
        nationality_code,
        nationality_code_list,
        immigration_status,
        tenure,
        preference_categories,
        status,
        cast(status_date as date) as status_date,
        disqualification,
        _source_file like 'SYNTHETIC-%' as is_synthetic

    from source

)

select * from renamed
