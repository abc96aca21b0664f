{#-
    H-CLIC rows of the newest delivery of each quarter: every workbook holds one quarter, and MHCLG
    re-issues some (files named _revised, _fixed): the newest release, then the newest load, wins.
-#}
{{ newest_release_rows(ref('stg_mhclg__homelessness_duties')) }}
