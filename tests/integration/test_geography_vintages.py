"""A later MHCLG delivery on ONS's April 2025 codes, through a real refresh (Airflow DAG runs, dbt,
GX) on a copy of the bundled deployment.

The delivery is the recorded 2023 Q4 detailed LA workbook (Detailed_LA_202312.ods) as MHCLG would
publish April-June 2025: the 2025 file name, the quarter in the titles, Barnsley and Sheffield under
E08000038 and E08000039 (tests/support/hclic.later_delivery). Two more rows are recoded to tell the
two kinds of unplaceable code apart: E08000040, a valid-looking code of a vintage the spine does not
know yet (the E08 series' next number after E08000039), and E09999999, not a known GSS code.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.support import hclic

pytestmark = pytest.mark.integration

RECORDED = ROOT / "data/sample/mhclg_homelessness/Detailed_LA_202312.ods"
DELIVERY = "Statutory_Homelessness_Detailed_Local_Authority_Data_202506.xlsx"
QUARTER = "2025-06-30"
# two London boroughs' rows recoded: one to the next E08 code, one to a code no series has
NEWER, UNKNOWN = ("E09000002", "E08000040"), ("E09000003", "E09999999")


@pytest.fixture(scope="module")
def refreshed(fork):
    project = fork("geography-2025")
    recode = {**hclic.APRIL_2025_CODES, NEWER[0]: NEWER[1], UNKNOWN[0]: UNKNOWN[1]}
    inbox = project.inbox("mhclg_homelessness")
    (inbox / DELIVERY).write_bytes(hclic.later_delivery(RECORDED, 2025, 6, recode))
    result = project.cli("refresh")
    return project, result


def test_refresh_publishes_the_2025_delivery(refreshed) -> None:
    project, result = refreshed
    assert result.returncode == 0, result.stdout + result.stderr
    loads = project.query(
        "select source_file, release from meta.loads where source = 'mhclg_homelessness' and source_file = ?",
        [DELIVERY],
    )
    assert loads == [(DELIVERY, QUARTER)]


def test_barnsley_and_sheffield_on_april_2025_codes_land_on_their_local_authorities(refreshed) -> None:
    project, _ = refreshed
    recorded = hclic.la_values(RECORDED)  # the independent reader, on the recorded file's old codes
    for current, new in hclic.APRIL_2025_CODES.items():
        got = dict(
            project.query(
                "select table_code, households_asylum_support from marts.fct_homelessness_asylum_support_by_la_quarter "
                "where lad_code = ? and period_end = ?::date and table_code in ('A2P', 'A2R')",
                [current, QUARTER],
            )
        )
        assert got == {table: values[current][1] for table, values in recorded.items()}, (current, new)
        placed = project.query(
            "select distinct current_lad_code from intermediate.int_homelessness_rekeyed_to_current_lad "
            "where area_code = ? and period_end = ?::date",
            [new, QUARTER],
        )
        assert placed == [(current,)]


def test_unplaceable_codes_say_which_kind_they_are(refreshed) -> None:
    project, _ = refreshed
    reasons = dict(
        project.query(
            "select area_code, any_value(reason) from quarantine.homelessness_unresolved_geography "
            "where period_end = ?::date group by area_code",
            [QUARTER],
        )
    )
    assert set(reasons) == {NEWER[1], UNKNOWN[1]}
    assert "a valid code of a newer vintage" in reasons[NEWER[1]]
    assert "follows E08000039, the newest E08 code it knows" in reasons[NEWER[1]]
    assert "vintages to 2025" in reasons[NEWER[1]]
    assert reasons[UNKNOWN[1]].startswith("area code 'E09999999' is not a known GSS code")
    outcomes = dict(
        project.query(
            "select reason, sum(rows) from meta.load_outcomes o join meta.loads l using (load_id) "
            "where l.source_file = ? and o.outcome = 'set_aside' group by reason",
            [DELIVERY],
        )
    )
    assert (
        outcomes[
            "local authority could not be placed (area code of a vintage newer than the geography spine knows)"
        ]
        == 2
    )
    assert outcomes["local authority could not be placed (area code not a known GSS code)"] == 2
