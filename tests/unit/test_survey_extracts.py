"""SYNTHETIC Citizenship Survey waves: generated (seeded, deterministic), one file per wave in the
two UK Data Service formats with each wave's own variable names and codes, calibrated to the
published shares; the configured reader turns both formats back into the same canonical rows, and
bad deliveries (a missing weight, a non-positive weight, labels that disagree with the dictionary, a
truncated file, an unknown wave) fail with an error naming the file, row and column, or quarantine
the row without its value."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from housing_need.errors import ParseError
from housing_need.pipeline.raw_schema import raw_columns
from housing_need.sources import PrivacyClass, get_source
from housing_need.sources.citizenship_survey import waves as wave_config
from housing_need.sources.citizenship_survey.read import parse_survey
from housing_need.synth import survey

WAVE = "2007-08"


@pytest.fixture(scope="module")
def wave() -> wave_config.Wave:
    return wave_config.waves()[WAVE]


@pytest.fixture(scope="module")
def encoded(wave) -> pd.DataFrame:
    return survey.encode(wave, survey.simulate(wave))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("survey")
    sav = next(survey.write_waves(out, [WAVE], "sav"))
    tab = next(survey.write_waves(out, [WAVE], "tab"))
    return {"sav": sav, "tab": tab}


def frame(rows: list[dict]) -> pd.DataFrame:
    return (
        pd.DataFrame(rows)
        .drop(columns=["_row_number", "file_format"])
        .sort_values("serial")
        .reset_index(drop=True)
    )


def weighted_share(rows: list[dict], group: str) -> float:
    """Worse / answered, full-sample individual weight: written here with pandas, not the generator."""
    data = pd.DataFrame(rows)
    data = data[data["housing_treated_worse"].notna()]
    members = data["ethnic_group"] == "white" if group == "white" else data["ethnic_group"] != "white"
    chosen = data[members]
    worse = chosen["housing_treated_worse"] == "worse"
    return float((chosen["weight_full_individual"] * worse).sum() / chosen["weight_full_individual"].sum())


def test_the_same_seed_writes_the_same_bytes_and_every_file_says_synthetic(files, tmp_path: Path) -> None:
    again = {fmt: next(survey.write_waves(tmp_path, [WAVE], fmt)) for fmt in ("sav", "tab")}
    assert {f: p.read_bytes() for f, p in again.items()} == {f: p.read_bytes() for f, p in files.items()}
    other = next(survey.write_waves(tmp_path / "other", [WAVE], "sav", seed=7))
    assert other.read_bytes() != files["sav"].read_bytes()
    assert all(p.name.startswith("SYNTHETIC-citizenship-survey-cs0708-UKDA-5739") for p in files.values())
    _, meta = pyreadstat.read_sav(str(files["sav"]), metadataonly=True)
    assert meta.file_label.startswith("SYNTHETIC") and "SYNTHETIC" in " ".join(meta.notes)
    with zipfile.ZipFile(files["tab"]) as bundle:
        names = bundle.namelist()
        dictionary = next(n for n in names if "data_dictionary" in n)
        assert bundle.read(dictionary).decode().startswith("SYNTHETIC")
        assert any(n.endswith("cs0708_synthetic.tab") for n in names)


def test_both_formats_read_back_to_the_same_canonical_rows(files) -> None:
    sav = parse_survey(files["sav"].read_bytes(), files["sav"].name)
    tab = parse_survey(files["tab"].read_bytes(), files["tab"].name)
    assert (sav.file_format, tab.file_format, sav.release, tab.release) == ("sav", "tab", WAVE, WAVE)
    assert sav.quarantined == tab.quarantined == []
    pd.testing.assert_frame_equal(frame(sav.rows), frame(tab.rows))
    # 2007-08 has its published sizes: 14,095 respondents, 4,759 in the ethnic-minority boost
    assert len(sav.rows) == 14_095
    assert sum(r["sample_type"] == "boost" for r in sav.rows) == 4_759
    boost = [r for r in sav.rows if r["sample_type"] == "boost"]
    assert all(r["weight_core_individual"] is None and r["weight_full_individual"] > 0 for r in boost)
    assert all(r["ethnic_group"] != "white" for r in boost)


def test_waves_differ_in_variable_names_and_codes() -> None:
    known = wave_config.waves()
    assert list(known) == ["2001", "2003", "2005", "2007-08", "2008-09", "2009-10", "2010-11"]
    early, late = known["2001"], known["2007-08"]
    assert early.variables["region"].name != late.variables["region"].name
    assert early.variables["housing_treated_worse"].name != late.variables["housing_treated_worse"].name
    # the same code means different things: belonging 1 is very strongly in 2001, not at all in 2007-08
    assert early.variables["belonging"].codes[1].to == "very_strongly"
    assert late.variables["belonging"].codes[1].to == "not_at_all_strongly"
    assert len(early.variables["ethnic_group"].codes) < len(late.variables["ethnic_group"].codes)
    weight_names = {w.variables["weight_full_individual"].name for w in known.values()}
    assert len(weight_names) >= 5


@pytest.mark.parametrize(
    ("wave_id", "white", "minority"),
    [("2001", 0.15, 0.13), ("2005", 0.21, 0.13 - 0.02 * 4 / 6), ("2007-08", 0.25, 0.11)],
)
def test_weighted_shares_reproduce_the_published_figures(wave_id: str, white: float, minority: float) -> None:
    config = wave_config.waves()[wave_id]
    content = survey.wave_bytes(config, "sav")
    rows = parse_survey(content, survey.file_name(config, "sav")).rows
    assert weighted_share(rows, "white") == pytest.approx(white, abs=0.001)
    assert weighted_share(rows, "ethnic_minority") == pytest.approx(minority, abs=0.001)


def test_targets_are_published_interpolated_or_carried_forward() -> None:
    known = wave_config.waves()
    assert survey.target_share(known["2005"], "white") == (0.21, "published")
    share, basis = survey.target_share(known["2003"], "white")
    assert share == pytest.approx(0.18) and basis == "interpolated between 2001 and 2005"
    share, basis = survey.target_share(known["2003"], "ethnic_minority")
    assert share == pytest.approx(0.13 - 0.02 * 2 / 6) and basis == "interpolated between 2001 and 2007"
    assert survey.target_share(known["2010-11"], "ethnic_minority") == (0.11, "carried forward from 2007")


def test_the_spec_is_licensed_and_the_serial_number_never_reaches_raw() -> None:
    spec = get_source("citizenship_survey")
    assert spec.privacy is PrivacyClass.LICENSED and spec.privacy.is_private
    columns = raw_columns(spec)
    assert "serial" not in columns and columns["respondent_id"] == "VARCHAR"


# -- bad deliveries ---------------------------------------------------------------------------------


def test_a_missing_weight_column_refuses_the_wave(wave, encoded) -> None:
    name = wave.variables["weight_full_individual"].name
    content = survey.sav_bytes(wave, encoded.drop(columns=[name]))
    with pytest.raises(ParseError, match=rf"{name}.*not in the file.*refused") as error:
        parse_survey(content, "cs0708_missing_weight.sav")
    assert (error.value.file, error.value.column) == ("cs0708_missing_weight.sav", name)


def test_a_non_positive_weight_refuses_the_wave_naming_row_and_column(wave, encoded) -> None:
    name = wave.variables["weight_core_individual"].name
    broken = encoded.copy()
    core_rows = np.flatnonzero(broken[wave.variables["sample_type"].name] == 0)
    broken.loc[core_rows[10], name] = 0.0
    with pytest.raises(ParseError, match="not positive for a core respondent") as error:
        parse_survey(survey.sav_bytes(wave, broken), "cs0708.sav")
    assert (error.value.row, error.value.column) == (core_rows[10] + 1, name)
    broken.loc[core_rows[10], name] = np.nan
    with pytest.raises(ParseError, match="is missing for a core respondent"):
        parse_survey(survey.sav_bytes(wave, broken), "cs0708.sav")


def _rezip(content: bytes, change) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for info in source.infolist():
            bundle.writestr(info, change(info.filename, source.read(info.filename).decode()).encode())
    return out.getvalue()


def test_labels_that_disagree_with_the_dictionary_fail_or_quarantine(wave, files) -> None:
    content = files["tab"].read_bytes()
    region = wave.variables["region"].name
    relabelled = _rezip(
        content,
        lambda name, text: (
            text.replace("    18 = London", "    18 = South East") if "dictionary" in name else text
        ),
    )
    with pytest.raises(ParseError, match="labels code 18 'South East'.*expects 'London'") as error:
        parse_survey(relabelled, files["tab"].name)
    assert (error.value.file, error.value.column) == (files["tab"].name, region)

    # a value the dictionary does not label: that row alone is quarantined, by column, without its value
    def recode(name: str, text: str) -> str:
        if not name.endswith(".tab"):
            return text
        lines = text.split("\n")
        header = lines[0].split("\t")
        cells = lines[3].split("\t")
        cells[header.index(region)] = "99"
        lines[3] = "\t".join(cells)
        return "\n".join(lines)

    result = parse_survey(_rezip(content, recode), files["tab"].name)
    assert [(q.row_number, q.column, q.value, dict(q.record)) for q in result.quarantined] == [
        (4, region, None, {})
    ]
    assert "99" not in result.quarantined[0].reason
    assert len(result.rows) == 14_095 - 1


def test_truncated_files_unknown_waves_and_bare_tab_files_fail_clearly(files) -> None:
    sav, tab = files["sav"].read_bytes(), files["tab"].read_bytes()
    with pytest.raises(ParseError, match="cannot read the SPSS file.*truncated or corrupt"):
        parse_survey(sav[: len(sav) // 2], files["sav"].name)
    with pytest.raises(ParseError, match="truncated or corrupt"):
        parse_survey(tab[: len(tab) // 2], files["tab"].name)
    with pytest.raises(ParseError, match="names no configured wave") as error:
        parse_survey(sav, "SYNTHETIC-citizenship-survey-cs1999.sav")
    assert error.value.file == "SYNTHETIC-citizenship-survey-cs1999.sav"
    with pytest.raises(ParseError, match="no data dictionary"):
        parse_survey(b"sernum\n1\n", "cs0708.tab")
