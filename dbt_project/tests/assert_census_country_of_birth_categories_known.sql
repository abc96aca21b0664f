{#-
    Every country-of-birth category loaded (TS004, TS012, QS203EW) is in ref_census_country_of_birth_categories,
    so a category ONS adds or renames is reviewed before it can change a community's figures.
-#}
select distinct
    cells.table_code,
    cells.release_kind,
    cells.category_path,
    cells.source_file
from {{ ref('int_census_cells_latest') }} as cells
left join {{ ref('ref_census_country_of_birth_categories') }} as known
    on cells.table_code = known.table_code
    and cells.release_kind = known.release_kind
    and cells.category_path = known.category_path
where cells.table_code in ('TS004', 'TS012', 'QS203EW')
    and known.category_path is null
