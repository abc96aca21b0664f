"""The sections of the briefing pages: a registry new marts plug into.

A section names the marts it needs and the scopes it serves ("region", "la"); given a read-only
DuckDB connection and a scope key it returns a chart, a caption and the numbers behind the chart,
or None when it has nothing to say there. Sections whose marts are not in the warehouse yet are
listed on the page as not yet available. To add one (e.g. register pressure, need estimates with
low/central/high ranges, move-on pressure), write a function and append a Section to SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb

from . import svg

ACCOMMODATION_LABELS = {
    "dispersal": "Dispersal",
    "contingency_hotel": "Hotel",
    "contingency_other": "Other contingency",
    "initial": "Initial",
    "subsistence_only": "Subsistence only",
    "other": "Other",
    "not_applicable": "Not recorded",
}


@dataclass
class Content:
    chart: str
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    requires: tuple[str, ...]  # marts.<table> names
    scopes: tuple[str, ...]  # "region", "la"
    build: Callable[[duckdb.DuckDBPyConnection, str, str], Content | None]


def _latest(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    row = con.execute(
        "select max(period_end)::varchar, max_by(quarter_label, period_end) from marts.mart_dispersal_vs_deprivation"
    ).fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def _region_of(con: duckdb.DuckDBPyConnection, scope: str, key: str) -> str:
    if scope == "region":
        return key
    row = con.execute(
        "select region_name from marts.dim_local_authority where lad_code = ?", [key]
    ).fetchone()
    return str(row[0]) if row else ""


def dispersal_trend(con: duckdb.DuckDBPyConnection, scope: str, key: str) -> Content | None:
    region = _region_of(con, scope, key)
    rows = con.execute(
        """
        select quarter_label,
               sum(people_in_dispersal_accommodation) filter (where region_name = $region) as region_people,
               10000.0 * sum(people_in_dispersal_accommodation) filter (where region_name = $region)
                 / sum(population_mid2020) filter (where region_name = $region) as region_rate,
               sum(people_in_dispersal_accommodation) filter (where lad_code = $la) as la_people,
               max(dispersal_per_10k) filter (where lad_code = $la) as la_rate
        from marts.mart_dispersal_vs_deprivation
        group by period_end, quarter_label order by period_end
        """,
        {"region": region, "la": key if scope == "la" else ""},
    ).fetchall()
    if not rows:
        return None
    if scope == "region":
        chart = svg.line_chart(
            {region: [(q, float(p)) for q, p, _, _, _ in rows]},
            title=f"People in dispersal accommodation, {region}",
            y_label="people",
        )
        return Content(
            chart=chart,
            caption=f"People in Home Office dispersal accommodation in {region} at each quarter end "
            f"(all support types), {rows[0][0]} to {rows[-1][0]}.",
            headers=("Quarter", "People in dispersal accommodation", "Per 10,000 residents"),
            rows=[(q, f"{int(p):,}", f"{r:.1f}") for q, p, r, _, _ in rows],
        )
    name = con.execute("select lad_name from marts.dim_local_authority where lad_code = ?", [key]).fetchone()
    la_name = str(name[0]) if name else key
    chart = svg.line_chart(
        {
            la_name: [(q, float(lr)) for q, _, _, _, lr in rows],
            f"{region} average": [(q, float(r)) for q, _, r, _, _ in rows],
        },
        title=f"Dispersal per 10,000 residents, {la_name} and {region}",
        y_label="per 10,000 residents",
    )
    return Content(
        chart=chart,
        caption=f"People in dispersal accommodation per 10,000 residents in {la_name}, against the {region} "
        "average, at each quarter end.",
        headers=("Quarter", f"{la_name}: people", f"{la_name}: per 10,000", f"{region}: per 10,000"),
        rows=[(q, f"{int(lp):,}", f"{lr:.1f}", f"{r:.1f}") for q, _, r, lp, lr in rows],
    )


def deprivation_scatter(con: duckdb.DuckDBPyConnection, scope: str, key: str) -> Content | None:
    region = _region_of(con, scope, key)
    latest, label = _latest(con)
    rows = con.execute(
        """
        select lad_code, lad_name, imd2019_average_score, dispersal_per_10k, people_in_dispersal_accommodation
        from marts.mart_dispersal_vs_deprivation
        where region_name = ? and period_end = ?::date and imd2019_average_score is not null
        order by imd2019_average_score desc
        """,
        [region, latest],
    ).fetchall()
    if not rows:
        return None  # IMD 2019 covers England only
    points = [svg.Point(float(s), float(r), str(n), highlight=(code == key)) for code, n, s, r, _ in rows]
    return Content(
        chart=svg.scatter(
            points,
            title=f"Dispersal rate against deprivation, {region} LAs, {label}",
            x_label="IMD 2019 average score (higher = more deprived)",
            y_label="dispersed per 10,000 residents",
        ),
        caption=f"Each dot is a local authority in {region}: its IMD 2019 score against people in dispersal "
        f"accommodation per 10,000 residents at {label}."
        + (" The highlighted dot is this authority." if scope == "la" else ""),
        headers=("Local authority", "IMD 2019 score", "People dispersed", "Per 10,000 residents"),
        rows=[(n, f"{s:.1f}", f"{int(p):,}", f"{r:.1f}") for _, n, s, r, p in rows],
    )


def concentration(con: duckdb.DuckDBPyConnection, scope: str, key: str) -> Content | None:
    rows = con.execute(
        """
        select quarter_label, concentration_index, share_in_most_deprived_quintile,
               population_share_in_most_deprived_quintile
        from marts.mart_dispersal_concentration_by_region
        where region_name = ? and concentration_index is not null order by period_end
        """,
        [key],
    ).fetchall()
    if not rows:
        return None
    q, ci, share, pop_share = rows[-1]
    return Content(
        chart=svg.line_chart(
            {"concentration index": [(r[0], float(r[1])) for r in rows]},
            title=f"Concentration of dispersal in deprived LAs, {key}",
            y_label="concentration index (0 = proportional)",
        ),
        caption=f"At {q}, {share:.0%} of people in dispersal accommodation in {key} lived in the LAs in the "
        f"most deprived fifth nationally, which hold {pop_share:.0%} of the region's residents. The "
        "concentration index is 0 when dispersal follows population and positive when it leans to "
        "the more deprived LAs.",
        headers=("Quarter", "Concentration index", "Share in most deprived fifth", "Population share"),
        rows=[(r[0], f"{r[1]:.3f}", f"{r[2]:.0%}" if r[2] is not None else "–", f"{r[3]:.0%}") for r in rows],
    )


def accommodation_mix(con: duckdb.DuckDBPyConnection, scope: str, key: str) -> Content | None:
    column = "region_name" if scope == "region" else "lad_code"
    rows = con.execute(
        f"""
        select accommodation_type, sum(people) as people, max(quarter_label) as quarter
        from marts.fct_asylum_support_by_la_quarter
        where {column} = ? and period_end = (select max(period_end) from marts.fct_asylum_support_by_la_quarter)
        group by 1 order by people desc
        """,
        [key],
    ).fetchall()
    if not rows:
        return None
    label = rows[0][2]
    items = [(ACCOMMODATION_LABELS.get(a, a), float(p)) for a, p, _ in rows]
    return Content(
        chart=svg.bar_chart(
            items, title=f"People supported by accommodation type, {label}", y_label="people"
        ),
        caption=f"Everyone in receipt of asylum support at {label}, by the accommodation they were in. Hotels "
        "and initial accommodation are where a positive decision leads to the sharpest move-on pressure.",
        headers=("Accommodation", "People"),
        rows=[(lab, f"{int(v):,}") for lab, v in items],
    )


SECTIONS: list[Section] = [
    Section(
        "dispersal-trend",
        "Dispersal over time",
        ("mart_dispersal_vs_deprivation",),
        ("region", "la"),
        dispersal_trend,
    ),
    Section(
        "deprivation",
        "Dispersal and deprivation",
        ("mart_dispersal_vs_deprivation",),
        ("region", "la"),
        deprivation_scatter,
    ),
    Section(
        "concentration",
        "Concentration in deprived areas",
        ("mart_dispersal_concentration_by_region",),
        ("region",),
        concentration,
    ),
    Section(
        "accommodation",
        "Accommodation at the latest quarter",
        ("fct_asylum_support_by_la_quarter",),
        ("region", "la"),
        accommodation_mix,
    ),
    # Planned: community profile (census), register pressure, need estimates (low/central/high),
    # move-on pressure. Their marts do not exist yet; they will be listed as not yet available.
    Section(
        "need-estimates",
        "Longer-term housing need (5/10/15 years)",
        ("mart_housing_need_estimate",),
        ("region", "la"),
        lambda *_: None,
    ),
]
