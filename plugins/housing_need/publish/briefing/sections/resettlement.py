"""Resettlement arrivals by scheme family, each year and to date, with the people the publisher places
in no local authority."""

from __future__ import annotations

from .. import svg
from ..page import Content, Published
from .common import count, people

SCHEME_FAMILY_LABELS = {
    "vprs_vcrs": "VPRS/VCRS",
    "gateway_ukrs": "Gateway/UKRS",
    "acrs_arap": "ACRS/ARAP",
    "community_sponsorship": "Community sponsorship",
    "mandate": "Mandate",
}


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
    counts = ", ".join(f"{count(p)} {label(f, f)}" for f, p, _ in rows)
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
    name = data.name_of(scope, key)
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
        rows=[(label(f, f), count(t), count(p), q) for f, t, p, q in [*families, total]],
        notes=_unallocated_note(data)
        + ["Counts are people placed in the area on arrival: no onward movement is published."],
    )
