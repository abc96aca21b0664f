"""The emerging-community watchlist and what reads it: the shortlist (index page), the outlook (an LA's
projected asylum support led by its place on the watchlist; a region's listed LAs) and the status line
of an LA page. :func:`watchlist` and :func:`shortlisted` are the maps' too."""

from __future__ import annotations

from .. import svg
from ..page import Content, Published
from .common import counted


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
    name = data.name_of(scope, key)
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
