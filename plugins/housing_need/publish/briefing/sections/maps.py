"""The map sections: need and dispersal choropleths of the index page (every English and Welsh district,
London enlarged, national classes) and of each region (its districts, classes within the region), each
with the emerging-community shortlist outlined, its areas linked to their pages, and the table behind it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .. import paths
from ..maps.classes import Classes, classify, shown
from ..maps.draw import choropleth
from ..maps.geometry import load_boundaries
from ..maps.legend import NO_DATA
from ..page import Content, Published
from .watchlist import shortlisted, watchlist

INDEX_NAME = "England and Wales"  # the index page's map: every English and Welsh district


def _has(data: Published, table: str) -> bool:
    return table in data.by(
        "select table_name from duckdb_tables() where schema_name = 'marts' "
        "and database_name = current_database()"
    )


def _areas(data: Published, scope: str, key: str) -> dict[str, str]:
    """lad_code -> name of the districts a page's map draws: the region's, or on the index page every
    English and Welsh district."""
    rows = data.by(
        "select case when ? = 'index' then (case when left(lad_code, 1) in ('E', 'W') then ? end) "
        "else region_name end, lad_code, lad_name from marts.dim_local_authority order by lad_name",
        [scope, INDEX_NAME],
    ).get(key, [])
    return {str(code): str(name) for code, name in rows}


def _marked(data: Published) -> tuple[dict[str, str], str, str]:
    """The LAs the maps mark: the latest quarter's emerging-community shortlist (the whole watchlist when
    the mart predates the shortlist), lad_code -> tooltip note, and the quarter ('' when the watchlist
    mart is not in the warehouse or lists nobody) and which list it is. The long list (125-140 LAs a quarter) would ring a
    third of the map."""
    if not _has(data, "mart_emerging_community_watchlist"):
        return {}, "", ""
    watch = watchlist(data)
    short = shortlisted(data)
    chosen = short or set(map(str, watch))
    notes = {
        str(code): f"watchlist {rows[0][2]}: rank {rows[0][0]} of {rows[0][1]}"
        for code, rows in watch.items()
        if str(code) in chosen
    }
    quarter = str(next(iter(watch.values()))[0][2]) if watch else ""
    return notes, quarter, "shortlist" if short else "watchlist"


def _where(scope: str, key: str) -> str:
    return INDEX_NAME if scope == "index" else key


LONDON = ("London", "E09")  # the inset of the index page's maps: the London boroughs (GSS E09)


def la_href(code: str, name: str, scope: str) -> str:
    """The link from a page of ``scope`` (the index at the site's root, or a region page in regions/) to
    an LA's page (paths.la_page)."""
    here = "index.html" if scope == "index" else paths.region_page("any")
    return paths.href(here, paths.la_page(code, name))


def _links(data: Published, scope: str, areas: Iterable[str]) -> dict[str, str]:
    """lad_code -> link to its page, for the areas that have one: the LAs of the latest quarter of
    mart_dispersal_vs_deprivation, as the site writes them."""
    paged = data.by(
        "select 'all', lad_code, lad_name from marts.mart_dispersal_vs_deprivation "
        "where period_end = (select max(period_end) from marts.mart_dispersal_vs_deprivation)"
    ).get("all", [])
    have = {str(code): str(name) for code, name in paged}
    return {code: la_href(code, have[code], scope) for code in areas if code in have}


def _classes(
    scope: str, where: str, national: Iterable[float | None], local: Iterable[float | None], what: str
) -> tuple[Classes, str, str]:
    """The classes of a map, a legend line and a caption sentence saying what they are. The index
    page's map cuts every local authority's value (``national``) into fifths; a region's map cuts its
    own (``local``), so the shades show the differences within the region."""
    if scope == "index":
        return (
            classify(national),
            f"Classes: fifths of all {what}",
            f" The classes are fifths of all {what} (breaks rounded to two figures): national classes.",
        )
    return (
        classify(local),
        f"Classes: fifths within {where}, not national",
        f" The classes are fifths of the {what} in {where} (breaks rounded to two figures), so the shades "
        f"show differences within {where}; the index page maps every local authority on national classes.",
    )


def _watch_legend(quarter: str, which: str) -> list[str]:
    return ["Emerging-community", f"{which}, {quarter}"] if quarter else []


def _watch_sentence(quarter: str, which: str) -> str:
    if not quarter:
        return ""
    return f" Outlined in black with a ringed dot: the local authorities on the emerging-community {which} of {quarter}."


def _map_content(
    data: Published,
    areas: Mapping[str, str],
    values: Mapping[str, float | None],
    classes: Classes,
    *,
    map_id: str,
    title: str,
    unit: list[str],
    caption: str,
    value_headers: tuple[str, ...],
    extra: Callable[[str], list[str]],
    notes: list[str],
    scope: str,
    class_note: str,
) -> Content:
    """A choropleth of ``values`` over ``areas`` with the watchlist marked, its areas linked to their
    pages and London enlarged on the index page, and the table behind it (local authority, code,
    ``value_headers`` filled by ``extra``, class, watchlist rank)."""
    marked, quarter, which = _marked(data)
    name, prefix = LONDON
    chart = choropleth(
        load_boundaries(),
        values,
        classes,
        map_id=map_id,
        title=title,
        unit=unit,
        names=areas,
        marked=marked,
        marked_label=_watch_legend(quarter, which),
        class_note=class_note,
        links=_links(data, scope, areas),
        inset=(name, [c for c in areas if c.startswith(prefix)]) if scope == "index" else None,
    )
    return Content(
        chart=chart,
        caption=caption + _watch_sentence(quarter, which),
        headers=(
            "Local authority",
            "Code",
            *value_headers,
            "Class",
            f"{which.capitalize()} {quarter}: rank" if quarter else "Watchlist",
        ),
        rows=_rows(areas, values, classes, marked, extra),
        notes=notes,
    )


def dispersal_map(data: Published, scope: str, key: str) -> Content | None:
    areas = _areas(data, scope, key)
    if not areas:
        return None
    latest, label = data.latest
    rows = data.by(
        "select 'all', lad_code, people_in_dispersal_accommodation, population_mid2020 "
        "from marts.mart_dispersal_vs_deprivation where period_end = ?::date",
        [latest],
    ).get("all", [])
    people = {str(code): p for code, p, _ in rows}
    rates = {str(code): 10000.0 * p / pop if p is not None and pop else None for code, p, pop in rows}
    where = _where(scope, key)
    values = {code: rates.get(code) for code in areas}
    classes, note, sentence = _classes(
        scope, where, rates.values(), values.values(), "local authorities with anyone dispersed"
    )
    return _map_content(
        data,
        areas,
        values,
        classes,
        map_id="dispersal-map",
        title=f"People in dispersal accommodation per 10,000 residents, {where}, {label}",
        unit=["people dispersed", "per 10,000 residents"],
        caption=f"People in Home Office dispersal accommodation per 10,000 residents (ONS mid-2020 population) "
        f"in each local authority of {where} at {label}.{sentence} Hatched: no data."
        + (" London is enlarged beside the map." if scope == "index" else ""),
        value_headers=("People in dispersal accommodation", "Per 10,000 residents"),
        extra=lambda code: [_count(people.get(code))],
        notes=["Scotland and Northern Ireland are mapped on their own pages."] if scope == "index" else [],
        scope=scope,
        class_note=note,
    )


def need_map(data: Published, scope: str, key: str) -> Content | None:
    areas = _areas(data, scope, key)
    rows = data.by(
        "select 'all', area_code, annual_need, all_households_2021 from marts.mart_housing_need_total "
        "where area_type = 'local_authority' and horizon_years = 10 and scenario = 'central'"
    ).get("all", [])  # each LA's total is the median of its summed draws: community medians do not add
    need = {str(code): (n, h) for code, n, h in rows}
    rates = {code: 1000.0 * n / h if n is not None and h else None for code, (n, h) in need.items()}
    values = {code: rates.get(code) for code in areas}
    if not any(v is not None for v in values.values()):
        return None  # no estimates here (e.g. a nation the estimate does not cover)
    where = _where(scope, key)
    classes, note, sentence = _classes(
        scope, where, rates.values(), values.values(), "local authorities with a positive estimate"
    )
    return _map_content(
        data,
        areas,
        values,
        classes,
        map_id="need-map",
        title=f"Estimated housing need per 1,000 households a year, {where} (10 years, central)",
        unit=["households a year", "per 1,000 households"],
        caption=f"Estimated housing need in each local authority of {where}: households a year over the next "
        "10 years (central scenario) per 1,000 households at Census 2021. Below zero (orange) the estimate "
        f"is a surplus.{sentence} Hatched: no estimate."
        + (" London is enlarged beside the map." if scope == "index" else ""),
        value_headers=("Need a year (households)", "Households 2021", "Per 1,000 households"),
        extra=lambda code: [_count(need.get(code, (None, None))[0]), _count(need.get(code, (None, None))[1])],
        notes=["Only English and Welsh local authorities are on this map."] if scope == "index" else [],
        scope=scope,
        class_note=note,
    )


def _count(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _rows(
    areas: Mapping[str, str],
    values: Mapping[str, float | None],
    classes: Classes,
    marked: Mapping[str, str],
    extra: Callable[[str], list[str]],
) -> list[tuple[str, ...]]:
    """The table behind a map: highest first, areas without data last."""
    order = sorted(areas, key=lambda c: (values[c] is None, -(values[c] or 0.0), areas[c]))
    out = []
    for code in order:
        value = values[code]
        out.append(
            (
                areas[code],
                code,
                *extra(code),
                shown(value) if value is not None else NO_DATA,
                classes.bin_of(value).label if value is not None else NO_DATA,
                marked.get(code, "").partition(": ")[2],
            )
        )
    return out
