"""The sections of the briefing pages: a registry new marts plug into.

A section names the marts it needs and the scopes it serves ("region", "la"); given the published
marts (:class:`Published`, read-only, each query run once per build) and a scope key it returns a chart, a caption and the numbers behind the chart,
or None when it has nothing to say there. Sections whose marts are not in the warehouse yet are
listed on the page as not yet available. To add one (e.g. register pressure, need estimates with
low/central/high ranges), write a function and append a Section to SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import duckdb

from ..marts import latest_quarter, mart_tables
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
SCHEME_FAMILY_LABELS = {
    "vprs_vcrs": "VPRS/VCRS",
    "gateway_ukrs": "Gateway/UKRS",
    "acrs_arap": "ACRS/ARAP",
    "community_sponsorship": "Community sponsorship",
    "mandate": "Mandate",
}


@dataclass
class Content:
    chart: str
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    notes: list[str] = field(default_factory=list)
    # what the section's figures rest on that is SYNTHETIC (empty: published data only): the page marks
    # the heading and the CSV download says it in a header row
    synthetic: list[str] = field(default_factory=list)


class Published:
    """The published marts as the pages read them. Each query a section asks for runs once per build
    (over every region or LA at once) and is then read per page, so 370 pages cost a few dozen
    queries, not thousands."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._cache: dict[tuple[str, tuple[object, ...]], dict[object, list[tuple]]] = {}
        self._derived: dict[str, Any] = {}

    def derived(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()`` once per build: for what a module derives from a query for every page."""
        if name not in self._derived:
            self._derived[name] = build()
        return self._derived[name]

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

    @cached_property
    def tables(self) -> set[str]:
        """The marts in the warehouse, by name."""
        return set(mart_tables(self.con))

    def columns(self, table: str) -> set[str]:
        """The columns of marts.<table> (empty when it does not exist): pages built from an older
        warehouse leave out what it lacks."""
        found = self.by(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and table_catalog = current_database()"
        )
        return {str(c) for (c,) in found.get(table, [])}

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
    la_name = _name(data, scope, key)
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


def _key_column(scope: str) -> str:
    """Where a page's key is in a mart at LA grain: region_name for a region, lad_code for an LA."""
    return "region_name" if scope == "region" else "lad_code"


def _name(data: Published, scope: str, key: str) -> str:
    return key if scope == "region" else data.la(key)[0] or key


def accommodation_mix(data: Published, scope: str, key: str) -> Content | None:
    column = _key_column(scope)
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


def counted(count: float, singular: str, plural: str | None = None) -> str:
    """A count with its noun agreeing: "1 person", "1,234 people", "1 council", "3 councils"."""
    return f"{count:,.0f} {singular if round(count) == 1 else (plural or singular + 's')}"


def people(count: int) -> str:
    return counted(count, "person", "people")


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


NOT_REPORTED = "not reported by the council"


def _move_on_parameters(data: Published) -> tuple[float, float, float, int, int]:
    """The shares of grants the mart applied, low/central/high (each estimate over the LA's share of
    the supported stock x UK grants), and the move-on and prevention-duty days."""
    implied = "round(median({} * uk_supported_at_start / (supported_at_start * uk_initial_grants)), 2)"
    shares = ", ".join(implied.format(f"estimated_households_{b}") for b in ("low", "central", "high"))
    return data.by(
        f"""
        select 'all', {shares}, max(move_on_period_days), max(prevention_duty_days)
        from marts.mart_move_on_pressure_by_la_quarter where supported_at_start > 0 and uk_initial_grants > 0
        """
    )["all"][0]


def _move_on_quarters(data: Published, scope: str, key: str) -> list[tuple]:
    """(quarter, low, central, high, observed, councils not reporting) from the first H-CLIC quarter,
    summed over the region's LAs for a region (observed: the councils that reported)."""
    column = _key_column(scope)
    return data.by(
        f"""
        select {column}, quarter_label, sum(estimated_households_low), sum(estimated_households_central),
               sum(estimated_households_high), sum(observed_households),
               count(*) filter (where observed_status = '{NOT_REPORTED}')
        from marts.mart_move_on_pressure_by_la_quarter
        where period_end >= (select min(period_end) from marts.mart_move_on_pressure_by_la_quarter
                             where observed_status <> 'no H-CLIC table for the quarter')
        group by {column}, period_end, quarter_label order by {column}, period_end
        """
    ).get(key, [])


def _observed(households: int | None, not_reporting: int) -> str:
    if households is None:
        return "not reported" if not_reporting else "no table"
    return _count(households) + (f" ({not_reporting} not reporting)" if not_reporting else "")


def _calibration_note(data: Published, scope: str, key: str) -> list[str]:
    column = _key_column(scope)
    found = data.by(
        f"""
        select {column}, sum(observed_households), sum(estimated_households_central), max(quarters_compared),
               count(*), max(calibrated_supported_share_of_grants)
        from marts.mart_move_on_calibration_by_la where quarters_compared > 0 group by {column}
        """
    ).get(key)
    if not found or found[0][1] is None or not found[0][2]:
        return []
    observed, central, quarters, councils, share = found[0]
    if scope == "region":
        return [
            f"The {counted(councils, 'council')} of {key} that reported recorded {observed / central:.0%} of the "
            f"central estimate over the quarters each reported (up to {quarters}): "
            f"{counted(observed, 'household')} against {central:,.0f}."
        ]
    return [
        f"The council recorded {observed / central:.0%} of the central estimate over "
        f"{counted(quarters, 'quarter')} "
        f"({counted(observed, 'household')} against {central:,.0f}): the share of grants that would reproduce its "
        f"records is {share:.2f}."
    ]


def move_on(data: Published, scope: str, key: str) -> Content | None:
    rows = _move_on_quarters(data, scope, key)
    if not rows:
        return None
    name = _name(data, scope, key)
    low, central, high, move_on_days, duty_days = _move_on_parameters(data)
    observed = [(q, float(o)) for q, *_, o, _ in rows if o is not None]
    chart = svg.line_chart(
        {"estimate (central)": [(q, round(c, 1)) for q, _, c, *_ in rows]}
        | ({"observed (H-CLIC)": observed} if observed else {}),
        title=f"Households leaving asylum accommodation after a grant, {name}",
        y_label="households a quarter",
        band=(
            f"estimate range ({low}-{high})",
            [(q, round(lo, 1), round(hi, 1)) for q, lo, _, hi, *_ in rows],
        ),
    )
    notes = _calibration_note(data, scope, key) + [
        "The estimate rests on an assumed parameter: the share of grants made to people in Home Office "
        f"accommodation is not published, so the range uses {low} to {high}. Read relative pressure and the gap "
        "to the councils' records, not a forecast of presentations."
    ]
    if not observed and not any(n for *_, n in rows):
        notes.append(f"H-CLIC covers England only: there is no observed series for {name}.")
    elif scope == "region":
        notes.append(
            "Observed sums the councils that reported each quarter: councils that did not report are left out "
            "of it (the table says how many), while the estimate covers every local authority."
        )
    return Content(
        chart=chart,
        caption=f"Households expected to leave Home Office accommodation after a positive initial decision in "
        f"{name}: the share of the UK's supported people living here at the start of the quarter x UK initial "
        f"grants in the quarter x the share of grants made to people in Home Office accommodation ({low} low, "
        f"{central} central, {high} high), against the households councils recorded as owed a homelessness "
        f"duty for this reason (H-CLIC). Support ends {move_on_days} days after a grant, while the prevention "
        f"duty starts {duty_days} days before homelessness, so a household is owed it at once.",
        headers=("Quarter", "Estimate: low", "Estimate: central", "Estimate: high", "Observed (H-CLIC)"),
        rows=[(q, f"{lo:,.0f}", f"{c:,.0f}", f"{hi:,.0f}", _observed(o, n)) for q, lo, c, hi, o, n in rows],
        notes=notes,
    )


def _unallocated_note(data: Published) -> list[str]:
    """The people the publisher placed against the local authority "Unknown", by scheme family."""
    rows = data.by(
        """
        select 'unknown', scheme_family, sum(persons), min_by(quarter_label, period_end)
        from marts.fct_resettlement_arrivals_by_la_quarter where not is_allocated
        group by scheme_family order by 3 desc, 2
        """
    ).get("unknown", [])
    if not rows:
        return []
    label = SCHEME_FAMILY_LABELS.get
    counts = ", ".join(f"{_count(p)} {label(f, f)}" for f, p, _ in rows)
    return [
        f"The publisher places {people(sum(p for _, p, _ in rows))} ({counts}; from "
        f'{min(q for *_, q in rows)}) against the local authority "Unknown": they are in the UK total but in no '
        f"local authority or region, so local and regional {' and '.join(label(f, f) for f, _, _ in rows)} "
        "figures are floors (a scheme missing from the table may still have placed people here)."
    ]


def _resettlement(data: Published, scope: str, key: str, group: str, measures: str) -> list[tuple]:
    """``measures`` of the page's region or LA in mart_resettlement_by_area_quarter, grouped by ``group``."""
    level, column = ("region", "area_name") if scope == "region" else ("local_authority", "area_code")
    return data.by(
        f"""
        select {column}, {group}, {measures} from marts.mart_resettlement_by_area_quarter
        where area_level = ? group by {column}, {group} order by {column}, {group}
        """,
        [level],
    ).get(key, [])


def resettlement(data: Published, scope: str, key: str) -> Content | None:
    # per scheme family: arrivals to date, in the mart's latest quarter, and the last quarter with any
    families = _resettlement(
        data,
        scope,
        key,
        "scheme_family",
        "max(persons_to_date), coalesce(sum(persons) filter (where period_end = "
        "(select max(period_end) from marts.mart_resettlement_by_area_quarter)), 0), "
        "max_by(quarter_label, period_end)",
    )
    if not families:
        return None
    families.sort(key=lambda r: -r[1])
    first, last, latest = data.by(
        "select 'span', min(year(period_end)), max(year(period_end)), max_by(quarter_label, period_end) "
        "from marts.mart_resettlement_by_area_quarter"
    )["span"][0]
    yearly = {
        (f, y): p
        for f, y, p in _resettlement(data, scope, key, "scheme_family, year(period_end)", "sum(persons)")
    }
    label = SCHEME_FAMILY_LABELS.get
    name = _name(data, scope, key)
    total = ("All schemes", *(sum(r[i] for r in families) for i in (1, 2)), max(r[3] for r in families))
    return Content(
        chart=svg.line_chart(
            {
                label(f, f): [(str(y), float(yearly.get((f, y), 0))) for y in range(first, last + 1)]
                for f, *_ in families
            },
            title=f"People resettled each year by scheme, {name}",
            y_label="people arriving",
        ),
        caption=f"People resettled in {name} each calendar year by scheme family, {first} to {latest} (a year "
        "with no arrivals counts as zero), and arrivals to date.",
        headers=(
            "Scheme family",
            "Arrivals to date",
            f"Arrivals in {latest}",
            "Latest quarter with arrivals",
        ),
        rows=[(label(f, f), _count(t), _count(p), q) for f, t, p, q in [*families, total]],
        notes=_unallocated_note(data)
        + ["Counts are people placed in the area on arrival: no onward movement is published."],
    )


def watchlist(data: Published) -> dict[object, list[tuple]]:
    """The latest quarter's watchlist by LA: (rank, listed LAs, quarter, LA name, region, reasons)."""
    return data.by(
        """
        select lad_code, rank_in_quarter, count(*) over (), quarter_label, lad_name, region_name, reasons
        from marts.mart_emerging_community_watchlist
        where period_end = (select max(period_end) from marts.mart_emerging_community_watchlist)
        order by rank_in_quarter
        """
    )


SHORTLIST_SCORE = 4  # the mart's is_shortlisted threshold (docs/flows.md), said in words on the pages


def shortlisted(data: Published) -> set[str]:
    """LAs on the latest quarter's shortlist (none when the mart predates the shortlist columns)."""
    if "is_shortlisted" not in data.columns("mart_emerging_community_watchlist"):
        return set()
    return {
        str(code)
        for code in data.by(
            """
            select lad_code from marts.mart_emerging_community_watchlist
            where is_shortlisted and period_end = (select max(period_end) from marts.mart_emerging_community_watchlist)
            """
        )
    }


def watchlist_status(data: Published, code: str) -> str:
    """Whether the LA is on the latest shortlist, on the long list only, or on neither, said plainly."""
    watch = watchlist(data)
    if not watch:
        return "The emerging-community watchlist lists no local authority."
    quarter = next(iter(watch.values()))[0][2]
    shortlist = shortlisted(data)
    sizes = f"the shortlist of {len(shortlist)} nor the long list of {len(watch)}"
    entry = watch.get(code)
    if not entry:
        if not shortlist:
            return f"Not on the emerging-community watchlist in {quarter} ({len(watch)} local authorities listed)."
        return f"Not on the emerging-community watchlist in {quarter}: on neither {sizes}."
    rank, total, _, _, _, reasons = entry[0]
    if code in shortlist:
        return (
            f"On the emerging-community shortlist in {quarter} (rank {rank} of the {len(shortlist)} "
            f"shortlisted; {total} on the long list): {reasons}."
        )
    if shortlist:
        return (
            f"On the long list of the emerging-community watchlist in {quarter} (rank {rank} of {total}), not on "
            f"the shortlist of {len(shortlist)} (score {SHORTLIST_SCORE} or more): {reasons}."
        )
    return f"On the emerging-community watchlist in {quarter} (rank {rank} of {total}): {reasons}."


def outlook(data: Published, scope: str, key: str) -> Content | None:
    """LA: people supported, the last eight quarters and the projection's P10-P90 eight ahead, led by
    whether the LA is on the watchlist. Region: the region's LAs on the emerging-community watchlist."""
    watch = watchlist(data)
    if scope == "region":
        listed = sorted(
            ((c, rows[0]) for c, rows in watch.items() if rows[0][4] == key), key=lambda r: r[1][0]
        )
        if not listed:
            return None
        shortlist = shortlisted(data)
        short = sum(1 for code, _ in listed if code in shortlist)
        return Content(
            chart="",
            caption=f"Local authorities of {key} on the emerging-community watchlist in {listed[0][1][2]}: receiving "
            "new arrivals (dispersal, resettlement) with little settlement history, ranked across the UK"
            + (
                f"; {short} of them on the shortlist of {len(shortlist)} (score {SHORTLIST_SCORE} or more: "
                "docs/flows.md), the rest on the long list of "
                f"{len(watch)}."
                if shortlist
                else "."
            ),
            headers=("Rank", "Local authority", "List", "Why"),
            rows=[
                (
                    f"{rank} of {total}",
                    name,
                    "shortlist" if code in shortlist else ("long list" if shortlist else "listed"),
                    reasons,
                )
                for code, (rank, total, _, name, _, reasons) in listed
            ],
        )
    projected = data.by(
        "select lad_code, cast(year(period_end) as varchar) || ' Q' || cast(quarter(period_end) as varchar), "
        "people_p10, people_p50, people_p90, origin_period_end "
        "from marts.fct_asylum_support_projection order by lad_code, period_end"
    ).get(key)
    if not projected:
        return None
    history = data.by(
        "select lad_code, quarter_label, sum(people) from marts.fct_asylum_support_by_la_quarter "
        "where lad_code is not null group by lad_code, period_end, quarter_label order by lad_code, period_end"
    ).get(key, [])[-8:]
    name = _name(data, scope, key)
    chart = svg.line_chart(
        {
            "published": [(q, float(p)) for q, p in history],
            "projection (P50)": [(q, round(p50, 1)) for q, _, p50, _, _ in projected],
        },
        title=f"People in receipt of asylum support, {name}: published and projected",
        y_label="people",
        band=("projection P10-P90", [(q, round(lo, 1), round(hi, 1)) for q, lo, _, hi, _ in projected]),
    )
    notes = [
        "Backtested from every quarter since 2016 (docs/backtest.md): the median is about as accurate as the "
        "last figure carried forward, and the P10-P90 range held the outcome about three times in four. "
        "Read the range: how far the number can move, not where it will land."
    ]
    notes.insert(0, watchlist_status(data, key))
    return Content(
        chart=chart,
        caption=f"People in receipt of asylum support in {name} (all support types): the last eight published "
        f"quarters, and the projection from {history[-1][0] if history else 'the latest quarter'} with its "
        "P10-P90 range (each LA keeps its share of each national accommodation component; the national "
        "totals follow a damped trend).",
        headers=("Quarter", "P10", "Projection (P50)", "P90"),
        rows=[(q, f"{lo:,.0f}", f"{p50:,.0f}", f"{hi:,.0f}") for q, lo, p50, hi, _ in projected],
        notes=notes,
    )


def shortlist(data: Published, scope: str, key: str) -> Content | None:
    """The index: the UK's emerging-community shortlist of the latest quarter, with the long list's size."""
    watch = watchlist(data)
    chosen = shortlisted(data)
    if not watch or not chosen:
        return None
    listed = sorted((rows[0] for code, rows in watch.items() if code in chosen), key=lambda r: r[0])
    return Content(
        chart="",
        caption=f"The {counted(len(chosen), 'local authority', 'local authorities')} on the emerging-community "
        f"shortlist in {listed[0][2]}: "
        f"arrivals now and a score of {SHORTLIST_SCORE} or more (new dispersal counts 2; resettling, few "
        "residents born abroad in 2011, fast growth of that share and many recent arrivals 1 each). "
        f"The long list behind it holds {counted(len(watch), 'local authority', 'local authorities')} (new "
        "dispersal or a low 2011 share): their region "
        "pages list them. Method and threshold: docs/flows.md.",
        headers=("Rank", "Local authority", "Region", "Why"),
        rows=[(f"{rank}", name, region, reasons) for rank, _, _, name, region, reasons in listed],
    )


def _need_estimates(data: Published, scope: str, key: str) -> Content | None:
    from .need import need_estimates  # its own module (it reads this one's Content and watchlist)

    return need_estimates(data, scope, key)


def _housing_services(data: Published, scope: str, key: str) -> Content | None:
    from .survey import housing_services  # its own module (it reads this one's Content)

    return housing_services(data, scope, key)


# Evidence in the order a reader needs it: the need (the answer) first, who lives here, then the
# arrivals behind it. The pages put the maps (maps.MAP_SECTIONS) beside these by ORDER in __init__.
SECTIONS: list[Section] = [
    Section(
        "need-estimates",
        "Housing need: the estimates drawn, with their ranges",
        ("mart_housing_need_estimate", "mart_housing_need_total", "mart_emerging_community_watchlist"),
        ("region", "la"),
        _need_estimates,
    ),
    Section(
        "community-profile",
        "Who lives here: the community profile (census)",
        ("mart_community_profile_by_la", "mart_community_change_2011_2021"),
        ("region", "la"),
        community_profile,
    ),
    Section(
        "housing-services",
        "How people experience housing services",
        ("fct_survey_estimate_by_wave_cell",),
        ("region",),
        _housing_services,
    ),
    Section(
        "outlook",
        "Outlook: projected asylum support and the emerging-community watchlist",
        (
            "fct_asylum_support_projection",
            "mart_emerging_community_watchlist",
            "fct_asylum_support_by_la_quarter",
        ),
        ("region", "la"),
        outlook,
    ),
    Section(
        "shortlist",
        "Emerging-community shortlist",
        ("mart_emerging_community_watchlist",),
        ("index",),
        shortlist,
    ),
    Section(
        "move-on",
        "Move-on: leaving asylum accommodation after a grant",
        ("mart_move_on_pressure_by_la_quarter", "mart_move_on_calibration_by_la"),
        ("region", "la"),
        move_on,
    ),
    Section(
        "resettlement",
        "Resettlement arrivals",
        ("mart_resettlement_by_area_quarter", "fct_resettlement_arrivals_by_la_quarter"),
        ("region", "la"),
        resettlement,
    ),
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
]
