"""Static briefing pages per region and local authority, built from whichever marts exist.

``build_briefing(warehouse, out_dir)`` writes index.html (England's answer, a search box and the A-Z list
of every area), regions/<slug>.html and la/<slug>-<code>.html (paths.py), each opening with its answer
(housing need over 5, 10 and 15 years with its range, :mod:`.need`), then a table of contents and the
evidence sections, each chart with its table and a CSV download beside it (:mod:`.downloads`). The
code-only LA pages of earlier builds (la/<code>.html) redirect. Charts are inline SVG and the one script
(the index's search) is inline: the pages work offline and print as A4 reports (briefing.css). HTML comes
from the Jinja2 templates in templates/ (autoescaped). The site is built in a temporary folder and swapped
in, so a reader never sees half a site.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..swap import replace_folder
from . import need
from .comparison import Comparison
from .comparison import chart as comparison_chart
from .comparison import tables as comparison_tables
from .downloads import write_csv
from .maps.geometry import ATTRIBUTION
from .page import Content, Published, ScenarioBanner, Section
from .paths import download, href, la_page, la_redirect, region_page, slug
from .registry import SECTIONS
from .sections.maps import INDEX_NAME
from .sections.watchlist import watchlist_status

__all__ = ["BriefingSummary", "ScenarioBanner", "build_briefing", "slug"]

NEED_MARTS = ("mart_housing_need_estimate", "mart_housing_need_total")
CENSUS_COVERAGE = (
    "The census-based community profile and housing-need estimates cover England and Wales only: the "
    "censuses of Scotland and Northern Ireland are published separately and are not loaded here. This page "
    "shows asylum support, dispersal, resettlement and the emerging-community watchlist."
)


@dataclass
class BriefingSummary:
    out_dir: Path
    pages: int = 0
    sections_rendered: int = 0
    downloads: int = 0  # CSV files beside the tables
    redirects: int = 0  # code-only LA pages of earlier builds, pointing at the named ones
    skipped: dict[str, str] = field(default_factory=dict)  # section id -> why


@dataclass
class Shown:
    """A section as a page shows it."""

    id: str
    title: str
    chart: Markup = Markup("")
    caption: str = ""
    notes: list[str] = field(default_factory=list)
    headers: tuple[str, ...] = ()
    rows: list[tuple[object, ...]] = field(default_factory=list)
    synthetic: list[str] = field(default_factory=list)
    csv: str = ""
    missing: str = ""


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("housing_need.publish.briefing", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class _Site:
    """One build: the staging folder, the warehouse's marts and the summary being counted."""

    def __init__(
        self, staging: Path, data: Published, summary: BriefingSummary, scenario: ScenarioBanner | None = None
    ) -> None:
        self.root, self.data, self.summary, self.scenario = staging, data, summary, scenario
        self.env = _environment()
        self.available = data.tables
        latest = data.latest
        self.quarter = latest[1]
        self.note = f"Data to {latest[1]} (quarter ending {latest[0]})."
        if scenario is not None:  # in the footer of every page and the header of every CSV
            self.note = f"{scenario.line()} {self.note}"
        self.map_note = f"{self.note} {ATTRIBUTION}"  # the index and region pages show maps
        self.built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    def sections(self, scope: str, key: str, page: str) -> list[Shown]:
        out = []
        for section in (s for s in SECTIONS if scope in s.scopes):
            missing = [t for t in section.requires if t not in self.available]
            if missing:
                self.summary.skipped[section.id] = f"needs marts.{', marts.'.join(missing)}"
                out.append(Shown(section.id, section.title, missing=f"marts.{', marts.'.join(missing)}"))
                continue
            content = section.build(self.data, scope, key)
            if content is None:
                continue
            self.summary.sections_rendered += 1
            out.append(self.shown(section, content, scope, key, page))
        return out

    def shown(self, section: Section, content: Content, scope: str, key: str, page: str) -> Shown:
        synthetic = list(content.synthetic)
        if not synthetic and set(NEED_MARTS) & set(section.requires):
            synthetic = need.synthetic_inputs(self.data, scope, key)  # e.g. the need map of a region
        csv = ""
        if content.rows:
            csv = self.csv(
                page,
                section.id,
                f"{section.title}: {_where(self.data, scope, key)}",
                section.requires,
                synthetic,
                content.headers,
                content.rows,
            )
        return Shown(
            id=section.id,
            title=section.title,
            chart=Markup(content.chart),  # SVG from svg.py / maps/draw.py, which escape every text they draw
            caption=f"{self.scenario.tag()} {content.caption}" if self.scenario else content.caption,
            notes=list(content.notes),
            headers=tuple(str(h) for h in content.headers),
            rows=[tuple(r) for r in content.rows],
            synthetic=synthetic,
            csv=csv,
        )

    def csv(
        self,
        page: str,
        name: str,
        title: str,
        sources: tuple[str, ...] | list[str],
        synthetic: list[str],
        headers: object,
        rows: object,
    ) -> str:
        """Write the CSV of a table beside ``page``; the link to it from the page."""
        path = download(page, name)
        write_csv(
            self.root / path,
            title=title,
            sources=list(sources),
            data_note=self.note,
            synthetic=synthetic,
            headers=list(headers),  # type: ignore[call-overload]
            rows=list(rows),  # type: ignore[call-overload]
        )
        self.summary.downloads += 1
        return href(page, path)

    def answer(self, scope: str, key: str, page: str) -> tuple[need.Answer | None, str, str]:
        """The need answer of a page, the link to its CSV, and what to say where there is none."""
        missing = [t for t in NEED_MARTS if t not in self.available]
        if missing:
            return (
                None,
                "",
                f"Not yet available: the housing-need answer needs marts.{', marts.'.join(missing)}.",
            )
        found = need.answer(self.data, scope, key)
        if found is None:
            census_only = key in ("Scotland", "Northern Ireland") or (scope == "la" and key[:1] in ("S", "N"))
            return None, "", CENSUS_COVERAGE if census_only else "No housing-need estimate covers this area."
        for row in found.rows:
            row.href = href(page, row.href) if row.href else None
        table = found.table()
        csv = self.csv(
            page,
            "answer",
            f"Housing need over 5, 10 and 15 years: {found.area}",
            NEED_MARTS,
            found.synthetic,
            table.headers,
            table.rows,
        )
        return found, csv, ""

    def write(self, relative: str, template: str, **context: object) -> None:
        depth = len(Path(relative).parts) - 1
        html = self.env.get_template(template).render(
            up="../" * depth,
            note=context.pop("note", self.note),
            built=self.built,
            n=need.fmt,
            rate=need.rate,
            scenario=self.scenario,
            **context,
        )
        (self.root / relative).write_text(html, encoding="utf-8")
        self.summary.pages += 1

    def redirect(self, relative: str, target: str, name: str) -> None:
        html = self.env.get_template("redirect.html").render(target=href(relative, target), name=name)
        (self.root / relative).write_text(html, encoding="utf-8")
        self.summary.redirects += 1


