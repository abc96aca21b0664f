"""The sections of the briefing pages: a registry new marts plug into.

A section names the marts it needs and the scopes it serves ("region", "la"); given the published
marts (:class:`Published`, read-only, each query run once per build) and a scope key it returns a chart, a caption and the numbers behind the chart,
or None when it has nothing to say there. Sections whose marts are not in the warehouse yet are
listed on the page as not yet available. To add one (e.g. register pressure, need estimates with
low/central/high ranges, move-on pressure), write a function and append a Section to SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import duckdb

from ..marts import latest_quarter
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


class Published:
    """The published marts as the pages read them. Each query a section asks for runs once per build
    (over every region or LA at once) and is then read per page, so 370 pages cost a few dozen
    queries, not thousands."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._cache: dict[tuple[str, tuple[object, ...]], dict[object, list[tuple]]] = {}

    def by(self, sql: str, params: Sequence[object] = ()) -> dict[object, list[tuple]]:
        """Rows of ``sql`` grouped by their first column (the rest of each row, in query order)."""
        key = (sql, tuple(params))
        if key not in self._cache:
            grouped: dict[object, list[tuple]] = {}
            for row in self.con.execute(sql, list(params)).fetchall():
                grouped.setdefault(row[0], []).append(tuple(row[1:]))
            self._cache[key] = grouped
        return self._cache[key]

    @cached_property
    def latest(self) -> tuple[str, str]:
        return latest_quarter(self.con)

    def la(self, code: str) -> tuple[str, str]:
        """(name, region) of a current LAD ('', '' if unknown)."""
        found = self.by("select lad_code, lad_name, region_name from marts.dim_local_authority").get(code)
        return (str(found[0][0]), str(found[0][1])) if found else ("", "")

    def region_of(self, scope: str, key: str) -> str:
        return key if scope == "region" else self.la(key)[1]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    requires: tuple[str, ...]  # marts.<table> names
    scopes: tuple[str, ...]  # "region", "la"
    build: Callable[[Published, str, str], Content | None]


def dispersal_trend(data: Published, scope: str, key: str) -> Content | None:
    region = data.region_of(scope, key)
    by_region = data.by(
        """
        select region_name, quarter_label, sum(people_in_dispersal_accommodation),
               10000.0 * sum(people_in_dispersal_accommodation) / sum(population_mid2020)
        from marts.mart_dispersal_vs_deprivation
        group by region_name, period_end, quarter_label order by region_name, period_end
        """
    )
    rows = by_region.get(region)
    if not rows:
        return None
    if scope == "region":
        chart = svg.line_chart(
            {region: [(q, float(p)) for q, p, _ in rows]},
            title=f"People in dispersal accommodation, {region}",
            y_label="people",
        )
        return Content(
            chart=chart,
            caption=f"People in Home Office dispersal accommodation in {region} at each quarter end "
            f"(all support types), {rows[0][0]} to {rows[-1][0]}.",
            headers=("Quarter", "People in dispersal accommodation", "Per 10,000 residents"),
            rows=[(q, f"{int(p):,}", f"{r:.1f}") for q, p, r in rows],
        )
    by_la = data.by(
        "select lad_code, quarter_label, people_in_dispersal_accommodation, dispersal_per_10k "
        "from marts.mart_dispersal_vs_deprivation order by lad_code, period_end"
    )
    la_rows = {q: (p, r) for q, p, r in by_la.get(key, [])}
    if not la_rows:
        return None
    la_name = data.la(key)[0] or key
    series = [(q, la_rows[q][0], la_rows[q][1], r) for q, _, r in rows if q in la_rows]
    chart = svg.line_chart(
        {
            la_name: [(q, float(lr)) for q, _, lr, _ in series],
            f"{region} average": [(q, float(r)) for q, _, _, r in series],
        },
        title=f"Dispersal per 10,000 residents, {la_name} and {region}",
        y_label="per 10,000 residents",
    )
    return Content(
        chart=chart,
        caption=f"People in dispersal accommodation per 10,000 residents in {la_name}, against the {region} "
        "average, at each quarter end.",
        headers=("Quarter", f"{la_name}: people", f"{la_name}: per 10,000", f"{region}: per 10,000"),
        rows=[(q, f"{int(lp):,}", f"{lr:.1f}", f"{r:.1f}") for q, lp, lr, r in series],
    )


def deprivation_scatter(data: Published, scope: str, key: str) -> Content | None:
    region = data.region_of(scope, key)
    latest, label = data.latest
    rows = data.by(
        """
        select region_name, lad_code, lad_name, imd2019_average_score, dispersal_per_10k,
               people_in_dispersal_accommodation
        from marts.mart_dispersal_vs_deprivation
        where period_end = ?::date and imd2019_average_score is not null
        order by region_name, imd2019_average_score desc
        """,
        [latest],
    ).get(region)
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


