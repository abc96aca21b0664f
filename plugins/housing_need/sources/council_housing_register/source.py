"""The council housing-register feed's spec."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...privacy.classes import PrivacyClass
from ...privacy.pseudonymise import AgeBand, Drop, KeyedHash, PostcodeDistrict
from ..spec import ParseResult, SourceSpec

if TYPE_CHECKING:
    from collections.abc import Iterable

# The reader (pandas, pyarrow) is imported when a file is read, not with the registry: `./run status`
# and the other quick commands load every feed's spec.


def parse_register(content: bytes, name: str) -> ParseResult:
    from .read import parse_register as parse

    return parse(content, name)


def parse_registers(files: Iterable[tuple[bytes, str]]) -> list[ParseResult]:
    from .read import parse_registers as parse

    return parse(files)


def inspect_register(content: bytes, name: str) -> str:
    from .read import inspect_register as inspect

    return inspect(content, name)


NAME = "council_housing_register"

COLUMNS: dict[str, str] = {
    "snapshot_date": "DATE",
    "lad_code": "VARCHAR",
    "layout": "VARCHAR",
    "application_ref": "VARCHAR",
    "person_ref": "VARCHAR",
    "forename": "VARCHAR",
    "surname": "VARCHAR",
    "date_of_birth": "DATE",
    "postcode": "VARCHAR",
    "registration_date": "DATE",
    "effective_date": "DATE",
    "band_code": "VARCHAR",
    "band_rank": "INTEGER",
    "bedrooms_min": "INTEGER",
    "bedrooms_max": "INTEGER",
    "household_size": "INTEGER",
    "nationality_code": "VARCHAR",
    "nationality_code_list": "VARCHAR",
    "immigration_status": "VARCHAR",
    "tenure": "VARCHAR",
    "preference_categories": "VARCHAR",
    "status": "VARCHAR",
    "status_date": "DATE",
    "disqualification": "VARCHAR",
}


SOURCE = SourceSpec(
    name=NAME,
    raw_table="council__housing_register",
    columns=COLUMNS,
    parse=parse_register,
    file_extensions=(".csv", ".txt", ".json"),
    cadence="@monthly",
    publisher="Local authorities (housing-management system exports)",
    licence="Personal data, processed under each council's data-sharing agreement; not published",
    privacy=PrivacyClass.PERSONAL,
    row_outcomes_model="register_row_outcomes",
    no_calendar_because="the council's own extract, dropped in the inbox on the council's schedule",
    pseudonymise={
        "application_ref": KeyedHash(to="application_id"),
        "person_ref": KeyedHash(to="person_id"),
        "forename": Drop(),
        "surname": Drop(),
        "date_of_birth": AgeBand(at="snapshot_date", to="age_band"),
        "postcode": PostcodeDistrict(to="postcode_district"),
    },
    synthetic_sample=True,  # its writer: housing_need.synth.samples
    inspect=inspect_register,
    parse_many=parse_registers,
)