def _where(data: Published, scope: str, key: str) -> str:
    return {"index": INDEX_NAME, "region": key}.get(scope) or data.la(key)[0] or key


def _text(answer: need.Answer | None, scope: str, area: str) -> dict[str, object]:
    """The words around an answer's figures."""
    who, table, caption = {
        "la": (
            f"{area}'s emerging communities (residents born outside the UK, by country of birth)",
            "Every community",
            f"Estimated need for affordable housing of each community in {area}, households (homes)",
        ),
        "region": (
            f"the emerging communities of the local authorities of {area}",
            "Every local authority",
            f"Estimated need for affordable housing of each local authority's emerging communities, {area}, households",
        ),
        "index": (
            "England's emerging communities (Wales: its own row below)",
            "Every region and nation",
            "Estimated need for affordable housing by region and nation, households",
        ),
    }[scope]
    return {
        "who": who,
        "table_title": table,
        "caption": caption,
        "horizons": need.HORIZONS,
        "table_horizons": need.TABLE_HORIZONS,
        "lead": need.HORIZON,
        "quote": need.QUOTE,
        "scenarios": need.SCENARIOS,
        "reading": need.READING,
        "rows": answer.all_rows if answer else [],
    }


def _answer(site: _Site, scope: str, key: str, page: str, area: str) -> dict[str, object]:
    """What a page's template needs of its answer: the answer, its CSV link, what to say without one, and
    the words around it."""
    answer, answer_csv, coverage = site.answer(scope, key, page)
    return {
        "answer_block": answer,
        "answer_csv": answer_csv,
        "coverage": coverage,
        "text": _text(answer, scope, area),
    }


