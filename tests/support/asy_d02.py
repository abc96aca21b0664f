"""Generate the Home Office's detailed dataset of asylum applications and initial decisions
(``asylum-applications-datasets-<mon>-<yyyy>.xlsx``) from the REAL bundled Asy_D02 CSV's figures.

The publisher's workbook is long (table Asy_D02: one row per quarter, nationality, case type,
applicant type, age, sex, UASC, case outcome group and case outcome, with the number of
``Decisions``); the bundled CSV is its re-packaged sum per quarter and nationality. This generator
goes the other way: every published Grant, Refused and Administrative Outcome count of the CSV is
split, seeded, into worksheet rows (grants across ``Grant of Protection`` / ``Grant of Other Leave``,
every count across case outcomes, ages and sexes), and rows the sum must leave out are added
(dependants, resettlement cases, withdrawn applications). The breakdown and the rows left out are
SYNTHETIC (the cover sheet says so); the sums per quarter and nationality are the published figures,
so a reader that sums the sheet right gives the bundled CSV's rows exactly.

Laid out in the Home Office house style: a cover sheet, ``Data - Asy_D01`` (applications: a few
SYNTHETIC rows, so the reader must pick its own sheet), ``Data - Asy_D02`` with a title row, the
header on row 2, the rows from row 3, ``End of table`` and footnotes. Numbers are numbers.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator, Mapping

from tests.support.csv_feeds import Table

SEED = 24
HEADER = [
    "Year",
    "Quarter",
    "Nationality",
    "Region",
    "Case type",
    "Case outcome group",
    "Case outcome",
    "Age",
    "Sex",
    "Applicant type",
    "UASC",
    "Decisions",
]
APPLICATIONS_HEADER = [
    "Year",
    "Quarter",
    "Nationality",
    "Region",
    "Applicant type",
    "UASC",
    "Age",
    "Sex",
    "Location of application",
    "Applications",
]
# CSV column -> (case outcome group, its case outcomes) the generator splits a count across
OUTCOMES: dict[str, list[tuple[str, str]]] = {
    "Grant": [
        ("Grant of Protection", "Asylum"),
        ("Grant of Protection", "Humanitarian Protection"),
        ("Grant of Other Leave", "Discretionary Leave"),
    ],
    "Refused": [("Refused", "Refused asylum"), ("Refused", "Other Refusals")],
    "Administrative Outcome": [("Administrative Outcome", "Non-Substantiated Withdrawal")],
}
AGES = ["Under 18", "18-29", "30-49", "50-69"]
SEXES = ["Female", "Male"]
# rows the sum leaves out: (case type, outcome group, case outcome, applicant type)
LEFT_OUT = [
    ("Asylum Case", "Grant of Protection", "Asylum", "Dependant"),
    ("Resettlement Case", "Grant of Protection", "Resettlement - UK Resettlement Scheme", "Main applicant"),
    ("Asylum Case", "Withdrawn", "Withdrawn", "Main applicant"),
]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` as up to ``parts`` positive numbers (one 0 if ``total`` is 0)."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def decision_rows(row: Mapping[str, str], rng: random.Random) -> Iterator[list[object]]:
    """The worksheet rows of one CSV row (a quarter and nationality), its published counts split."""
    where = [int(row["Year"]), row["Quarter"], row["Nationality"], row["Region"]]
    for column, outcomes in OUTCOMES.items():
        if row[column] == "NA":
            continue
        for count in _split(int(row[column]), rng.randint(1, 3), rng):
            group, outcome = rng.choice(outcomes)
            age, sex = rng.choice(AGES), rng.choice(SEXES)
            yield [*where, "Asylum Case", group, outcome, age, sex, "Main applicant", "Non-UASC", count]
    if rng.random() < 0.4:
        case_type, group, outcome, applicant = rng.choice(LEFT_OUT)
        age, sex = rng.choice(AGES), rng.choice(SEXES)
        yield [*where, case_type, group, outcome, age, sex, applicant, "Non-UASC", rng.randint(1, 40)]


def decisions_workbook(
    table: Table, *, sheet: str = "Data - Asy_D02", seed: int = SEED, header: list[str] | None = None
) -> bytes:
    """The detailed dataset whose Asy_D02 sums to ``table`` (rows of the bundled CSV), as .xlsx."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    rows = table.dicts()
    wb = Workbook(write_only=True)
    cover = wb.create_sheet("Cover_sheet")
    cover.append(["Immigration system statistics: asylum applications, initial decisions and resettlement"])
    cover.append(["Tables Asy_D01 and Asy_D02."])
    cover.append(
        ["SYNTHETIC test workbook: the breakdown below each published quarter-by-nationality count is"]
    )
    cover.append(
        ["generated (seeded); the counts summed per quarter and nationality are the published ones."]
    )
    applications = wb.create_sheet("Data - Asy_D01")
    applications.append(
        ["Asy_D01: Asylum applications raised, by nationality, age, sex, UASC, applicant type"]
    )
    applications.append(APPLICATIONS_HEADER)
    for row in rows[-20:]:
        applications.append(
            [int(row["Year"]), row["Quarter"], row["Nationality"], row["Region"], "Main applicant"]
            + ["Non-UASC", rng.choice(AGES), rng.choice(SEXES), "In country", rng.randint(1, 500)]
        )
    applications.append(["End of table"])
    ws = wb.create_sheet(sheet)
    ws.append(["Asy_D02: Outcomes of asylum applications at initial decision, and refugees resettled"])
    ws.append(header or HEADER)
    for row in rows:
        for cells in decision_rows(row, rng):
            ws.append(cells)
    ws.append(["End of table"])
    ws.append([])
    ws.append(["Source: Home Office, Immigration system statistics, table Asy_D02."])
    ws.append(["Note: figures are the number of decisions on main applicants and dependants."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
