"""The refresh, as steps an orchestrator calls in order:

begin (shadow copy) → load raw → raw gate → dbt build → marts gate → docs → publish.

Each step takes the shadow warehouse path and returns something small and JSON-able (Airflow
passes it on as XCom). Nothing touches the published warehouse until :func:`publish_run`.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import warehouse
from .config import Settings
from .dbt_runner import run_dbt
from .load import ensure_schema, load_pending
from .quality import run_gate
from .sources import SOURCES

log = logging.getLogger(__name__)


def _run_dir(settings: Settings, run_id: str) -> Path:
    return warehouse.shadow_path(settings.shadow_dir, run_id, "x").parent


def begin(settings: Settings, run_id: str) -> str:
    shadow = warehouse.prepare_shadow(settings.warehouse_path, settings.shadow_dir, run_id)
    with warehouse.connect(shadow) as con:
        ensure_schema(con)
    return str(shadow)


def load_raw(settings: Settings, shadow: str, run_id: str) -> list[dict[str, Any]]:
    with warehouse.connect(Path(shadow)) as con:
        summaries = load_pending(con, SOURCES.values(), settings.archive_dir, run_id=run_id)
    if not summaries:
        log.info("no new deliveries to load")
    return [asdict(s) for s in summaries]


def gate(settings: Settings, name: str, shadow: str, run_id: str) -> dict[str, Any]:
    result = run_gate(
        name,
        Path(shadow),
        expectations_dir=settings.expectations_dir,
        gx_dir=settings.var_dir / "gx",
        data_docs_dir=settings.data_docs_dir,
    )
    log.info(result.summary())
    return {
        "gate": name,
        "suites": len(result.outcomes),
        "expectations": sum(o.evaluated for o in result.outcomes),
        "data_docs": str(result.data_docs_index) if result.data_docs_index else None,
    }


def build(settings: Settings, shadow: str, run_id: str) -> dict[str, Any]:
    target = _run_dir(settings, run_id) / "dbt-target"
    result = run_dbt(
        ["build", "--fail-fast"],
        project_dir=settings.dbt_project_dir,
        warehouse_path=Path(shadow),
        target_path=target,
    )
    return {"summary": result.summary(), "by_type": dict(result.by_type), "statuses": dict(result.statuses)}


def docs(settings: Settings, shadow: str, run_id: str) -> str:
    target = _run_dir(settings, run_id) / "dbt-target"
    run_dbt(
        ["docs", "generate", "--static"],
        project_dir=settings.dbt_project_dir,
        warehouse_path=Path(shadow),
        target_path=target,
    )
    return str(target)


def publish_run(settings: Settings, shadow: str, run_id: str, report: dict[str, Any]) -> dict[str, Any]:
    """Record the run in the shadow, swap it in, then move the run's dbt docs into the site."""
    finished = datetime.now(UTC)
    report = {
        **report,
        "run_id": run_id,
        "finished_at": finished.isoformat(timespec="seconds"),
        "status": "success",
    }
    report["warehouse"] = str(settings.warehouse_path)
    report["dbt_docs"] = str(settings.dbt_docs_dir / "static_index.html")
    with warehouse.connect(Path(shadow)) as con:
        con.execute(
            "insert or replace into meta.runs values (?, ?, ?, ?, ?)",
            [
                run_id,
                report.get("started_at", finished.isoformat()),
                finished.replace(tzinfo=None),
                "success",
                json.dumps(report, default=str),
            ],
        )
    warehouse.publish(Path(shadow), settings.warehouse_path)
    docs_target = _run_dir(settings, run_id) / "dbt-target"
    if docs_target.exists():
        if settings.dbt_docs_dir.exists():
            shutil.rmtree(settings.dbt_docs_dir)
        settings.dbt_docs_dir.mkdir(parents=True)
        for name in ("index.html", "static_index.html", "manifest.json", "catalog.json", "run_results.json"):
            if (docs_target / name).exists():
                shutil.copy2(docs_target / name, settings.dbt_docs_dir / name)
    warehouse.discard_shadow(settings.shadow_dir, run_id)
    write_run_report(settings, run_id, report)
    return report


def publish_postgres(settings: Settings, run_id: str) -> dict[str, Any]:
    """Copy the just-published marts to PostgreSQL for BI, if a BI database is configured."""
    from .publish_postgres import pg_uri_from_env, publish_marts, redact

    uri = pg_uri_from_env()
    if uri is None:
        log.info("no BI database configured (HOUSING_NEED_PG_URI / HOUSING_NEED_PG_HOST): skipped")
        return {"skipped": "no BI database configured"}
    summary = publish_marts(settings.warehouse_path, uri, run_id=run_id)
    return {"database": redact(uri), "tables": summary.tables, "seconds": round(summary.seconds, 2)}


def briefing(settings: Settings, run_id: str) -> dict[str, Any]:
    """Rebuild the briefing pages from the just-published warehouse."""
    from .briefing import build_briefing

    summary = build_briefing(settings.warehouse_path, settings.site_dir / "briefing")
    log.info(
        "briefing: %d pages, %d sections; not yet available: %s",
        summary.pages,
        summary.sections_rendered,
        summary.skipped,
    )
    return {
        "pages": summary.pages,
        "sections": summary.sections_rendered,
        "index": str(summary.out_dir / "index.html"),
    }


def write_run_report(settings: Settings, run_id: str, report: dict[str, Any]) -> Path:
    settings.runs_dir.mkdir(parents=True, exist_ok=True)
    path = settings.runs_dir / f"{warehouse.shadow_path(settings.shadow_dir, run_id, 'x').parent.name}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    (settings.runs_dir / "latest.json").write_text(json.dumps(report, indent=2, default=str))
    return path


def abandon(settings: Settings, run_id: str, error: str) -> None:
    """A failed run: drop its shadow copy, record why; the published warehouse is untouched."""
    warehouse.discard_shadow(settings.shadow_dir, run_id)
    write_run_report(
        settings,
        run_id,
        {
            "run_id": run_id,
            "status": "failed",
            "error": error,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