def _search_key(*parts: str) -> str:
    text = unicodedata.normalize("NFD", " ".join(parts).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _a_to_z(entries: list[dict[str, str]]) -> list[tuple[str, list[dict[str, str]]]]:
    groups: dict[str, list[dict[str, str]]] = {}
    for entry in sorted(entries, key=lambda e: (_search_key(e["name"]), e["code"])):
        letter = _search_key(entry["name"])[:1].upper() or "#"
        groups.setdefault(letter, []).append(entry)
    return list(groups.items())


def _copy_css(root: Path) -> None:
    (root / "briefing.css").write_text(
        files("housing_need.publish.briefing").joinpath("templates/briefing.css").read_text(encoding="utf-8"),
        encoding="utf-8",
    )


def build_briefing(
    warehouse_path: Path,
    out_dir: Path,
    *,
    scenario: ScenarioBanner | None = None,
    comparison: Comparison | None = None,
) -> BriefingSummary:
    """Write the briefing site for the warehouse into ``out_dir`` (replaced atomically). With
    ``scenario``, the pages are a what-if scenario's: a banner naming it and its overrides on every
    page, the scenario named in every chart's caption and every CSV's header; and with ``comparison``
    its page beside the baseline, comparison.html."""
    summary = BriefingSummary(out_dir=out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".briefing-", dir=out_dir.parent))
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        _build(staging, Published(con), summary, scenario, comparison)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.close()
    replace_folder(staging, out_dir)
    return summary


def _build(
    staging: Path,
    data: Published,
    summary: BriefingSummary,
    scenario: ScenarioBanner | None = None,
    comparison: Comparison | None = None,
) -> None:
    site = _Site(staging, data, summary, scenario)
    latest = data.latest
    regions = data.con.execute(
        """
        select region_name, sum(people_in_dispersal_accommodation), 10000.0 * sum(people_in_dispersal_accommodation)
               / sum(population_mid2020), count(*)
        from marts.mart_dispersal_vs_deprivation where period_end = ?::date group by 1 order by 1
        """,
        [latest[0]],
    ).fetchall()
    las = data.con.execute(
        "select region_name, lad_code, lad_name, people_in_dispersal_accommodation "
        "from marts.mart_dispersal_vs_deprivation where period_end = ?::date order by lad_name",
        [latest[0]],
    ).fetchall()
    (staging / "regions").mkdir()
    (staging / "la").mkdir()
    _copy_css(staging)
    _index_page(site, regions, las)
    for region, people, _rate, _n in regions:
        members = [(code, name, p) for r, code, name, p in las if r == region]
        _region_page(site, region, people, members)
        for code, name, la_people in members:
            _la_page(site, region, code, name, la_people)
    if scenario is not None and comparison is not None:
        _comparison_page(site, comparison)


