"""The Citizenship Survey through the README's refresh (real Airflow DAG runs): the seven SYNTHETIC
waves are generated in both UK Data Service formats, archived encrypted, loaded with serial numbers
keyed-hashed and every row accounted for; the mart reproduces the published shares within their
95% intervals, suppresses cells under 50 and labels every row SYNTHETIC; the region pages draw the
intervals; and bad deliveries (a missing weight column, a truncated .sav, an unknown wave, labels
that disagree with the dictionary) fail naming the file and column while the published marts stay
as they were, and a value the dictionary does not label quarantines its row without the value."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from housing_need.sources.citizenship_survey.read import parse_survey
from housing_need.sources.citizenship_survey.waves import waves
from housing_need.synth import survey
from tests.conftest import Project

pytestmark = pytest.mark.integration

SOURCE = "citizenship_survey"
NATIONAL = "region_code = 'all' and years_in_uk = 'all' and tenure = 'all'"


def generated(project: Project) -> list[Path]:
    return sorted((project.var_dir / "generated" / SOURCE).glob("SYNTHETIC-citizenship-survey-*"))


def test_the_refresh_generates_loads_and_reproduces_the_published_shares(bundled: Project) -> None:
    files = generated(bundled)
    assert len(files) == 7 and {p.suffix for p in files} == {".sav", ".zip"}
    loads = bundled.query(
        "select source_file, release, rows_in_file, rows_loaded, rows_quarantined from meta.loads "
        "where source = ? order by 1",
        [SOURCE],
    )
    assert [r[0] for r in loads] == [p.name for p in files]
    assert sorted(r[1] for r in loads) == list(waves())
    assert all(r[2] == r[3] and r[4] == 0 for r in loads)
    ((raw,),) = bundled.query("select count(*) from raw.dclg__citizenship_survey")
    ((in_facts,),) = bundled.query(
        "select sum(rows) from audit.survey_row_outcomes where outcome = 'in_facts'"
    )
    assert raw == in_facts == sum(r[3] for r in loads)
    ((boost_0708,),) = bundled.query(
        "select count(*) from raw.dclg__citizenship_survey where wave = '2007-08' and sample_type = 'boost'"
    )
    assert boost_0708 == 4_759

    compared = bundled.query(
        f"""
        select published.wave, published.ethnic_group, published.published_share, fct.estimate, fct.ci_lower,
               fct.ci_upper, fct.design_effect
        from reference.ref_survey_published_shares as published
        inner join marts.fct_survey_estimate_by_wave_cell as fct
            using (survey, wave, indicator, ethnic_group)
        where {NATIONAL}
        order by 1, 2
        """
    )
    assert [(w, g) for w, g, *_ in compared] == [
        ("2001", "ethnic_minority"),
        ("2001", "white"),
        ("2005", "white"),
        ("2007-08", "ethnic_minority"),
        ("2007-08", "white"),
    ]
    for wave, group, published, estimate, low, high, design_effect in compared:
        assert low <= published <= high, (wave, group)
        assert abs(estimate - published) < 0.002, (wave, group)
        assert 0 < high - low < 0.04 and design_effect > 1.44, (
            wave,
            group,
        )  # deft 1.3 squared, and weighting

    # every cell says SYNTHETIC; no cell under 50 respondents shows a figure
    assert bundled.query(
        "select count(*) filter (where not is_synthetic or data_label not like 'SYNTHETIC%'), "
        "count(*) filter (where respondents < 50), "
        "count(*) filter (where is_unreliable and (estimate is not null or respondents is not null)), "
        "count(*) filter (where is_suppressed), count(*) filter (where not is_suppressed) "
        "from marts.fct_survey_estimate_by_wave_cell"
    )[0][:3] == (0, 0, 0)
    # value labels kept per wave: 5 ethnic groups coded in 2001, 16 from 2005
    labels = dict(
        bundled.query(
            "select wave, count(*) from marts.dim_survey_value_label where variable = 'ethnic_group' group by wave"
        )
    )
    assert labels["2001"] == 5 and labels["2007-08"] == 16


def test_no_respondent_row_or_serial_number_leaves_the_loader(bundled: Project) -> None:
    mart_columns = {
        c
        for (c,) in bundled.query(
            "select column_name from information_schema.columns where table_schema = 'marts'"
        )
    }
    assert not mart_columns & {"respondent_id", "serial", "respondent_key", "weight_full_individual"}
    raw_columns = {
        c
        for (c,) in bundled.query(
            "select column_name from information_schema.columns where table_name = 'dclg__citizenship_survey'"
        )
    }
    assert "serial" not in raw_columns and "respondent_id" in raw_columns
    first = generated(bundled)[0]
    serials = [r["serial"] for r in parse_survey(first.read_bytes(), first.name).rows[:50]]
    assert bundled.query(
        "select count(*) from raw.dclg__citizenship_survey where respondent_id in "
        f"({', '.join('?' for _ in serials)}) or not regexp_full_match(respondent_id, '[0-9a-f]{{32}}')",
        serials,
    ) == [(0,)]
    archive = bundled.var_dir / "archive" / SOURCE
    assert not list(archive.rglob("*.sav")) and not list(archive.rglob("*.zip"))
    encrypted = list(archive.rglob("*.enc"))
    assert len(encrypted) == 7 and all(p.read_bytes().startswith(b"HNENC1") for p in encrypted)


def test_the_region_pages_draw_the_housing_services_intervals(bundled: Project) -> None:
    page = (bundled.var_dir / "site" / "briefing" / "regions" / "london.html").read_text(encoding="utf-8")
    section = page[page.index("<section id='housing-services'>") :]
    section = section[: section.index("</section>")]
    assert "SYNTHETIC survey data" in section and "95% confidence interval" in section
    assert re.search(
        r"<h2>How people experience housing services <strong class=\"synthetic\">SYNTHETIC</strong></h2>",
        section,
    )
    assert section.count('class="range"') == 14  # 7 waves x White and ethnic minority, intervals drawn


def _relabel_london(content: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for info in source.infolist():
            text = source.read(info.filename).decode()
            if "dictionary" in info.filename:
                text = text.replace(" = London", " = Greater London")
            bundle.writestr(info, text.encode())
    return out.getvalue()


def test_bad_survey_deliveries_fail_or_quarantine_and_change_nothing_else(bundled: Project, fork) -> None:
    project = fork("survey-bad")
    before = project.query("select * from marts.fct_survey_estimate_by_wave_cell order by cell_key")
    inbox = project.inbox(SOURCE)
    wave = waves()["2007-08"]
    encoded = survey.encode(wave, survey.simulate(wave))
    weight = wave.variables["weight_full_individual"].name
    (inbox / "SYNTHETIC-citizenship-survey-cs0708-no-weight.sav").write_bytes(
        survey.sav_bytes(wave, encoded.drop(columns=[weight]))
    )
    files = {p.name: p.read_bytes() for p in generated(bundled)}
    sav_name = next(n for n in files if n.endswith(".sav") and "cs0910" in n)
    (inbox / sav_name.replace(".sav", "-cut.sav")).write_bytes(files[sav_name][: len(files[sav_name]) // 3])
    # (new bytes: a copy of an archived file would be recognised as already delivered, not parsed)
    (inbox / "SYNTHETIC-citizenship-survey-cs1213.sav").write_bytes(
        survey.sav_bytes(wave, encoded.iloc[:200])
    )
    tab_name = next(n for n in files if "hocs2001" in n)
    (inbox / tab_name.replace("-tab.zip", "-relabelled-tab.zip")).write_bytes(
        _relabel_london(files[tab_name])
    )
    result = project.cli("refresh")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out  # refused deliveries make the run fail
    assert f"column '{weight}'" in out and "refused" in out
    assert "truncated or corrupt" in out and "names no configured wave" in out
    assert "column 'GOR'" in out and "Greater London" in out
    assert project.query("select * from marts.fct_survey_estimate_by_wave_cell order by cell_key") == before

    # the 2007-08 wave again with one value its dictionary does not label: that row alone is
    # quarantined, by column and without its value, and the new delivery replaces the wave
    region = wave.variables["region"].name
    encoded.loc[5, region] = 99.0
    (inbox / "SYNTHETIC-citizenship-survey-cs0708-UKDA-5739-reissue.sav").write_bytes(
        survey.sav_bytes(wave, encoded)
    )
    second = project.cli("refresh")
    assert second.returncode == 0, second.stdout + second.stderr
    assert project.query(
        "select row_number, column_name, value, record from quarantine.rows where source = ?", [SOURCE]
    ) == [(6, region, None, None)]
    ((respondents,),) = project.query(
        "select count(*) from intermediate.int_survey_respondents where wave = '2007-08'"
    )
    assert respondents == 14_095 - 1
    outcomes = dict(
        project.query(
            "select reason, sum(rows) from audit.survey_row_outcomes where outcome = 'set_aside' group by reason"
        )
    )
    assert outcomes == {"superseded: survey wave taken from a newer load of the same release": 14_095}
