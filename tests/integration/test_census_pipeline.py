"""The census extract through real `airflow dags test` runs, real dbt builds and real GX gates, on the
real bundled census files: published figures, totals kept through re-keying and roll-ups, a file
dropped in the inbox picked up without a code change, and broken deliveries that change nothing."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from tests.conftest import ROOT, Project
from tests.support import census as cs
from tests.support.warehouse import marts_fingerprint

pytestmark = pytest.mark.integration

LEICESTER = "E06000016"
NEWHAM = "E09000025"
MANCHESTER = "E08000003"
BRADFORD = "E08000032"
SEEDS = ROOT / "dbt_project/seeds/reference"
SOCIAL = "Tenure of household: Social rented"
NOT_ENGLISH = "Main language is not English (English or Welsh in Wales)"  # TS029 header


@pytest.fixture(scope="module")
def census(bundled: Project) -> Project:
    """The session's deployment refreshed from the bundled sample (read only here)."""
    return bundled


def test_leicester_reproduces_the_published_figures(census: Project) -> None:
    row = census.query(
        "select households, social_rented, private_rented, born_outside_uk_2021, residents_2021, "
        "residents_2021_source_table, born_outside_uk_2011, residents_2011, arrived_2020_to_2021, "
        "uk_passport from marts.mart_community_profile_by_la where lad_code = ?",
        [LEICESTER],
    )
    assert row == [(127_389, 29_495, 37_437, 151_492, 368_570, "TS004", 110_843, 329_839, 11_197, 238_152)]


@pytest.mark.parametrize(
    ("table", "category", "published"),
    [
        ("TS004", "Europe > United Kingdom", 217_078),
        ("TS015", "Arrived 2020 to 2021", 11_197),
        ("TS005", "Europe > United Kingdom", 238_152),
        ("TS012", "Middle East and Asia > Southern Asia > India", 59_842),
        ("TS052", "-2 or less", 4_076),
        ("QS405EW", "Social rented", 31_270),
    ],
)
def test_leicester_figures_of_every_full_table(census: Project, table, category, published) -> None:
    assert census.query(
        "select value, source_level from marts.fct_census_cells_by_la "
        "where lad_code = ? and table_code = ? and category_path = ?",
        [LEICESTER, table, category],
    ) == [(published, "ltla")]


def test_newham_has_the_highest_overcrowding_share(census: Project) -> None:
    """Computed again from the district TS052 file with the csv module, not the pipeline."""
    header, rows = cs.bulk_table(cs.LTLA_TABLES["TS052"])
    column = {label.rsplit(": ", 1)[-1]: i for i, label in enumerate(header)}
    crowded = {r[2]: int(r[column["-1"]]) + int(r[column["-2 or less"]]) for r in rows}
    households = {r[2]: int(r[column["All households"]]) for r in rows}
    top = max(households, key=lambda la: crowded[la] / households[la])
    assert top == NEWHAM
    ranked = census.query(
        "select lad_code, overcrowded_households, occupancy_households from marts.mart_community_profile_by_la "
        "order by overcrowded_share desc limit 1",
    )
    assert ranked == [(NEWHAM, crowded[NEWHAM], households[NEWHAM])]