def concentration(data: Published, scope: str, key: str) -> Content | None:
    rows = data.by(
        """
        select region_name, quarter_label, concentration_index, share_in_most_deprived_quintile,
               population_share_in_most_deprived_quintile
        from marts.mart_dispersal_concentration_by_region
        where concentration_index is not null order by region_name, period_end
        """
    ).get(key)
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


def accommodation_mix(data: Published, scope: str, key: str) -> Content | None:
    column = "region_name" if scope == "region" else "lad_code"
    rows = data.by(
        f"""
        select {column}, accommodation_type, sum(people) as people, max(quarter_label) as quarter
        from marts.fct_asylum_support_by_la_quarter
        where period_end = (select max(period_end) from marts.fct_asylum_support_by_la_quarter)
        group by 1, 2 order by 1, people desc, 2
        """
    ).get(key)
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


def _share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "–"


def _count(value: int | None) -> str:
    return f"{value:,}" if value is not None else "–"


def community_profile(data: Published, scope: str, key: str) -> Content | None:
    if scope == "region":
        rows = data.by(
            """
            select region_name, lad_name, born_outside_uk_share_2011, born_outside_uk_share_2021,
                   overcrowded_share, social_rented_share, private_rented_share
            from marts.mart_community_profile_by_la
            where born_outside_uk_share_2021 is not null
            order by region_name, born_outside_uk_share_2021 desc
            """
        ).get(key)
        if not rows:
            return None
        return Content(
            chart=svg.bar_chart(
                [(str(r[0]), 100 * float(r[2])) for r in rows],
                title=f"Residents born outside the UK, {key} LAs, Census 2021",
                y_label="% of usual residents",
            ),
            caption=f"Share of usual residents born outside the UK in each local authority of {key} at Census "
            "2021, with 2011 (2011 districts summed into today's) and how households are housed.",
            headers=(
                "Local authority",
                "Born outside UK 2011",
                "Born outside UK 2021",
                "Overcrowded households",
                "Social rented",
                "Private rented",
            ),
            rows=[(str(r[0]), *(_share(v) for v in r[1:])) for r in rows],
        )
    found = data.by(
        """
        select lad_code, lad_name, residents_2021, born_outside_uk_2021, born_outside_uk_share_2021,
               residents_2011, born_outside_uk_2011, born_outside_uk_share_2011, households, social_rented_share,
               private_rented_share, overcrowded_share
        from marts.mart_community_profile_by_la
        """
    ).get(key)
    if not found or found[0][1] is None:
        return None
    name, res21, out21, share21, res11, out11, share11, households, social, private, crowded = found[0]
    rows = data.by(
        """
        select lad_code, community_name, residents_2011, residents_2021, residents_change
        from marts.mart_community_change_2011_2021
        where community_type = 'country'
        order by lad_code, residents_2021 desc, community_name
        """
    ).get(key, [])[:10]
    caption = (
        f"{_count(out21)} of {_count(res21)} usual residents of {name} ({_share(share21)}) were born outside the UK "
        f"at Census 2021, against {_count(out11)} of {_count(res11)} ({_share(share11)}) in 2011. Of "
        f"{_count(households)} households, {_share(social)} rent socially, {_share(private)} rent privately and "
        f"{_share(crowded)} are overcrowded (at least one bedroom too few). The chart shows the countries of "
        "birth the census names for every district, largest first."
    )
    return Content(
        chart=svg.bar_chart(
            [(str(r[0]), float(r[2])) for r in rows],
            title=f"Residents by country of birth, {name}, Census 2021",
            y_label="usual residents",
        ),
        caption=caption,
        headers=("Country of birth", "2011", "2021", "Change"),
        rows=[(str(r[0]), _count(r[1]), _count(r[2]), f"{int(r[3]):+,}") for r in rows],
        notes=["Census counts are net: people who arrived and left between censuses are not visible."],
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
    Section(
        "community-profile",
        "Who lives here: the community profile (census)",
        ("mart_community_profile_by_la", "mart_community_change_2011_2021"),
        ("region", "la"),
        community_profile,
    ),
    # Planned: register pressure, need estimates (low/central/high), move-on pressure. Their marts do
    # not exist yet; they are listed as not yet available.
    Section(
        "need-estimates",
        "Longer-term housing need (5/10/15 years)",
        ("mart_housing_need_estimate",),
        ("region", "la"),
        lambda *_: None,
    ),
]
