"""Static briefing pages per region and local authority, built from whichever marts exist.

``build_briefing(warehouse, out_dir)`` writes index.html, regions/<slug>.html and la/<code>.html
with inline SVG charts (no JavaScript, no CDN: they work offline and print well). It builds into a
temporary folder and swaps it in, so a reader never sees half a site.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb

from ..marts import mart_tables
from ..swap import replace_folder
from .maps import ATTRIBUTION, INDEX_NAME, MAP_SECTIONS
from .sections import SECTIONS, Content, Published, Section

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 0; color: #0b0c0c; }
header { background: #0b0c0c; color: #fff; padding: 12px 24px; } header a { color: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 8px 24px 32px; }
h1 { font-size: 1.8rem; margin: 16px 0 4px; } h2 { font-size: 1.3rem; margin-top: 28px; border-top: 2px solid #1d70b8; padding-top: 10px; }
.lede { color: #505a5f; } .chart { width: 100%; max-width: 760px; height: auto; background: #fff; }
.chart .grid { stroke: #dde1e3; } .chart .tick, .chart .axis-label, .chart .legend { font-size: 11px; fill: #505a5f; }
.chart .legend { font-size: 12px; } table { border-collapse: collapse; font-size: 0.85rem; margin: 8px 0; }
th, td { border-bottom: 1px solid #dde1e3; padding: 3px 10px; text-align: right; } th:first-child, td:first-child { text-align: left; }
caption { text-align: left; font-weight: 600; padding: 4px 0; } details { margin: 6px 0 18px; }
.unavailable { color: #505a5f; font-style: italic; } footer { border-top: 1px solid #b1b4b6; margin-top: 32px; padding: 12px 24px; font-size: 0.8rem; color: #505a5f; }
ul.links { columns: 3; } .figure { font-size: 1.6rem; font-weight: 700; }
"""


