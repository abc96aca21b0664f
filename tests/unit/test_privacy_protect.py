"""privacy.protect: the one call the loader makes per parsed file. Open statistics keep quarantined
values and records; private sources keep row, column and reason only, with a value a parser wrote
into its reason blanked; personal-data columns are transformed the same way whether the parse gave
rows or a frame."""

from __future__ import annotations

from datetime import date

import pandas as pd

from housing_need.privacy.classes import PrivacyClass
from housing_need.privacy.keys import PSEUDONYMISATION_KEY
from housing_need.privacy.protect import protect
from housing_need.privacy.pseudonymise import AgeBand, Drop, KeyedHash, keyed_hash
from housing_need.sources import ParseResult, QuarantinedRow

KEY = bytes(range(32))
TRANSFORMS = {
    "applicant_id": KeyedHash(),
    "name": Drop(),
    "date_of_birth": AgeBand(at="snapshot_date", to="age_band"),
}
ROWS = [
    {
        "applicant_id": "A-1",
        "name": "Ada",
        "date_of_birth": date(1990, 6, 1),
        "snapshot_date": date(2024, 3, 31),
    },
    {"applicant_id": "", "name": "Bo", "date_of_birth": None, "snapshot_date": date(2024, 3, 31)},
]
BAD = QuarantinedRow(
    row_number=4,
    column="date_of_birth",
    value="31/02/1990",
    reason="not a date: '31/02/1990'",
    record={"name": "Cy", "date_of_birth": "31/02/1990", "registered": date(2024, 1, 2)},
)


def parsed(*, frame: bool = False) -> ParseResult:
    rows = [dict(r) for r in ROWS]
    return ParseResult(
        rows=[] if frame else rows,
        quarantined=[BAD],
        rows_in_file=3,
        release="2024-03-31",
        file_format="csv",
        frame=pd.DataFrame(rows).astype({"date_of_birth": "datetime64[s]", "snapshot_date": "datetime64[s]"})
        if frame
        else None,
    )


def test_personal_data_is_transformed_and_its_quarantine_keeps_no_values() -> None:
    out = protect(parsed(), PrivacyClass.PERSONAL, TRANSFORMS, {PSEUDONYMISATION_KEY: KEY})
    assert out.privacy == "personal" and out.columns is None
    assert out.rows == [
        {"snapshot_date": date(2024, 3, 31), "applicant_id": keyed_hash("A-1", KEY), "age_band": "25-34"},
        {"snapshot_date": date(2024, 3, 31), "applicant_id": None, "age_band": None},
    ]
    assert out.quarantine == [(4, "date_of_birth", None, "not a date: '<withheld>'", None)]


def test_open_statistics_keep_the_quarantined_value_and_record() -> None:
    out = protect(parsed(), PrivacyClass.OPEN, {}, {})
    assert out.rows == ROWS and out.rows[0] is not ROWS[0]
    assert out.quarantine == [
        (
            4,
            "date_of_birth",
            "31/02/1990",
            "not a date: '31/02/1990'",
            '{"name": "Cy", "date_of_birth": "31/02/1990", "registered": "2024-01-02"}',
        )
    ]


def test_a_frame_is_transformed_as_its_rows_are() -> None:
    by_rows = protect(parsed(), "personal", TRANSFORMS, {PSEUDONYMISATION_KEY: KEY})
    by_columns = protect(parsed(frame=True), "personal", TRANSFORMS, {PSEUDONYMISATION_KEY: KEY})
    assert by_columns.columns is not None and not by_columns.rows
    assert list(by_columns.columns) == ["snapshot_date", "applicant_id", "age_band"]
    for name in ("applicant_id", "age_band"):  # missing is NaN or None in a frame: both load as NULL
        column = [None if pd.isna(v) else v for v in by_columns.columns[name]]
        assert column == [r[name] for r in by_rows.rows]
    assert by_columns.quarantine == by_rows.quarantine
