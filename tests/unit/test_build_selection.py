"""What a refresh rebuilds after a change to the dbt project (``dbt_state.decide``), on hand-made
project snapshots: ``state:modified+`` against the published build's manifest when the change is
selectable, a full build with the reason when it is not."""

from __future__ import annotations

from pathlib import Path

from housing_need.pipeline import dbt_state
from housing_need.pipeline.dbt_state import Snapshot, decide

VERSIONS = {"dbt-core": "1.11.16", "dbt-duckdb": "1.10.0"}
BASE = {
    "dbt_project.yml": "p1",
    "profiles.yml": "pr1",
    "models/marts/mart_a.sql": "a1",
    "models/marts/_marts.yml": "y1",
    "macros/ratio.sql": "r1",
    "macros/generate_schema_name.sql": "g1",
    "seeds/reference/lookup.csv": "s1",
    "README.md": "d1",
}
MACROS = {"macros/ratio.sql": ["ratio"], "macros/generate_schema_name.sql": ["generate_schema_name"]}
CHANGED = "the dbt project changed since the last build (models, macros, seeds or tests)"


def snap(files: dict[str, str] | None = None, **changes: object) -> Snapshot:
    fields: dict = {"files": files or BASE, "macros": MACROS, "env": {}, "versions": VERSIONS, **changes}
    return Snapshot(**fields)


def edited(**files: str | None) -> dict[str, str]:
    """BASE with files changed (a value), added, or removed (None); keys use '__' for '/'."""
    out = dict(BASE)
    for key, value in files.items():
        path = key.replace("__", "/").replace("_DOT_", ".")
        if value is None:
            out.pop(path)
        else:
            out[path] = value
    return out


def test_no_change_builds_what_the_deliveries_touch_or_nothing() -> None:
    assert decide(pending=["a"], project_changed=None, previous=snap(), current=snap()).mode == "incremental"
    nothing = decide(pending=[], project_changed=None, previous=snap(), current=snap())
    assert (nothing.mode, nothing.select) == ("none", [])


def test_a_changed_model_selects_state_modified_and_says_which_file() -> None:
    current = snap(edited(models__marts__mart_a_DOT_sql="a2"))
    decision = decide(pending=[], project_changed=CHANGED, previous=snap(), current=current)
    assert decision.mode == "modified" and decision.select == ["state:modified+"]
    assert "models/marts/mart_a.sql (modified)" in decision.reason


def test_deliveries_with_a_project_change_are_named_in_the_reason() -> None:
    current = snap(edited(models__marts___marts_DOT_yml="y2"))
    decision = decide(
        pending=["home_office_asylum_support"], project_changed=CHANGED, previous=snap(), current=current
    )
    assert decision.mode == "modified"
    assert decision.reason.endswith("new or withdrawn deliveries: home_office_asylum_support")


def test_added_and_removed_models_are_selectable() -> None:
    current = snap(edited(models__marts__mart_b_DOT_sql="b1", models__marts__mart_a_DOT_sql=None))
    decision = decide(pending=[], project_changed=CHANGED, previous=snap(), current=current)
    assert decision.mode == "modified"
    assert "models/marts/mart_a.sql (removed)" in decision.reason
    assert "models/marts/mart_b.sql (added)" in decision.reason


def test_a_changed_seed_is_selected_by_its_path_too() -> None:
    current = snap(edited(seeds__reference__lookup_DOT_csv="s2"))
    decision = decide(pending=[], project_changed=CHANGED, previous=snap(), current=current)
    assert decision.select == ["state:modified+", "path:seeds/reference/lookup.csv+"]


def test_a_macro_that_nodes_name_is_selectable_a_global_one_is_not() -> None:
    named = decide(
        pending=[], project_changed=CHANGED, previous=snap(), current=snap(edited(macros__ratio_DOT_sql="r2"))
    )
    assert named.mode == "modified"
    schema = decide(
        pending=[],
        project_changed=CHANGED,
        previous=snap(),
        current=snap(edited(macros__generate_schema_name_DOT_sql="g2")),
    )
    assert schema.mode == "full" and "generate_schema_name" in schema.reason
    override = snap(
        edited(macros__my_DOT_sql="m1"), macros={**MACROS, "macros/my.sql": ["duckdb__get_columns"]}
    )
    assert decide(pending=[], project_changed=CHANGED, previous=snap(), current=override).mode == "full"


