{#-
    The value labels of every coded survey variable as each wave's file gave them, with the canonical
    code each harmonises to: one row per survey x wave x variable x code in the file. Labels, not
    microdata: codes that appear in the loaded respondents only, with no counts.
-#}
with

respondents as (

    select * from {{ ref('int_survey_latest_release') }}

),

{%- set variables = [
    ('sample_type', 'sample_type', 'sample_type_code', 'sample_type_label'),
    ('region', 'region_code', 'region_source_code', 'region_label'),
    ('ethnic_group', 'ethnic_group', 'ethnic_group_code', 'ethnic_group_label'),
    ('country_of_birth', 'country_of_birth', 'country_of_birth_code', 'country_of_birth_label'),
    ('years_in_uk', 'years_in_uk', 'years_in_uk_code', 'years_in_uk_label'),
    ('tenure', 'tenure', 'tenure_code', 'tenure_label'),
    ('belonging', 'belonging', 'belonging_code', 'belonging_label'),
    ('housing_treated_worse', 'housing_treated_worse', 'housing_treated_worse_code', 'housing_treated_worse_label'),
] %}

labels as (

    {%- for variable, canonical, code, label in variables %}
    select distinct
        survey,
        wave,
        '{{ variable }}' as variable,
        {{ code }} as source_code,
        {{ label }} as value_label,
        {{ canonical }} as canonical_code,
        is_synthetic
    from respondents
    where {{ code }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select
    survey || '|' || wave || '|' || variable || '|' || source_code as value_label_key,
    survey,
    wave,
    variable,
    source_code,
    value_label,
    canonical_code,
    canonical_code is null as is_missing_code,
    is_synthetic,
    {{ survey_data_label('is_synthetic') }} as data_label
from labels
