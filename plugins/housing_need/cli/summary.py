"""What the command line prints: one refresh's report, and what the published warehouse holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from ..config import Settings
from ..privacy.policy import policy_for
from ..publish.marts import mart_sizes
from ..refresh.report import RunReport
from ..sources import SOURCES

BUILD_MODES = {
    "full": "the whole dbt project",
    "modified": "what changed in the dbt project since the published build, what depends on it, "
    "and what depends on the sources that delivered",
    "incremental": "what depends on the sources that delivered",
    "none": "nothing",
}


def render_run(report: RunReport, extracts: dict[str, dict[str, Any]] | None = None) -> str:
    """A refresh as a data engineer reads it: per source what arrived, what was refused or set
    aside and why, what was rebuilt and why, each gate's verdict, and where the docs are."""
    published = "published" if report.published else "nothing published"
    lines = [f"Refresh {report.run_id}: {report.status} ({published})"]
    if report.error:
        lines.append(f"  error: {report.error}")
    if report.build is not None:
        built = f": {report.build.summary}" if report.build.summary else ""
        lines.append(f"  build: {report.build.mode} ({report.build.reason}){built}")
        if report.build.select:
            lines.append(f"    selected: {' '.join(report.build.select)} ({BUILD_MODES[report.build.mode]})")
        if report.build.mode == "modified":
            lines.append(f"    rebuilt: {', '.join(report.build.relations) or 'nothing'}")
        if report.build.dropped:
            lines.append(f"    dropped (no longer in the dbt project): {', '.join(report.build.dropped)}")
    lines.append("  sources:")
    for name, record in report.sources.items():
        extract = (extracts or {}).get(name, {})
        state = "FAILED" if record.failures else record.status
        privacy = "open statistics" if not policy_for(record.privacy).encrypt_archive else record.policy
        lines.append(f"    {name}: {state} ({privacy})")
        for load in record.loads:
            lines.append(
                f"      {load.source_file} (release {load.release}): {load.rows_in_file} rows in file, "
                f"{load.rows_loaded} loaded, {load.rows_quarantined} quarantined"
            )
            lines += [f"        warning: {w}" for w in load.warnings]
        for what, rows in record.outcomes.items():
            lines.append(f"      {rows} rows {what}")
        if record.withdrawn:
            lines.append(f"      withdrawn (rejected after loading): {', '.join(record.withdrawn)}")
        if record.skipped_rejected:
            lines.append(f"      skipped (rejected in the archive): {', '.join(record.skipped_rejected)}")
        for failure in record.failures:
            lines.append(f"      - {failure}")
        for refused in extract.get("rejected", []):
            if not any(refused in f for f in record.failures):
                lines.append(f"      - refused by the extract: {refused}")
        if extract.get("calendar"):
            lines.append(f"      release calendar: {extract['calendar']}")
        if extract.get("discovered"):
            lines.append(f"      discovered: {extract['discovered']}")
        for url in extract.get("not_modified", []):
            lines.append(f"      not modified since the last fetch: {url}")
        for error in extract.get("errors", []):
            lines.append(f"      - release discovery FAILED: {error}")
    for gate in report.gates.values():
        verdict = "passed" if gate.passed else "FAILED"
        lines.append(
            f"  GX {gate.gate} gate: {verdict}, {gate.suites} suites ({gate.skipped} skipped), "
            f"{gate.expectations} expectations, {gate.seconds:.1f} s"
        )
    lines.append("  steps: " + ", ".join(f"{s.name} {s.status} {s.seconds:.1f} s" for s in report.steps))
    for label, value in (
        ("Data Docs", report.data_docs),
        ("dbt docs", report.dbt_docs),
        ("briefing", report.briefing),
        ("PostgreSQL", report.postgres),
    ):
        if value:
            lines.append(f"  {label}: {value}")
    return "\n".join(lines)


def release_lines(s: Settings, con: duckdb.DuckDBPyConnection) -> list[str]:
    """Per source: the newest release loaded, when the next is expected, and whether it is late (the
    same calendars the extracts look on; dbt source freshness follows them too)."""
    releases: dict[str, list[str]] = {}
    for source, release in con.execute("select distinct source, release from meta.loads").fetchall():
        releases.setdefault(source, []).append(str(release))
    today = s.today or date.today()
    out = []
    for name, spec in SOURCES.items():
        if spec.calendar is None:
            loaded = sorted(releases.get(name, []))
            latest = f", latest {loaded[-1]}" if loaded else ""
            why = spec.no_calendar_because or f"looked for on the schedule {spec.cadence!r}"
            out.append(f"{name}: {len(loaded)} release(s) loaded{latest}; no release calendar ({why})")
            continue
        loaded = releases.get(name, [])
        status = spec.calendar.status(spec.calendar.latest_period(loaded), today, loaded)
        # an overdue release's text already says how late it is
        late = "" if status.state == "overdue" else f"; {status.timeliness()}"
        out.append(f"{name}: {status.state}: {status.text()}{late}")
    return out


def render_status(s: Settings) -> str:
    """The published warehouse: loads per source (and where their rows went), marts, last run."""
    if not s.warehouse_path.exists():
        return "No warehouse published yet: run `./run refresh`."
    lines = ["Housing-need warehouse", f"  warehouse:  {s.warehouse_path}"]
    con = duckdb.connect(str(s.warehouse_path), read_only=True)
    try:
        loads = con.execute(
            """select source, count(*), sum(rows_in_file), sum(rows_loaded), sum(rows_quarantined),
                      sum(rows_in_facts), sum(rows_set_aside)
               from meta.loads group by source order by source"""
        ).fetchall()
        lines.append("  loads (files, rows in files, loaded, quarantined):")
        for source, files, rows_in, loaded, quarantined, in_facts, set_aside in loads:
            tail = f"; {in_facts} in facts, {set_aside} set aside" if in_facts is not None else ""
            lines.append(
                f"    {source}: {files} file(s), {rows_in} rows in, {loaded} loaded, {quarantined} quarantined{tail}"
            )
        lines.append("  releases (against each publisher's calendar):")
        lines += [f"    {line}" for line in release_lines(s, con)]
        marts = mart_sizes(con)
        lines.append(f"  marts ({len(marts)}):")
        lines += [f"    marts.{name} (~{rows} rows)" for name, rows in marts]
        last = con.execute("select summary from meta.runs order by finished_at desc limit 1").fetchone()
    finally:
        con.close()
    if last:
        report = RunReport.from_json(last[0])
        lines.append(f"  last run:   {report.run_id} ({report.status}) finished {report.finished_at}")
        if report.build:
            lines.append(f"  dbt build:  {report.build.mode}: {report.build.summary or report.build.reason}")
        for gate in report.gates.values():
            lines.append(f"  GX {gate.gate} gate: {gate.suites} suites, {gate.expectations} expectations")
        lines.append(f"  dbt docs:   {report.dbt_docs or s.dbt_docs_dir / 'static_index.html'}")
        lines.append(f"  Data Docs:  {report.data_docs or s.data_docs_dir / 'index.html'}")
    briefing = s.site_dir / "briefing" / "index.html"
    if briefing.exists():
        lines.append(f"  briefing:   {briefing}  (`./run serve` to browse everything)")
    return "\n".join(lines)
