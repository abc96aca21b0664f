{#-
    Initial decisions of the newest release that holds each quarter (each release re-publishes the
    series from 2001 and revises recent quarters).
-#}
{{ newest_release_rows(ref('stg_home_office__initial_decisions')) }}
