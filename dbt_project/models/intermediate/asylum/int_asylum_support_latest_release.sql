{#-
    Every Asy_D11 release re-publishes the whole series, and later releases revise earlier quarters.
    For each quarter keep the rows of the newest release that contains that quarter (ties: newest load).
-#}
{{ newest_release_rows(ref('stg_home_office__asylum_support')) }}