def test_project_wide_files_force_a_full_build() -> None:
    for name in ("dbt_project_DOT_yml", "profiles_DOT_yml"):
        decision = decide(
            pending=[], project_changed=CHANGED, previous=snap(), current=snap(edited(**{name: "x"}))
        )
        assert decision.mode == "full", name
        assert name.replace("_DOT_", ".") in decision.reason and "project-wide" in decision.reason


def test_a_file_dbt_may_read_outside_the_resource_folders_forces_a_full_build() -> None:
    decision = decide(
        pending=[], project_changed=CHANGED, previous=snap(), current=snap(edited(packages_DOT_yml="k"))
    )
    assert decision.mode == "full"
    readme = decide(
        pending=[], project_changed=CHANGED, previous=snap(), current=snap(edited(README_DOT_md="d2"))
    )
    assert readme.mode == "modified"  # dbt does not read it


def test_no_saved_state_a_stale_state_or_another_dbt_build_everything() -> None:
    current = snap(edited(models__marts__mart_a_DOT_sql="a2"))
    none = decide(pending=[], project_changed=CHANGED, previous=None, current=current)
    assert none.mode == "full" and "no saved dbt state" in none.reason
    stale = decide(pending=[], project_changed=CHANGED, previous=snap(), current=current, state_matches=False)
    assert stale.mode == "full" and "not the one that built the published warehouse" in stale.reason
    upgraded = snap(edited(models__marts__mart_a_DOT_sql="a2"), versions={**VERSIONS, "dbt-core": "1.12.0"})
    dbt = decide(pending=[], project_changed=CHANGED, previous=snap(), current=upgraded)
    assert dbt.mode == "full" and "dbt-core 1.11.16 -> 1.12.0" in dbt.reason


def test_a_changed_environment_variable_the_project_reads_forces_a_full_build() -> None:
    before = snap(env={"HOUSING_NEED_REGION": "h1"})
    after = snap(edited(models__marts__mart_a_DOT_sql="a2"), env={"HOUSING_NEED_REGION": "h2"})
    decision = decide(pending=[], project_changed=CHANGED, previous=before, current=after)
    assert decision.mode == "full" and "HOUSING_NEED_REGION" in decision.reason


def test_full_requested_and_first_build_come_first() -> None:
    assert decide(
        pending=[], project_changed=None, previous=snap(), current=snap(), full_requested=True
    ).reason == ("full rebuild requested (--full)")
    first = decide(pending=["a"], project_changed=None, previous=None, current=snap(), first_build=True)
    assert (first.mode, first.reason) == ("full", "first build of this warehouse")


def test_a_snapshot_of_a_real_project_reads_its_files_macros_and_environment(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "macros").mkdir()
    (tmp_path / "target").mkdir()
    (tmp_path / "dbt_project.yml").write_text("name: p\nmacro-paths: ['macros']\nseed-paths: ['data']\n")
    (tmp_path / "models" / "m.sql").write_text('select \'{{ env_var("HOUSING_NEED_REGION", "x") }}\' as r')
    (tmp_path / "macros" / "g.sql").write_text("{% macro generate_schema_name(a, b) %}{% endmacro %}")
    (tmp_path / "profiles.yml").write_text("threads: \"{{ env_var('HOUSING_NEED_DBT_THREADS') }}\"")
    (tmp_path / "target" / "manifest.json").write_text("{}")
    one = dbt_state.snapshot(tmp_path, {"HOUSING_NEED_REGION": "north"})
    assert sorted(one.files) == ["dbt_project.yml", "macros/g.sql", "models/m.sql", "profiles.yml"]
    assert one.macros == {"macros/g.sql": ["generate_schema_name"]} and one.seed_paths == ("data",)
    assert list(one.env) == ["HOUSING_NEED_REGION"]  # the thread count changes no relation
    assert one == Snapshot.from_json(one.to_json())
    two = dbt_state.snapshot(tmp_path, {"HOUSING_NEED_REGION": "south"})
    assert one.env != two.env and one.files == two.files
