"""A feed whose real sample cannot ship declares it (``synthetic_sample``) and imports no generator:
the caller hands the extract the writers (housing_need.synth.samples), which write the SYNTHETIC
sample once into var/generated/<source>/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from housing_need.config import settings
from housing_need.errors import HousingNeedError
from housing_need.pipeline.extract import sample_folder
from housing_need.sources import get_source, sources
from housing_need.synth.samples import sample_writers

PACKAGE = Path(__file__).resolve().parents[2] / "plugins" / "housing_need"


def test_every_synthetic_sample_has_a_writer_and_every_writer_a_feed() -> None:
    synthetic = sorted(name for name, spec in sources().items() if spec.synthetic_sample)
    assert synthetic == ["citizenship_survey", "council_housing_register"]
    assert sorted(sample_writers()) == synthetic


def test_no_source_imports_synth() -> None:
    """Imports run one way: the sources sit below the generators that write their samples."""
    importing = []
    for path in sorted((PACKAGE / "sources").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and "synth" in (node.module or "").split("."):
                importing.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert importing == []


def test_the_sample_is_written_by_the_writer_handed_in_once(tmp_path: Path) -> None:
    spec = get_source("citizenship_survey")
    config = settings({"HOUSING_NEED_VAR_DIR": str(tmp_path / "var")})
    with pytest.raises(
        HousingNeedError, match="citizenship_survey: its sample is SYNTHETIC .* no sample writer"
    ):
        sample_folder(spec, config)

    folder = sample_folder(spec, config, sample_writers())
    assert folder == tmp_path / "var" / "generated" / "citizenship_survey"
    files = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert len(files) == 7 and all(name.startswith("SYNTHETIC-citizenship-survey-") for name in files)
    stamp = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert sample_folder(spec, config, sample_writers()) == folder  # generated once, then reused
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamp
    # an open feed's sample is the bundled folder, writers or not
    open_feed = get_source("ons_census")
    assert sample_folder(open_feed, config, sample_writers()) == config.sample_dir / "ons_census"
