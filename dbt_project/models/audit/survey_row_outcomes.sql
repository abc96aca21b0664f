{#-
    What happened to every raw survey row of every load (macros/release_row_outcomes.sql): rows of the
    newest delivery of each wave reach int_survey_respondents (and the marts, as weighted estimates);
    rows of an earlier delivery of the same wave (a re-deposit, or the wave in the other format) are
    superseded.
-#}
{{ release_row_outcomes(
    source_name='citizenship_survey',
    staged=ref('stg_dclg__citizenship_survey'),
    latest=ref('int_survey_latest_release'),
    placed=ref('int_survey_respondents'),
    in_facts="true",
    set_aside_reason="''",
    period_column='wave',
    period_name='survey wave',
) }}
