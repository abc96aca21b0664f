"""dbt's unit tests (the models' logic on hand-computed inputs, `unit_tests:` in the models' yml) run
here, once per suite, on a copy of the bundled warehouse: the refresh's `dbt build` leaves them out,
as dbt advises for production builds (they test code, which does not change between refreshes, and
they sat on the build's critical path)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from housing_need.pipeline.dbt_runner import COMMAND_RESULTS, run_dbt
from tests.conftest import ROOT, Project


def test_every_dbt_unit_test_passes_on_the_bundled_warehouse(bundled: Project, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse" / bundled.warehouse.name  # the same catalog name: views refer to it
    warehouse.parent.mkdir()
    shutil.copy(bundled.warehouse, warehouse)
    result = run_dbt(
        ["test", "--select", "test_type:unit"],
        project_dir=ROOT / "dbt_project",
        warehouse_path=warehouse,
        target_path=tmp_path / "target",
    )
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text(encoding="utf-8"))
    declared = [u for u in manifest["unit_tests"].values() if u["resource_type"] == "unit_test"]
    assert len(declared) >= 17
    assert result.by_type == {"unit_test": len(declared)}
    assert result.statuses == {"pass": len(declared)}


def test_the_refresh_build_leaves_the_unit_tests_to_the_suite(bundled: Project) -> None:
    results = json.loads((bundled.var_dir / "dbt" / "target" / COMMAND_RESULTS).read_text(encoding="utf-8"))
    kinds = Counter(r["unique_id"].split(".")[0] for r in results["results"])
    assert kinds["model"] >= 100 and kinds["test"] >= 600
    assert kinds["unit_test"] == 0
