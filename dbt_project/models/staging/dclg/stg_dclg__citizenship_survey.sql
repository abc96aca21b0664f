with

source as (

    select * from {{ source('dclg', 'dclg__citizenship_survey') }}

),

renamed as (

    select
        {{ load_columns() }}
        survey,
        wave,
        cast(substr(wave, 1, 4) as integer) as wave_start_year,
        cast(study_number as integer) as study_number,
        file_format,
        respondent_id,
        sample_type,
        sample_type_code,
        sample_type_label,
        region as region_code,
        region_code as region_source_code,
        region_label,
        ethnic_group,
        ethnic_group_code,
        ethnic_group_label,
        country_of_birth,
        country_of_birth_code,
        country_of_birth_label,
        years_in_uk,
        years_in_uk_code,
        years_in_uk_label,
        tenure,
        tenure_code,
        tenure_label,
        belonging,
        belonging_code,
        belonging_label,
        housing_treated_worse,
        housing_treated_worse_code,
        housing_treated_worse_label,
        cast(weight_core_individual as double precision) as weight_core_individual,
        cast(weight_core_household as double precision) as weight_core_household,
        cast(weight_full_individual as double precision) as weight_full_individual,
        cast(weight_full_household as double precision) as weight_full_household,
        _source_file like 'SYNTHETIC-%' as is_synthetic

    from source

)

select * from renamed