@dataclass
class BriefingSummary:
    out_dir: Path
    pages: int = 0
    sections_rendered: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # section id -> why


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _table(content: Content, title: str) -> str:
    head = "".join(f"<th scope='col'>{escape(str(h))}</th>" for h in content.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in content.rows
    )
    return (
        f"<details><summary>The numbers behind this chart</summary><table><caption>{escape(title)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _page(title: str, body: str, *, depth: int, data_note: str) -> str:
    up = "../" * depth
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Housing-need briefing</title><link rel="stylesheet" href="{up}briefing.css"></head>
<body><header><a href="{up}index.html">Housing-need briefing</a></header><main>{body}</main>
<footer>{escape(data_note)} Built {built}. Sources: Home Office Immigration System Statistics (table Asy_D11);
ONS mid-2020 population estimates and LAD lookups; MHCLG English Indices of Deprivation 2019; mySociety
local authority register (CC BY 4.0). Contains public sector information licensed under the Open
Government Licence v3.0.</footer></body></html>
"""


def _write_page(
    root: Path, relative: str, title: str, body: str, note: str, summary: BriefingSummary
) -> None:
    """One page at ``root/relative``; its links climb as many folders as it is deep."""
    depth = len(Path(relative).parts) - 1
    (root / relative).write_text(_page(title, body, depth=depth, data_note=note), encoding="utf-8")
    summary.pages += 1


def _sections(data: Published, scope: str, key: str, available: set[str], summary: BriefingSummary) -> str:
    out = []
    for section in (s for s in (*MAP_SECTIONS, *SECTIONS) if scope in s.scopes):
        missing = [t for t in section.requires if t not in available]
        if missing:
            summary.skipped[section.id] = f"needs marts.{', marts.'.join(missing)}"
            out.append(
                f"<section id='{section.id}'><h2>{escape(section.title)}</h2>"
                f"<p class='unavailable'>Not yet available: this section needs marts.{escape(', marts.'.join(missing))}.</p></section>"
            )
            continue
        content = section.build(data, scope, key)
        if content is None:
            continue
        summary.sections_rendered += 1
        out.append(_render(section, content))
    return "\n".join(out)


def _render(section: Section, content: Content) -> str:
    return (
        f"<section id='{section.id}'><h2>{escape(section.title)}</h2>{content.chart}"
        f"<p>{escape(content.caption)}</p>"
        + "".join(f"<p class='note'>{escape(note)}</p>" for note in content.notes)
        + f"{_table(content, section.title)}</section>"
    )


def build_briefing(warehouse_path: Path, out_dir: Path) -> BriefingSummary:
    """Write the briefing site for the warehouse into ``out_dir`` (replaced atomically)."""
    summary = BriefingSummary(out_dir=out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".briefing-", dir=out_dir.parent))
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        available = set(mart_tables(con))
        data = Published(con)
        latest = data.latest
        note = f"Data to {latest[1]} (quarter ending {latest[0]})."
        map_note = f"{note} {ATTRIBUTION}"  # the index and region pages show maps
        regions = con.execute(
            """
            select region_name, sum(people_in_dispersal_accommodation), 10000.0 * sum(people_in_dispersal_accommodation)
                   / sum(population_mid2020), count(*)
            from marts.mart_dispersal_vs_deprivation where period_end = ?::date group by 1 order by 1
            """,
            [latest[0]],
        ).fetchall()
        (staging / "regions").mkdir()
        (staging / "la").mkdir()
        (staging / "briefing.css").write_text(CSS, encoding="utf-8")
        items = "".join(
            f"<tr><td><a href='regions/{slug(r)}.html'>{escape(r)}</a></td><td>{int(p):,}</td><td>{rate:.1f}</td><td>{n}</td></tr>"
            for r, p, rate, n in regions
        )
        index = (
            "<h1>Asylum dispersal and housing need</h1>"
            f"<p class='lede'>People in Home Office dispersal accommodation at {escape(latest[1])}, by region "
            "and nation. Choose a region for its trend, its local authorities and how dispersal relates to deprivation.</p>"
            "<table><caption>Regions and nations</caption><thead><tr><th>Region</th><th>People in dispersal "
            f"accommodation</th><th>Per 10,000 residents</th><th>Local authorities</th></tr></thead><tbody>{items}</tbody></table>"
            f"{_sections(data, 'index', INDEX_NAME, available, summary)}"
        )
        _write_page(staging, "index.html", "Regions", index, map_note, summary)
        for region, people, _rate, _n in regions:
            las = con.execute(
                "select lad_code, lad_name, people_in_dispersal_accommodation from marts.mart_dispersal_vs_deprivation "
                "where region_name = ? and period_end = ?::date order by lad_name",
                [region, latest[0]],
            ).fetchall()
            links = "".join(
                f"<li><a href='../la/{code}.html'>{escape(name)}</a> ({int(p):,})</li>"
                for code, name, p in las
            )
            body = (
                f"<h1>{escape(region)}</h1><p class='lede'>People in dispersal accommodation at {escape(latest[1])}:</p>"
                f"<p class='figure' data-figure='people-in-dispersal'>{int(people):,}</p>"
                f"{_sections(data, 'region', region, available, summary)}"
                f"<h2>Local authorities</h2><ul class='links'>{links}</ul>"
            )
            _write_page(staging, f"regions/{slug(region)}.html", region, body, map_note, summary)
            for code, name, la_people in las:
                body = (
                    f"<h1>{escape(name)}</h1><p class='lede'>{escape(code)} · "
                    f"<a href='../regions/{slug(region)}.html'>{escape(region)}</a> · people in dispersal "
                    f"accommodation at {escape(latest[1])}:</p><p class='figure' data-figure='people-in-dispersal'>{int(la_people):,}</p>"
                    f"{_sections(data, 'la', code, available, summary)}"
                )
                _write_page(staging, f"la/{code}.html", name, body, note, summary)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.close()
    replace_folder(staging, out_dir)
    return summary
