{#-
    Every resettlement release re-publishes the series from 2014 and may revise earlier quarters: for
    each quarter keep the rows of the newest release that holds it (ties: newest load).
-#}
{{ newest_release_rows(ref('stg_home_office__resettlement_arrivals')) }}
