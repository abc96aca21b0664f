"""The sources' YAML configuration (register layouts, councils, survey waves) is declared as pydantic
models: the bundled files read, and a misspelt key, a value of the wrong type or a missing key fails
with an error naming the file, the entry and the key (never silently becoming a default)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from housing_need.sources.citizenship_survey import waves as wave_config
from housing_need.sources.council_housing_register import layouts as layout_config

LAYOUTS = layout_config.HERE / "layouts"
WAVES = wave_config.HERE / "waves"


def _edited(source: Path, folder: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {source.name}"
    path = folder / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_bundled_configuration_reads() -> None:
    layouts = layout_config.layouts()
    assert sorted(layouts) == ["academy_fixed_width", "locata_json", "northgate_csv"]
    assert layouts["northgate_csv"].preference_separator == ";"
    assert layouts["academy_fixed_width"].preference_separator == ""
    assert layouts["academy_fixed_width"].fields["household_size"] == (100, 2)
    assert layouts["locata_json"].codes["status"]["closed"] == "cancelled"
    assert {c.name: c.layout.name for c in layout_config.bundled_councils().values()} == {
        "Leicester": "northgate_csv",
        "Nottingham": "locata_json",
        "Derby": "academy_fixed_width",
    }
    waves = wave_config.waves()
    assert list(waves) == ["2001", "2003", "2005", "2007-08", "2008-09", "2009-10", "2010-11"]
    assert [v.field for v in waves["2005"].variables.values()] == list(wave_config.FIELDS)
    assert waves["2007-08"].variables["region"].codes[18].to == "E12000007"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # a misspelt key: before, preference_separator silently became None
        (
            'preference_separator: ";"',
            'preference_seperator: ";"',
            r"northgate_csv.yaml: preference_seperator: unknown key",
        ),
        (
            "  household_size: HouseholdSize\n",
            "",
            r"northgate_csv.yaml: fields: missing \['household_size'\]",
        ),
        (
            "encoding: utf-8",
            "encoding: [utf-8]",
            r"northgate_csv.yaml: encoding: Input should be a valid string",
        ),
        (
            "format: csv",
            "format: xlsx",
            r"northgate_csv.yaml: format: Input should be 'csv', 'fixed_width' or",
        ),
        ('date_format: "%d/%m/%Y"\n', "", r"northgate_csv.yaml: date_format: missing key"),
        (
            "Active: active",
            "Active: live",
            r"northgate_csv.yaml: codes.status.Active: Input should be 'active'",
        ),
        ("  tenure:\n", "  tenures:\n", r"codes.tenure: missing key; codes.tenures: unknown key"),
        ("snapshot_date: {field: SnapshotDate}\n", "", r"northgate_csv.yaml: snapshot_date: a CSV layout"),
    ],
)
def test_a_layout_mistake_names_the_file_and_the_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _edited(LAYOUTS / "northgate_csv.yaml", tmp_path, old, new)
    with pytest.raises(layout_config.LayoutError, match=message):
        layout_config.read_layout(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "band_code: [94, 4]",
            "band_code: [94]",
            r"academy_fixed_width.yaml: fields.band_code: a fixed-width",
        ),
        (
            "council: [2, 9]",
            "councel: [2, 9]",
            r"academy_fixed_width.yaml: header: unknown key\(s\) \['councel'\]",
        ),
        (
            "trailer: {record_type: T, count: [2, 9]}",
            "trailer: {record_type: T}",
            r"trailer.count: a fixed-width",
        ),
    ],
)
def test_a_fixed_width_layout_places_every_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _edited(LAYOUTS / "academy_fixed_width.yaml", tmp_path, old, new)
    with pytest.raises(layout_config.LayoutError, match=message):
        layout_config.read_layout(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "E06000016:\n  layout: northgate_xlsx\n  bands: {A: 1}\n",
            r"councils.yaml: E06000016.layout: 'northgate_xlsx' is not one of academy_fixed_width",
        ),
        ("E06000016:\n  layuot: northgate_csv\n  bands: {A: 1}\n", r"E06000016.layuot: unknown key"),
        ("E06000016:\n  layout: northgate_csv\n", r"councils.yaml: E06000016.bands: missing key"),
        (
            "E06000016:\n  layout: northgate_csv\n  bands: {A: first}\n",
            r"E06000016.bands.A: Input should be a valid integer",
        ),
        (
            "E06000016:\n  layout: northgate_csv\n  bands: {A: 5}\n",
            r"E06000016.bands.A: Input should be less",
        ),
        (
            "Leicester:\n  layout: northgate_csv\n  bands: {A: 1}\n",
            r"Leicester: not a GSS local-authority code",
        ),
    ],
)
def test_a_council_mistake_names_the_file_the_council_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "councils.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(layout_config.LayoutError, match=message):
        layout_config._councils(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "to: E12000007",
            "to: London",
            r"cs_bad.yaml: variables.region: codes.18: 'to' 'London' is not one of",
        ),
        ("  housing_treated_worse:", "  housing_item:", r"variables.housing_item: unknown key"),
        ("  housing_treated_worse:", "  housing_item:", r"variables.housing_treated_worse: missing key"),
        (
            "file_stem: cs0708",
            "file_steam: cs0708",
            r"cs_bad.yaml: file_stem: missing key; file_steam: unknown key",
        ),
        (
            "study_number: 5739",
            "study_number: five",
            r"cs_bad.yaml: study_number: Input should be a valid integer",
        ),
        (
            "{label: London, to: E12000007}",
            "{label: London, too: E12000007}",
            r"variables.region.codes.18.too: unknown",
        ),
        (
            "respondents: {core: 9336,",
            "respondents: {core: many,",
            r"respondents.core: Input should be a valid integer",
        ),
        ("wave: 2007-08", "wave: 07-08", r"cs_bad.yaml: wave: '07-08' is not a year or a financial year"),
    ],
)
def test_a_wave_mistake_names_the_file_and_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    source = _edited(WAVES / "cs_2007_08.yaml", tmp_path, old, new)
    bad = source.rename(tmp_path / "cs_bad.yaml")
    with pytest.raises(wave_config.WaveError, match=message):
        wave_config.read_wave(bad)


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cs_list.yaml"
    path.write_text("- wave: 2001\n", encoding="utf-8")
    with pytest.raises(wave_config.WaveError, match=r"cs_list.yaml: the wave is a mapping of keys, not list"):
        wave_config.read_wave(path)


def test_the_nationality_seed_is_current_with_the_register_reference_table() -> None:
    """ref_register_nationality_codes.csv is written from sources/council_housing_register/nationalities.py."""
    script = (
        Path(__file__).resolve().parents[2]
        / "dbt_project"
        / "seeds"
        / "register"
        / "write_nationality_codes.py"
    )
    spec = importlib.util.spec_from_file_location("write_nationality_codes", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.seed_csv()
    assert text == module.SEED.read_text(encoding="utf-8")
    assert "name,British,born_uk\n" in text and "iso3,POL,poland\n" in text
