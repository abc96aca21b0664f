"""Asylum support and dispersal: people in dispersal accommodation over time and against deprivation,
how concentrated dispersal is in the most deprived areas, and the accommodation mix at the latest quarter."""

from __future__ import annotations

from .. import svg
from ..page import Content, Published
from .common import key_column

ACCOMMODATION_LABELS = {
    "dispersal": "Dispersal",
    "contingency_hotel": "Hotel",
    "contingency_other": "Other contingency",
    "initial": "Initial",
    "subsistence_only": "Subsistence only",
    "other": "Other",
    "not_applicable": "Not recorded",
}


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
    la_name = data.name_of(scope, key)
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
    column = key_column(scope)
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
