{#- The respondents of the newest delivery of each wave (a re-deposited wave, or the same wave in the other format, replaces it). -#}
{{ newest_release_rows(ref('stg_dclg__citizenship_survey'), 'wave') }}
