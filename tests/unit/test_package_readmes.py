"""Every room of the project says what it holds, what it may import and how to test it (issue 21): a
README.md of a few lines in each package folder of ``plugins/housing_need`` and in each top-level folder.

The walk reads the folders on disk; ``__pycache__``, hidden folders and folders holding no file (a
leftover of a move) are not rooms.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "plugins" / "housing_need"

# Top-level folders whose README the repository has; their subfolders are not required (dbt's model
# and seed folders, the GX suites' raw/ and marts/, tests/support/sources/), except where listed.
TOP_LEVEL = ("dags", "tests", "benchmarks", "dbt_project", "docs", "expectations")
# dbt_project's own rooms with a README today (models/ and seeds/ have none yet: add them here with theirs)
DBT_ROOMS = ("macros", "tests")
MIN_LINES = 3  # "a few lines": a heading alone is not a README


def _is_room(folder: Path) -> bool:
    if any(
        part == "__pycache__" or part.startswith(".") or part.endswith(".egg-info")
        for part in folder.relative_to(ROOT).parts
    ):
        return False
    return any(p.is_file() and "__pycache__" not in p.parts for p in folder.rglob("*"))


def required_folders() -> list[Path]:
    """The folders that must hold a README.md, relative to the repository root."""
    folders = [ROOT, PACKAGE]
    folders += sorted(d for d in PACKAGE.rglob("*") if d.is_dir() and _is_room(d))
    folders += [ROOT / name for name in TOP_LEVEL]
    folders += sorted(d for d in (ROOT / "tests").iterdir() if d.is_dir() and _is_room(d))
    folders += [ROOT / "dbt_project" / name for name in DBT_ROOMS]
    return [d.relative_to(ROOT) for d in folders]


def test_the_walk_sees_every_package_folder() -> None:
    """A check that cannot pass empty: the folders of today's layout are among those required."""
    required = {str(d) for d in required_folders()}
    for folder in (
        "plugins/housing_need/sources/ons_census",
        "plugins/housing_need/sources/council_housing_register/layouts",
        "plugins/housing_need/publish/briefing/maps",
        "tests/unit",
        "dbt_project/macros",
        "expectations",
    ):
        assert folder in required
    assert not any("__pycache__" in folder for folder in required)
    assert len(required) > 30


def test_every_package_and_top_level_folder_has_a_readme() -> None:
    missing = [str(d) for d in required_folders() if not (ROOT / d / "README.md").is_file()]
    assert not missing, (
        "folders without a README.md (what the room holds, what it may import, how to test it):\n"
        + "\n".join(missing)
    )


def test_each_readme_says_more_than_its_heading() -> None:
    short = []
    for folder in required_folders():
        readme = ROOT / folder / "README.md"
        if readme.is_file():
            lines = [ln for ln in readme.read_text(encoding="utf-8").splitlines() if ln.strip()]
            if len(lines) < MIN_LINES:
                short.append(f"{folder}/README.md: {len(lines)} lines")
    assert not short, f"READMEs of fewer than {MIN_LINES} lines:\n" + "\n".join(short)