def _comparison_page(site: _Site, comparison: Comparison) -> None:
    """comparison.html of a scenario's pages: England, the regions and the LAs that moved, beside the
    baseline, each table with its CSV, and every pair's CSV."""
    assert site.scenario is not None
    page, name = "comparison.html", site.scenario.name
    headers, area_rows, la_rows = comparison_tables(comparison)
    synthetic = list(comparison.synthetic)

    def csv(key: str, title: str, heads: object, rows: object) -> str:
        return site.csv(
            page, key, f"{title}: baseline and scenario {name}", NEED_MARTS, synthetic, heads, rows
        )

    site.write(
        page,
        "comparison.html",
        title=f"Scenario {name} beside the baseline",
        chart=comparison_chart(comparison, name),
        scenario_tag=site.scenario.tag(),
        migration=comparison.migration_scenario,
        headers=headers,
        area_rows=area_rows,
        la_rows=la_rows,
        area_csv=csv("areas", "Housing need, England and the regions", headers, area_rows),
        la_csv=csv("local-authorities", "Local authorities whose need moved most", headers, la_rows)
        if la_rows
        else "",
        pairs_csv=csv(
            "pairs",
            "Housing need of every LA x community pair",
            comparison.pair_headers,
            comparison.pair_rows,
        ),
    )


def _index_page(site: _Site, regions: list[tuple], las: list[tuple]) -> None:
    """index.html: England's answer, the search box and the A-Z list of every region and LA."""
    entries = [
        {"name": r, "code": "", "kind": "region or nation", "href": region_page(r), "search": _search_key(r)}
        for r, *_ in regions
    ] + [
        {
            "name": name,
            "code": code,
            "kind": region,
            "href": la_page(code, name),
            "search": _search_key(name, code, region),
        }
        for region, code, name, _ in las
    ]
    page = "index.html"
    latest = site.data.latest
    site.write(
        page,
        "index.html",
        title="Housing need and asylum dispersal",
        heading="Housing need of emerging communities, and asylum dispersal",
        lede="How many affordable homes the emerging communities of each local authority will need over the next "
        "5, 10 and 15 years, and how sure the estimate is; with the arrivals behind it. Find your area, or "
        f"read England's answer below. Data to {latest[1]}.",
        parent=None,
        watch="",
        **_answer(site, "index", INDEX_NAME, page, "England"),
        lead_links=[
            ("find", "Find an area"),
            ("answer", "The answer: housing need"),
            ("regions", "Regions and nations"),
        ],
        sections=site.sections("index", INDEX_NAME, page),
        dispersal=None,
        quarter=latest[1],
        regions=[
            {"name": r, "href": region_page(r), "people": f"{int(p):,}", "rate": f"{rate:.1f}", "las": n}
            for r, p, rate, n in regions
        ],
        az=_a_to_z(entries),
        az_count=len(entries),
        note=site.map_note,
    )


def _region_page(site: _Site, region: str, people: float, members: list[tuple]) -> None:
    page = region_page(region)
    site.write(
        page,
        "region.html",
        title=region,
        heading=region,
        lede=f"{len(members)} local authorities",
        parent=None,
        watch="",
        **_answer(site, "region", region, page, region),
        lead_links=[("answer", "The answer: housing need")],
        sections=site.sections("region", region, page),
        dispersal=f"{int(people):,}",
        quarter=site.quarter,
        las=[
            {"name": name, "href": href(page, la_page(code, name)), "people": f"{int(p):,}"}
            for code, name, p in members
        ],
        note=site.map_note,
    )


def _la_page(site: _Site, region: str, code: str, name: str, people: float) -> None:
    """An LA's page, and the redirect from its code-only name of earlier builds."""
    page = la_page(code, name)
    watching = "mart_emerging_community_watchlist" in site.available
    site.write(
        page,
        "la.html",
        title=name,
        heading=name,
        lede=code,
        parent={"name": region, "href": href(page, region_page(region))},
        watch=watchlist_status(site.data, code) if watching else "",
        **_answer(site, "la", code, page, name),
        lead_links=[("answer", "The answer: housing need")],
        sections=site.sections("la", code, page),
        dispersal=f"{int(people):,}",
        quarter=site.quarter,
    )
    if la_redirect(code) != page:
        site.redirect(la_redirect(code), page, name)
