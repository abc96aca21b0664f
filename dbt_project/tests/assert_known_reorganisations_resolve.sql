{#- Spot checks against reorganisations whose outcome is not in doubt. -#}
with

expected (gss_code, current_lad_code, why) as (

    values
        ('E07000154', 'E06000062', 'Northampton -> West Northamptonshire, 2021'),
        ('E06000029', 'E06000058', 'Poole -> Bournemouth, Christchurch and Poole, 2019'),
        ('E07000165', 'E06000065', 'Harrogate -> North Yorkshire, 2023'),
        ('E07000004', 'E06000060', 'Aylesbury Vale -> Buckinghamshire, 2020'),
        ('E07000026', 'E06000063', 'Allerdale -> Cumberland, 2023'),
        ('E07000027', 'E06000064', 'Barrow-in-Furness -> Westmorland and Furness, 2023'),
        ('E07000190', 'E06000066', 'Taunton Deane -> Somerset West and Taunton, 2019 -> Somerset, 2023'),
        ('E07000205', 'E07000244', 'Suffolk Coastal -> East Suffolk, 2019'),
        ('E08000020', 'E08000037', 'Gateshead recoded'),
        ('E06000048', 'E06000057', 'Northumberland recoded'),
        ('S12000046', 'S12000049', 'Glasgow City recoded'),
        ('E06000062', 'E06000062', 'a current code maps to itself')

)

select
    expected.gss_code,
    expected.current_lad_code as expected_current_lad_code,
    crosswalk.current_lad_code as actual_current_lad_code,
    expected.why
from expected
left join {{ ref('int_lad_code_crosswalk') }} as crosswalk
    on expected.gss_code = crosswalk.gss_code
where crosswalk.current_lad_code is null
    or crosswalk.current_lad_code <> expected.current_lad_code
