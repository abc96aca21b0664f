"""What a data engineer expects from each kind of awkward Asy_D11 delivery, settled on the real rows
through real refreshes (Airflow DAG runs, dbt, GX) on a copy of the bundled deployment.

Refresh 1 has, in one inbox: the bundled file again (archived and loaded once), three broken files
(zero bytes, a workbook cut short, a missing column: each refused alone) and a re-issue of the
2023 Q4 rows as Windows-1252 behind a UTF-8 BOM with a Welsh name, an extra column, a negative and a
non-numeric count, an exact duplicate row, a spreadsheet formula and an unplaceable local authority.
Refresh 2 delivers two releases: one that revises an earlier quarter and overlaps the bundled file,
and one whose quarters are all older than what is published. Refresh 3 follows a data engineer's
`archive reject` of the overlapping release: its rows are withdrawn.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from housing_need.sources.conventions import formula_start
from tests.conftest import SAMPLE_CSV, Project
from tests.support import asy_d11
from tests.support.warehouse import marts_fingerprint

pytestmark = pytest.mark.integration

Q4 = "2023-12-31"
DEFECTS = "asy_d11_2023q4_reissue.csv"
SOURCE = "home_office_asylum_support"


def fact_total(project: Project, period: str) -> int:
    return project.query(
        "select sum(people) from marts.fct_asylum_support_by_la_quarter where period_end = ?::date", [period]
    )[0][0]


def published_totals() -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in asy_d11.real_rows():
        totals[row["Date"]] += int(row["People"])
    return dict(totals)


@pytest.fixture(scope="module")
def deliveries(fork):
    project = fork("awkward-deliveries")
    inbox = project.inbox()
    before = marts_fingerprint(project.warehouse)
    real = asy_d11.real_rows()
    q4 = [r for r in real if r["Date"] == Q4]
    # the re-issue: row 0 negative, row 1 not a number, row 2 an unknown LA, row 4 a formula,
    # row 3 delivered twice, a Welsh row renamed Ynys Môn, an extra column; cp1252 behind a UTF-8 BOM
    rows = asy_d11.with_exact_duplicates(q4, [3])
    rows[0] = {**rows[0], "People": "-3"}
    rows[1] = {**rows[1], "People": "lots"}
    rows[2] = {**rows[2], "LAD Code": "E09999999", "Local Authority": "Atlantis"}
    rows, welsh = asy_d11.with_welsh_name(rows)
    content = asy_d11.with_extra_column(asy_d11.with_formula_text(asy_d11.to_publisher_csv(rows), 4), "Notes")
    text = content.decode("utf-8-sig")
    (inbox / DEFECTS).write_bytes(asy_d11.encode_as(text, "cp1252-after-utf8-bom"))
    (inbox / "asy_d11_redelivered.csv").write_bytes(SAMPLE_CSV.read_bytes())
    (inbox / "empty.csv").write_bytes(asy_d11.EMPTY)
    (inbox / "truncated.xlsx").write_bytes(asy_d11.truncated_xlsx(real[:200]))
    (inbox / "missing_people.csv").write_bytes(
        asy_d11.with_missing_column(asy_d11.to_publisher_csv(real[:200]), "People")
    )
    first = project.cli("refresh")
    lost = [int(q4[i]["People"]) for i in (0, 1, 2, 4)]  # quarantined or unplaced: not in the facts
    return project, first, before, {"q4": q4, "welsh": welsh, "lost": lost}


def test_broken_files_are_refused_alone_and_the_rest_loads(deliveries) -> None:
    project, result, _, _ = deliveries
    out = result.stdout + result.stderr
    assert result.returncode == 1, out  # a source failed: monitoring must see it
    assert f"{SOURCE}: FAILED" in out
    rejected = project.inbox() / "rejected"
    reasons = {p.name.removesuffix(".reason.txt"): p.read_text() for p in rejected.glob("*.reason.txt")}
    assert set(reasons) == {"empty.csv", "truncated.xlsx", "missing_people.csv"}
    assert "empty" in reasons["empty.csv"] and "0 bytes" in reasons["empty.csv"]
    assert "truncated.xlsx" in reasons["truncated.xlsx"]
    assert "row 1" in reasons["missing_people.csv"] and "'People'" in reasons["missing_people.csv"]
    for name in reasons:
        assert f"delivery refused: {name}" in out
    assert project.query("select count(*) from meta.loads where source_file = ?", [DEFECTS]) == [(1,)]


def test_the_same_file_again_is_archived_and_loaded_once(deliveries) -> None:
    project, _, _, _ = deliveries
    assert (project.inbox() / "processed" / "asy_d11_redelivered.csv").exists()
    assert project.query(
        "select count(*) from meta.loads where sha256 = (select sha256 from meta.loads "
        "where source_file = ?)",
        [SAMPLE_CSV.name],
    ) == [(1,)]


def test_every_row_of_the_reissue_is_accounted_for(deliveries) -> None:
    """Rows in file = loaded + quarantined; and every loaded row is in the facts or set aside with
    its reason — the run summary and meta.loads say so, nothing leaves the totals unseen."""
    project, result, _, data = deliveries
    in_file = len(data["q4"]) + 1  # the duplicated row is a row of the file
    (load_id, rows_in, loaded, quarantined, in_facts, set_aside, warnings) = project.query(
        "select load_id, rows_in_file, rows_loaded, rows_quarantined, rows_in_facts, rows_set_aside, warnings "
        "from meta.loads where source_file = ?",
        [DEFECTS],
    )[0]
    assert (rows_in, loaded, quarantined) == (in_file, in_file - 4, 4)
    assert (in_facts, set_aside) == (in_file - 5, 1)  # the unplaceable LA
    assert "'Notes'" in warnings and "was not loaded" in warnings
    reasons = project.query(
        "select row_number, column_name, value, reason from quarantine.rows where load_id = ? order by row_number",
        [load_id],
    )
    by_row = {r[0]: r for r in reasons}
    assert by_row[asy_d11.csv_line(0)][1:3] == ("People", "-3")
    assert by_row[asy_d11.csv_line(1)][1:3] == ("People", "lots")
    assert "would run as a spreadsheet formula" in by_row[asy_d11.csv_line(4)][3]
    assert by_row[asy_d11.csv_line(4)][1] == "Local Authority"
    duplicate = by_row[asy_d11.csv_line(len(data["q4"]))]
    assert duplicate[3] == f"exact duplicate of row {asy_d11.csv_line(3)}"
    unresolved = project.query(
        "select source_row_number, columns, published_lad_code, local_authority_name, reason "
        "from quarantine.asylum_support_unresolved_geography where load_id = ?",
        [load_id],
    )
    # listed once (not once per column), naming both columns that failed to identify an LA
    assert unresolved == [
        (
            asy_d11.csv_line(2),
            "LAD Code, Local Authority",
            "E09999999",
            "Atlantis",
            "LAD code 'E09999999' is not a known GSS code; name 'Atlantis' matches no local authority",
        )
    ]
    outcomes = dict(
        project.query(
            "select outcome || coalesce(': ' || reason, ''), sum(rows) from meta.load_outcomes "
            "where load_id = ? group by 1",
            [load_id],
        )
    )
    assert sum(outcomes.values()) == in_file and outcomes["in_facts"] == in_file - 5
    assert "warning: " in result.stdout and f"{in_file - 5} rows in facts" in result.stdout


def test_the_reissue_reaches_the_facts_correctly(deliveries) -> None:
    """Its quarter replaces the bundled one (same release, newer load): the total is the published
    one less the four rows that could not be counted, the duplicate is not added twice, the Welsh name
    arrives intact, and no mart holds text a spreadsheet would execute."""
    project, _, _, data = deliveries
    assert fact_total(project, Q4) == published_totals()[Q4] - sum(data["lost"])
    assert project.query(
        "select local_authority from raw.home_office__asylum_support where _source_file = ? and lad_code = ?",
        [DEFECTS, asy_d11.WELSH_CODE],
    ) == [(asy_d11.WELSH_NAME,)]
    welsh_people = int(data["q4"][data["welsh"]]["People"])
    assert project.query(
        "select sum(people) from marts.fct_asylum_support_by_la_quarter where lad_code = ? and period_end = ?::date",
        [asy_d11.WELSH_CODE, Q4],
    ) == [(welsh_people,)]
    tables = project.query(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts' "
        "and data_type = 'VARCHAR'"
    )
    executable = [
        (table, column, value)
        for table, column in tables
        for (value,) in project.query(
            f'select distinct "{column}" from marts."{table}" where "{column}" is not null'
        )
        if formula_start(value)
    ]
    assert executable == []


@pytest.fixture(scope="module")
def releases(deliveries):
    """Refresh 2: a release overlapping the bundled one that revises an earlier quarter, and a
    release whose quarters are all older than what is published."""
    project = deliveries[0]
    _, overlapping = asy_d11.overlapping_releases(asy_d11.real_rows())
    older = asy_d11.older_release(asy_d11.real_rows(), quarters_back=4, delta=1000)
    (project.inbox() / "asy_d11_overlapping.csv").write_bytes(asy_d11.to_publisher_csv(overlapping.rows))
    (project.inbox() / "asy_d11_older.csv").write_bytes(asy_d11.to_publisher_csv(older.rows))
    before = {q: fact_total(project, q) for q in asy_d11.quarters(asy_d11.real_rows())}
    result = project.cli("refresh")
    return project, result, overlapping, older, before


def test_a_release_that_revises_an_earlier_quarter_wins_only_the_quarters_it_carries(releases) -> None:
    project, result, overlapping, older, before = releases
    assert result.returncode == 0, result.stdout + result.stderr
    change = overlapping.change
    revised = change.row["Date"]
    after = {q: fact_total(project, q) for q in before}
    carried = set(asy_d11.quarters(overlapping.rows))
    assert after[revised] == before[revised] + 1
    assert {q: after[q] for q in after if q not in carried} == {
        q: before[q] for q in before if q not in carried
    }
    # its 2023 Q4 replaces the re-issue's (newer load, same release): the published total again
    assert after[Q4] == published_totals()[Q4]
    assert "build: incremental" in result.stdout


def test_a_release_older_than_what_is_published_changes_nothing_and_says_why(releases) -> None:
    project, result, _, older, before = releases
    (rows_in, loaded, in_facts, set_aside) = project.query(
        "select rows_in_file, rows_loaded, rows_in_facts, rows_set_aside from meta.loads where source_file = 'asy_d11_older.csv'"
    )[0]
    assert (rows_in, loaded, in_facts, set_aside) == (len(older.rows), len(older.rows), 0, len(older.rows))
    superseded = project.query(
        "select reason from meta.load_outcomes where load_id = (select load_id from meta.loads "
        "where source_file = 'asy_d11_older.csv') and outcome = 'set_aside'"
    )
    assert len(superseded) == 1 and "newer release" in superseded[0][0]
    # its +1000 on the quarter the overlapping release revised by +1 shows nowhere
    quarter = older.change.row["Date"]
    assert fact_total(project, quarter) == before[quarter] + 1
    assert (
        "asy_d11_older.csv" in result.stdout
        and f"{len(older.rows)} rows set aside: superseded" in result.stdout
    )


def test_rejecting_a_loaded_release_withdraws_its_rows(releases) -> None:
    """Refresh 3: `archive reject` of the overlapping release; the next refresh withdraws its rows
    and the quarters it carried fall back to the releases beneath it."""
    project, _, overlapping, _, before = releases
    sha = project.query("select sha256 from meta.loads where source_file = 'asy_d11_overlapping.csv'")[0][0]
    assert (
        project.cli(
            "archive", "reject", sha[:12], "--reason", "superseded by a corrected re-issue"
        ).returncode
        == 0
    )
    result = project.cli("refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "withdrawn (rejected after loading)" in result.stdout
    assert project.query("select count(*) from meta.loads where source_file = 'asy_d11_overlapping.csv'") == [
        (0,)
    ]
    assert project.query(
        "select count(*) from raw.home_office__asylum_support where _source_file = 'asy_d11_overlapping.csv'"
    ) == [(0,)]
    after = {q: fact_total(project, q) for q in before}
    assert after == before  # back to what refresh 1 published
