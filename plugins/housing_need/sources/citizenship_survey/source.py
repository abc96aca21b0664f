"""The Citizenship Survey feed's spec."""

from __future__ import annotations

from ...privacy.classes import PrivacyClass
from ...privacy.pseudonymise import KeyedHash
from ..spec import SourceSpec
from .read import FILE_EXTENSIONS, parse_survey
from .waves import CODED, WEIGHTS

NAME = "citizenship_survey"

COLUMNS: dict[str, str] = {
    "survey": "VARCHAR",
    "wave": "VARCHAR",
    "study_number": "INTEGER",
    "file_format": "VARCHAR",
    "serial": "VARCHAR",
    **{column: "VARCHAR" for field in CODED for column in (field, f"{field}_code", f"{field}_label")},
    **{field: "DOUBLE" for field in WEIGHTS},
}


SOURCE = SourceSpec(
    name=NAME,
    raw_table="dclg__citizenship_survey",
    columns=COLUMNS,
    parse=parse_survey,
    file_extensions=FILE_EXTENSIONS,
    # static: the survey ended in 2011 and each wave is deposited once; a re-deposit is a new delivery
    cadence="@yearly",
    publisher="DCLG / MHCLG, deposited with the UK Data Service (studies 4754, 5087, 5367, 5739, 6388, 6733, 7111)",
    licence="UK Data Service End User Licence (safeguarded microdata): not published, not redistributed",
    privacy=PrivacyClass.LICENSED,
    row_outcomes_model="survey_row_outcomes",
    # the respondent serial number links a row back to the depositor's records: keyed-hashed at load
    pseudonymise={"serial": KeyedHash(to="respondent_id")},
    synthetic_sample=True,  # its writer: housing_need.synth.samples
    no_calendar_because="a closed series: the survey ended in 2011, each wave is deposited once",
)