def test_totals_are_kept_at_every_level(census: Project) -> None:
    """TS054: every category summed over today's districts equals the published LTLA column sum;
    QS203EW: the 2011 districts summed into today's keep the England and Wales total; and inside each
    district every subtotal equals the sum of its children (Leicester's tenure, by hand)."""
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    column_sums = {h: sum(int(r[i]) for r in rows) for i, h in enumerate(header) if i >= 3}
    warehouse = dict(
        census.query(
            "select category_path, sum(value) from marts.fct_census_cells_by_la "
            "where release = 'census2021-ts054' group by 1",
        )
    )
    assert warehouse["Total"] == column_sums["Tenure of household: Total: All households"] == 24_783_164
    assert warehouse["Social rented"] == column_sums["Tenure of household: Social rented"]
    assert (
        warehouse["Private rented > Private landlord or letting agency"]
        == column_sums["Tenure of household: Private rented: Private landlord or letting agency"]
    )
    assert len(warehouse) == len(column_sums) == 13

    with open(SEEDS / "ref_ons_census2011_qs203ew_lad11_usual_residents.csv", newline="") as fh:
        lads_2011 = [
            int(r["All categories: Country of birth"])
            for r in csv.DictReader(fh)
            if r["Area code"][:3] in ("E06", "E07", "E08", "E09", "W06")
        ]
    assert len(lads_2011) == 348
    assert census.query("select sum(residents_2011) from marts.mart_community_profile_by_la") == [
        (sum(lads_2011),)
    ]

    tenure = dict(
        census.query(
            "select category_path, value from marts.fct_census_cells_by_la "
            "where lad_code = ? and table_code = 'TS054'",
            [LEICESTER],
        )
    )
    level_one = ["Owned", "Shared ownership", "Social rented", "Private rented", "Lives rent free"]
    assert tenure["Total"] == sum(tenure[c] for c in level_one) == 127_389
    assert tenure["Social rented"] == (
        tenure["Social rented > Rents from council or Local Authority"]
        + tenure["Social rented > Other social rented"]
    )


def path_of_column(census: Project, table: str) -> dict[str, str]:
    """Each published column (or TS012 category name) of a table -> its category path, as loaded."""
    return dict(
        census.query(
            "select distinct source_column, category_path from raw.ons_census__cells where table_code = ?",
            [table],
        )
    )


@pytest.mark.parametrize("table", sorted(set(cs.LTLA_TABLES) | {"QS405EW"}))
def test_every_category_summed_over_districts_equals_the_file(census: Project, table) -> None:
    """Each full district table (and the 2011 QS405EW, whose 348 districts are summed into today's
    318): every category, at every level of its hierarchy, summed over the districts equals the
    file's column sum (csv module); a table's categories appear once each (no double counting)."""
    path = cs.QS405EW if table == "QS405EW" else cs.LTLA_TABLES[table]
    header, rows = cs.bulk_table(path)
    first = 4 if table == "QS405EW" else 3
    column_sums = {h: sum(int(r[i]) for r in rows) for i, h in enumerate(header) if i >= first}
    warehouse = dict(
        census.query(
            "select category_path, sum(value) from marts.fct_census_cells_by_la "
            "where table_code = ? and release_kind = 'full' group by 1",
            [table],
        )
    )
    assert {path_of_column(census, table)[c]: s for c, s in column_sums.items()} == warehouse


