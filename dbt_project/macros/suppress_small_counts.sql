{#-
    Disclosure control for counts from personal data (docs/disclosure-control.md). `relation` has a
    count column and the columns of a table's groups (the cells that add up to a published total).
    Primary: a count from 1 to threshold - 1 is suppressed. Secondary: in any group with exactly one
    suppressed cell, the smallest other non-zero cell is suppressed too (a zero cell when the group has
    no other non-zero cell), so the suppressed cell cannot be recovered from the group's total. A group
    of one cell needs none: its total is the cell, withheld with it. Returns every row with
    `<count>_shown` (null when suppressed) and `suppression` ('primary', 'secondary' or null). Other
    zeros are shown: a structural zero discloses nothing about a person.
-#}
{% macro suppress_small_counts(relation, count_column, group_by, threshold=5) -%}
with

cells as (

    select
        *,
        {{ count_column }} between 1 and {{ threshold - 1 }} as is_primary
    from {{ relation }}

),

ranked as (

    select
        *,
        sum(case when is_primary then 1 else 0 end) over (partition by {{ group_by | join(', ') }}) as primary_in_group,
        row_number() over (
            partition by {{ group_by | join(', ') }}
            order by case when is_primary then 2 when {{ count_column }} = 0 then 1 else 0 end, {{ count_column }}
        ) as smallest_rank
    from cells

)

select
    *,
    case
        when is_primary then 'primary'
        when primary_in_group = 1 and smallest_rank = 1 then 'secondary'
    end as suppression,
    case
        when is_primary or (primary_in_group = 1 and smallest_rank = 1) then null
        else {{ count_column }}
    end as {{ count_column }}_shown
from ranked
{%- endmacro %}