def test_ts012_countries_sum_to_the_file_and_name_every_community(census: Project) -> None:
    """TS012 (long): every category summed over districts equals the file's (csv module), and a
    country in a district is one row of the community fact (Afghan-born in Bradford)."""
    with open(cs.TS012, newline="", encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    by_category: dict[str, int] = defaultdict(int)
    for line in lines:
        by_category[line["country_of_birth"]] += int(float(line["value"]))
    warehouse = dict(
        census.query(
            "select category_path, sum(value) from marts.fct_census_cells_by_la "
            "where table_code = 'TS012' and category_path <> 'Total' group by 1"
        )
    )
    paths = path_of_column(census, "TS012")
    assert warehouse == {paths[c]: s for c, s in by_category.items()}
    bradford = next(
        int(float(x["value"]))
        for x in lines
        if x["ltla21_code"] == BRADFORD and x["country_of_birth"].endswith("southern_asia_afghanistan")
    )
    assert census.query(
        "select residents, source_table from marts.fct_residents_by_country_of_birth "
        "where lad_code = ? and census_year = 2021 and community_key = 'afghanistan'",
        [BRADFORD],
    ) == [(bradford, "TS012")]
    leaves = census.query(
        "select count(*) from marts.dim_community where community_type in ('country', 'country_group', 'uk_country')"
    )
    assert leaves == [(59,)]
    # the countries of a sub-region add up to it, in every district (no community is counted twice)
    assert census.query(
        "select count(*) from ("
        " select f.lad_code, d.sub_region_key, sum(f.residents) as summed"
        " from marts.fct_residents_by_country_of_birth as f"
        " join marts.dim_community as d on f.community_key = d.community_key"
        " where f.census_year = 2021 and d.community_type in ('country', 'country_group')"
        " and d.sub_region_key is not null group by 1, 2) as countries"
        " join marts.fct_residents_by_country_of_birth as s"
        " on s.lad_code = countries.lad_code and s.community_key = countries.sub_region_key"
        " and s.census_year = 2021 where s.residents <> countries.summed"
    ) == [(0,)]


def test_arrival_cohorts_and_tenure_change_are_the_files(census: Project) -> None:
    header, rows = cs.bulk_table(cs.LTLA_TABLES["TS015"])
    leicester = rows[cs.row_index(rows, LEICESTER)]
    published = {
        h.removesuffix("; measures: Value").split(": ")[1]: int(v)
        for h, v in zip(header[3:], leicester[3:], strict=True)
    }
    cohorts = dict(
        census.query(
            "select arrival_band, residents from marts.mart_arrival_cohorts_by_la "
            "where lad_code = ? and is_cohort_since_2011",
            [LEICESTER],
        )
    )
    assert cohorts == {
        b: published[b] for b in published if b.startswith("Arrived 20") and b >= "Arrived 2011"
    }
    assert cohorts["Arrived 2020 to 2021"] == 11_197

    header, rows = cs.bulk_table(cs.QS405EW)
    row_2011 = rows[cs.row_index(rows, LEICESTER)]
    social_2011 = int(row_2011[header.index("Tenure: Social rented: Total; measures: Value")])
    assert census.query(
        "select households_2011, households_2021 from marts.mart_tenure_change_2011_2021 "
        "where lad_code = ? and tenure = 'social_rented'",
        [LEICESTER],
    ) == [(social_2011, 29_495)]
    assert social_2011 == 31_270
    # 2011 England and Wales households, summed into today's districts, as in the file
    total_2011 = sum(int(r[header.index("Tenure: All categories: Tenure; measures: Value")]) for r in rows)
    assert census.query(
        "select sum(households_2011) from marts.mart_tenure_change_2011_2021 where tenure = 'all_households'"
    ) == [(total_2011,)]
    assert total_2011 == 23_366_044


def test_wards_sum_their_lsoas(census: Project) -> None:
    """Ward drill-down: each 2024 ward's households are its LSOAs' (ONS lookup, read with csv)."""
    with open(SEEDS / "ref_geographr_lookup_lsoa21_ward24_ltla24.csv", newline="") as fh:
        ward_of = {
            r["lsoa21_code"]: r["ward24_code"] for r in csv.DictReader(fh) if r["ltla24_code"] == LEICESTER
        }
    households: dict[str, int] = defaultdict(int)
    with open(cs.TS052_LSOA, newline="") as fh:
        for r in csv.DictReader(fh):
            if r["lsoa21_code"] in ward_of:
                households[ward_of[r["lsoa21_code"]]] += int(r["total_households"])
    wards = dict(
        census.query(
            "select area_code, households from marts.mart_neighbourhood_profile "
            "where geography_level = 'ward' and lad_code = ?",
            [LEICESTER],
        )
    )
    assert wards == dict(households) and len(wards) > 10


def test_neighbourhoods_drill_down_below_the_local_authority(census: Project) -> None:
    """Leicester's MSOAs: proficiency as published for the MSOA, overcrowding summed from its LSOAs
    (an LSOA's MSOA is named like it without the final letter), both from the files with csv."""
    with open(SEEDS / "ref_geographr_lookup_lsoa21_ward24_ltla24.csv", newline="") as fh:
        lsoa_names = {
            r["lsoa21_code"]: r["lsoa21_name"] for r in csv.DictReader(fh) if r["ltla24_code"] == LEICESTER
        }
    crowded: dict[str, int] = defaultdict(int)
    with open(cs.TS052_LSOA, newline="") as fh:
        for r in csv.DictReader(fh):
            if r["lsoa21_code"] in lsoa_names:
                msoa_name = lsoa_names[r["lsoa21_code"]][:-1]
                crowded[msoa_name] += int(r["-1 (overcrowded)"]) + int(r["-2 or less (overcrowded)"])
    with open(cs.TS029_MSOA, newline="") as fh:
        cannot = {
            # demographr wrote the counts as doubles ("116.0")
            r["msoa21_code"]: int(float(r[f"{NOT_ENGLISH}: Cannot speak English well"]))
            + int(float(r[f"{NOT_ENGLISH}: Cannot speak English"]))
            for r in csv.DictReader(fh)
        }
    rows = census.query(
        "select area_code, area_name, overcrowded_households, cannot_speak_english_well "
        "from marts.mart_neighbourhood_profile where lad_code = ? and geography_level = 'msoa'",
        [LEICESTER],
    )
    assert len(rows) == len(crowded)  # every MSOA is placed
    for code, name, overcrowded, cannot_speak in rows:
        assert (overcrowded, cannot_speak) == (crowded[name], cannot[code]), name
    lsoas = census.query(
        "select count(*), sum(overcrowded_households) from marts.mart_neighbourhood_profile "
        "where lad_code = ? and geography_level = 'lsoa'",
        [LEICESTER],
    )
    assert lsoas == [(len(lsoa_names), sum(crowded.values()))]


def test_every_cell_is_accounted_for(census: Project) -> None:
    loads = census.query(
        "select count(*), sum(rows_in_file), sum(rows_loaded), sum(rows_quarantined) from meta.loads "
        "where source = 'ons_census'",
    )
    raw = census.query("select count(*) from raw.ons_census__cells")[0][0]
    bundled = [p for p in cs.SAMPLE_DIR.iterdir() if p.suffix in (".csv", ".xls")]
    assert loads == [(len(bundled), raw, raw, 0)]  # every bundled census file
    # every MSOA and LSOA of England and Wales is placed in its district
    assert census.query("select count(*) from quarantine.census_unplaced_areas") == [(0,)]
    # and the loads say where every cell went: in the facts, or set aside with the reason
    outcomes = dict(
        census.query(
            "select coalesce(reason, outcome), sum(rows) from meta.load_outcomes where source = 'ons_census' group by 1"
        )
    )
    assert sum(outcomes.values()) == raw
    assert not [n for reason, n in outcomes.items() if reason.startswith("area could not be placed")]
    assert census.query(
        "select sum(rows_in_facts) + sum(rows_set_aside) from meta.loads where source = 'ons_census'"
    ) == [(raw,)]


def test_a_corrected_census_file_dropped_in_the_inbox_is_picked_up(fork) -> None:
    """A corrected TS015 (Manchester's 2020-2021 arrivals revised) arrives through the inbox: the same
    DAGs load it with no code change, the corrected area replaces the published one cell by cell, and
    the other 16 districts keep their figures."""
    census = fork("census-correction")
    header, rows = cs.bulk_table(cs.TS015)
    since_2011 = [
        i for i, h in enumerate(header) if any(f"Arrived {y}" in h for y in (2011, 2014, 2017, 2020))
    ]
    assert len(since_2011) == 4
    before = dict(
        census.query("select lad_code, arrived_2011_to_2021 from marts.mart_community_profile_by_la")
    )
    manchester = cs.row_index(rows, MANCHESTER)
    recent = next(i for i in since_2011 if "2020" in header[i])
    total = header.index(
        next(h for h in header if h.split(";")[0].strip().endswith("Total: All usual residents"))
    )
    corrected = [list(r) for r in rows]
    corrected[manchester][recent] = str(int(rows[manchester][recent]) + 100)
    corrected[manchester][total] = str(int(rows[manchester][total]) + 100)
    name = "census2021-ts015-ltla-corrected.csv"
    (census.inbox("ons_census") / name).write_bytes(cs.write_csv(header, [corrected[manchester]]))
    result = census.cli("refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (census.inbox("ons_census") / "processed" / name).exists()
    after = dict(
        census.query("select lad_code, arrived_2011_to_2021 from marts.mart_community_profile_by_la")
    )
    assert (
        after[MANCHESTER]
        == before[MANCHESTER] + 100
        == sum(int(rows[manchester][i]) for i in since_2011) + 100
    )
    assert {k: v for k, v in after.items() if k != MANCHESTER} == {
        k: v for k, v in before.items() if k != MANCHESTER
    }
    assert "build: incremental" in result.stdout and "source:ons_census" in result.stdout


@pytest.fixture(scope="module")
def bad_census_deliveries(fork) -> tuple[Project, object, dict]:
    """Four re-deliveries of real TS054 rows in one refresh: a changed header (refused at the door),
    a non-numeric cell (Leicester), a missing category column (every area's total then disagrees
    with its categories) and an unknown area code."""
    census = fork("census-bad-deliveries")
    before = marts_fingerprint(census.warehouse, with_loads=False)
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    inbox = census.inbox("ons_census")
    changed = cs.with_header(header, "Tenure of household: Lives rent free", "Tenure: Lives rent free")
    (inbox / "census2021-ts054-ltla-reissued.csv").write_bytes(cs.write_csv(changed, rows))
    leicester = cs.row_index(rows, LEICESTER)
    (inbox / "census2021-ts054-ltla-nonnumeric.csv").write_bytes(
        cs.write_csv(header, cs.with_cell(header, rows, leicester, SOCIAL, "29,4x5"))
    )
    short_header, short_rows = cs.without_column(header, rows[:5], "Tenure of household: Lives rent free")
    (inbox / "census2021-ts054-ltla-missing.csv").write_bytes(cs.write_csv(short_header, short_rows))
    (inbox / "census2021-ts054-ltla-unknown.csv").write_bytes(
        cs.write_csv(header, cs.with_cell(header, rows[:3], 1, "geography code", "E06999999"))
    )
    return census, census.cli("refresh"), before


def test_a_changed_header_is_refused_alone(bad_census_deliveries) -> None:
    """The refused file fails the run for monitoring (exit 1, the source reported failed) while the
    other deliveries in the same inbox still load."""
    census, result, _ = bad_census_deliveries
    assert result.returncode == 1, result.stdout + result.stderr
    name = "census2021-ts054-ltla-reissued.csv"
    reason = (census.inbox("ons_census") / "rejected" / f"{name}.reason.txt").read_text()
    assert name in reason and "row 1" in reason and "Tenure: Lives rent free" in reason
    assert (
        "ons_census: FAILED" in result.stdout
        and "delivery refused: census2021-ts054-ltla-reissued.csv" in result.stdout
    )
    assert census.query(
        "select count(*) from meta.loads where source_file like 'census2021-ts054-ltla-%'"
    ) == [(3,)]


def test_bad_cells_and_unknown_areas_are_quarantined_and_marts_do_not_change(bad_census_deliveries) -> None:
    """The good areas load; the bad ones are quarantined with file, row and column; what users see
    is unchanged."""
    census, _, before = bad_census_deliveries
    header, rows = cs.bulk_table(cs.TS054["ltla"])
    leicester = cs.row_index(rows, LEICESTER)
    loads = dict(
        (f, (i, q))
        for f, i, q in census.query(
            "select source_file, rows_in_file, rows_quarantined from meta.loads "
            "where source_file like 'census2021-ts054-ltla-%'",
        )
    )
    assert loads == {
        "census2021-ts054-ltla-nonnumeric.csv": (331 * 13, 13),
        "census2021-ts054-ltla-missing.csv": (5 * 12, 5 * 12),
        "census2021-ts054-ltla-unknown.csv": (3 * 13, 0),
    }
    quarantined = census.query(
        "select distinct source_file, row_number, column_name, value from quarantine.rows "
        "where source = 'ons_census' and source_file like '%nonnumeric%'",
    )
    assert quarantined == [("census2021-ts054-ltla-nonnumeric.csv", cs.csv_line(leicester), SOCIAL, "29,4x5")]
    unplaced = census.query(
        "select source_file, source_row_number, value, reason from quarantine.census_unplaced_areas "
        "where geography_level = 'ltla'",
    )
    assert unplaced == [
        (
            "census2021-ts054-ltla-unknown.csv",
            cs.csv_line(1),
            "E06999999",
            "local authority code E06999999 is not in the LAD crosswalk",
        )
    ]
    assert marts_fingerprint(census.warehouse, with_loads=False) == before
