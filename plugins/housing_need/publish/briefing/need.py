"""Housing need on the briefing pages, read from marts.mart_housing_need_estimate (LA x community x
horizon x scenario) and marts.mart_housing_need_total (local authority, region, country).

:func:`answer` is the block every page opens with. An LA page: the LA's need over 5, 10 and 15 years as
totals and a year with the P10-P90 range, per 1,000 households against its region and England, then every
community's. A region page: the region's, then each LA's; the index: England's, then each region's. Each
figure that rests on a SYNTHETIC input says so; the inputs and their releases follow. The evidence section
further down, the chart of the same figures, is ``sections/need_estimates.py``; it takes the horizons and
number formats from here.

Area totals and their ranges always come from mart_housing_need_total: medians and percentiles do not
add across communities or LAs (that mart adds the draws first). A total over a horizon is the figure a
year times the years, its range the range a year times the years (the mart's need_over_horizon).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .page import Content, Published
from .paths import la_page, region_page

HORIZONS = (5, 10, 15)
HORIZON = 10  # the horizon a page leads with
TABLE_HORIZONS = (10, 5, 15)  # the answer's table (and CSV) leads with it too: on a phone it is what shows
ENGLAND, WALES = "E92000001", "W92000004"

# How to read the two ranges, said on every page that shows need (docs/need-method.md, "Ranges").
QUOTE = (
    "Quote the central figure with its P10-P90 range. The range covers what the model is unsure of: "
    "the uncertain parameters (headship, overcrowding, the register, affordability) and the population "
    "engine's error as the ten-year hindcast scored it. The outcome falls below P10 one time in ten and "
    "above P90 one time in ten, if migration keeps to the central regime."
)
SCENARIOS = (
    "The low and high migration scenarios answer another question: what if migration follows another "
    "flow regime seen in the data (central: 2016-2019; low and high: the lowest and highest of 2011-2016, "
    "2016-2019 and 2019-2021)? Use them to test a plan against a change of regime, not as the figure's "
    "uncertainty. Where low equals central, the data show no lower regime."
)
READING = (
    "Households (homes) of affordable housing, net of the social re-lets that fall to the community: "
    "negative where re-lets exceed need. A total over a horizon is the figure a year times the years; the "
    "backlog of current need is met in the first five years, so shorter horizons have more a year. Figures "
    "do not add up across rows: each total is the median of its own summed draws."
)


def _n(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}"
    return "0" if text == "-0" else text


def quarter_label(day: object) -> str:
    text = str(day)
    return f"{text[:4]} Q{(int(text[5:7]) - 1) // 3 + 1}" if len(text) >= 7 else text


@dataclass(frozen=True)
class Need:
    """One estimate over ``years``: households a year (the median of the draws, central scenario), its
    P10-P90, and the low and high migration scenarios' medians a year."""

    years: int
    annual: float
    p10: float | None
    p90: float | None
    low: float | None
    high: float | None

    def total(self, value: float | None) -> float | None:
        return None if value is None else value * self.years

    @property
    def over(self) -> float:
        return self.annual * self.years


@dataclass
class Row:
    label: str
    href: str | None
    households: float | None
    needs: dict[int, Need]
    synthetic: bool
    per_1000: float | None = None  # 10-year central a year per 1,000 households (area rows)


@dataclass
class Answer:
    scope: str  # "la", "region", "index"
    area: str
    base: str  # the base quarter, e.g. "2023 Q4"
    totals: dict[int, Need]  # the area's own, by horizon (empty when the total mart lacks the area)
    compare: list[
        tuple[str, float]
    ]  # (area, 10-year need a year per 1,000 households): here, region, England
    row_kind: str
    households_label: str
    rows: list[Row]
    synthetic: list[str]  # which inputs are SYNTHETIC (empty: published data only)
    inputs: list[str] = field(default_factory=list)
    version: str = ""
    households: float | None = None  # the area's: the communities' now (LA), all at Census 2021 (areas)

    @property
    def headline(self) -> Need | None:
        return self.totals.get(HORIZON)

    @property
    def all_rows(self) -> list[Row]:
        """The area's own total first (when the total mart has it), then its communities, LAs or regions."""
        if not self.totals:
            return self.rows
        label = {"la": f"All communities of {self.area}", "region": f"All of {self.area}"}.get(
            self.scope, self.area
        )
        per_1000 = None if self.scope == "la" else _per_1000(self.totals, self.households)
        return [Row(label, None, self.households, self.totals, bool(self.synthetic), per_1000), *self.rows]

    def cells(self, row: Row) -> list[tuple[str, str]]:
        """(class, text) of a row's cells on the page after its label: the numbers of :meth:`table`, each
        range in one cell."""
        out = [("", _n(row.households))]
        for h in TABLE_HORIZONS:
            need = row.needs.get(h)
            lead = " lead" if h == HORIZON else ""
            out += (
                [
                    ("num" + lead, _n(need.over)),
                    ("", f"{_n(need.total(need.p10))} to {_n(need.total(need.p90))}"),
                    ("", _n(need.annual)),
                ]
                if need
                else [("", "")] * 3
            )
        ten = row.needs.get(HORIZON)
        out.append(("", f"{_n(ten.total(ten.low))} / {_n(ten.total(ten.high))}" if ten else ""))
        if self.scope != "la":
            out.append(("", rate(row.per_1000)))
        return out

    def table(self) -> Content:
        """The answer's table as plain cells: the CSV download (the page draws the same numbers)."""
        headers = [self.row_kind, self.households_label]
        for h in TABLE_HORIZONS:
            headers += [
                f"{h} years: total",
                f"{h} years: P10 total",
                f"{h} years: P90 total",
                f"{h} years: a year",
            ]
        headers += [f"{HORIZON} years: low scenario total", f"{HORIZON} years: high scenario total"]
        if self.scope != "la":
            headers.append(f"{HORIZON} years: a year per 1,000 households")
        headers.append("Rests on a SYNTHETIC input")
        rows = []
        for row in self.all_rows:
            cells = [row.label, _n(row.households)]
            for h in TABLE_HORIZONS:
                need = row.needs.get(h)
                cells += (
                    [_n(need.over), _n(need.total(need.p10)), _n(need.total(need.p90)), _n(need.annual)]
                    if need
                    else ["", "", "", ""]
                )
            ten = row.needs.get(HORIZON)
            cells += [_n(ten.total(ten.low)), _n(ten.total(ten.high))] if ten else ["", ""]
            if self.scope != "la":
                cells.append(rate(row.per_1000))
            cells.append("SYNTHETIC" if row.synthetic else "no")
            rows.append(tuple(cells))
        return Content(
            chart="",
            caption=f"Estimated need for affordable housing, {self.area}, from {self.base}",
            headers=tuple(headers),
            rows=rows,
            synthetic=self.synthetic,
        )


_PAIRS = """
select lad_code, community_name, horizon_years, scenario, annual_need, annual_need_p10, annual_need_p90,
       households_at_base, base_date, parameter_version, inputs, rests_on_synthetic_input, synthetic_inputs,
       region_name
from marts.mart_housing_need_estimate
order by lad_code, community_name, horizon_years, scenario
"""


def _needs(cells: dict[tuple[int, str], tuple]) -> dict[int, Need]:
    """(horizon, scenario) -> (annual, p10, p90) as one Need per horizon with a central row."""
    out = {}
    for h in HORIZONS:
        central = cells.get((h, "central"))
        if central is None or central[0] is None:
            continue
        low, high = cells.get((h, "low")), cells.get((h, "high"))
        out[h] = Need(
            h, central[0], central[1], central[2], low[0] if low else None, high[0] if high else None
        )
    return out


def _areas(data: Published) -> dict[tuple[str, str], tuple[dict[int, Need], float | None]]:
    """(area_type, key) -> (needs by horizon, all households 2021); key: the code of an LA or country,
    the name of a region."""
    return data.derived("need areas", lambda: _read_areas(data))


def _read_areas(data: Published) -> dict[tuple[str, str], tuple[dict[int, Need], float | None]]:
    name = "area_name" if "area_name" in data.columns("mart_housing_need_total") else "area_code"
    rows = data.by(
        f"""
        select 'all', area_type, case when area_type = 'region' then {name} else area_code end,
               horizon_years, scenario, annual_need, annual_need_p10, annual_need_p90, all_households_2021
        from marts.mart_housing_need_total
        """
    ).get("all", [])
    cells: dict[tuple[str, str], dict[tuple[int, str], tuple]] = {}
    households: dict[tuple[str, str], float | None] = {}
    for area_type, key, h, scenario, annual, p10, p90, hh in rows:
        cells.setdefault((area_type, str(key)), {})[(h, scenario)] = (annual, p10, p90)
        households[(area_type, str(key))] = hh
    return {k: (_needs(v), households[k]) for k, v in cells.items()}


_SYNTHETIC = """
select 'all', lad_code, region_name, synthetic_inputs from marts.mart_housing_need_estimate
where rests_on_synthetic_input group by all order by all
"""


def _synthetic_areas(data: Published) -> set[str]:
    """The LA codes, region names and country codes whose estimates rest on a SYNTHETIC input."""
    out: set[str] = set()
    for code, region, _ in data.by(_SYNTHETIC).get("all", []):
        out |= {str(code), str(region), ENGLAND if str(code).startswith("E") else WALES}
    return out


def synthetic_inputs(data: Published, scope: str, key: str) -> list[str]:
    """What the need figures of an LA (code), a region (name) or the index rest on that is SYNTHETIC."""
    if "mart_housing_need_estimate" not in data.tables:
        return []
    rows = data.by(_SYNTHETIC).get("all", [])
    column = {"la": 0, "region": 1}.get(scope)
    return sorted({str(t) for *area, t in rows if column is None or area[column] == key})


fmt = _n  # the pages' number format for need figures (whole households, thousands separated)


def rate(value: float | None) -> str:
    """Need per 1,000 households to one decimal ('0.0', never '-0.0')."""
    if value is None:
        return ""
    text = f"{value:,.1f}"
    return "0.0" if text == "-0.0" else text


def _per_1000(needs: dict[int, Need], households: float | None) -> float | None:
    ten = needs.get(HORIZON)
    return 1000 * ten.annual / households if ten and households else None


def _compare(
    areas: dict[tuple[str, str], tuple[dict[int, Need], float | None]], wanted: list[tuple[str, str, str]]
) -> list[tuple[str, float]]:
    out = []
    for area_type, key, label in wanted:
        found = areas.get((area_type, key))
        rate = _per_1000(*found) if found else None
        if rate is not None:
            out.append((label, rate))
    return out


def _inputs(rows: list[tuple]) -> list[str]:
    """The inputs and their releases, each once in order; one that only some rows rest on says so."""
    seen: dict[str, int] = {}
    for text in {r[9] for r in rows if r[9]}:
        for item in str(text).split("; "):
            seen[item] = seen.get(item, 0) + 1
    variants = len({r[9] for r in rows if r[9]})
    order = [i for r in rows if r[9] for i in str(r[9]).split("; ")]
    first = sorted(seen, key=order.index)
    return [i if seen[i] == variants else f"{i} (some communities)" for i in first]


def answer(data: Published, scope: str, key: str) -> Answer | None:
    """The need answer for the index ("England and Wales"), a region (its name) or an LA (its code)."""
    if not {"mart_housing_need_estimate", "mart_housing_need_total"} <= set(data.tables):
        return None
    areas = _areas(data)
    synthetic_areas = _synthetic_areas(data)
    pairs = data.by(_PAIRS)
    base = next((quarter_label(rows[0][7]) for rows in pairs.values()), data.latest[1])
    texts = synthetic_inputs(data, "index", "")
    if scope == "la":
        return _la_answer(data, key, pairs.get(key), areas, synthetic_areas, base)
    if scope == "region":
        rows = []
        for code, name in data.by(
            "select region_name, lad_code, lad_name from marts.dim_local_authority"
        ).get(key, []):
            needs, households = areas.get(("local_authority", str(code)), ({}, None))
            if needs:
                rows.append(
                    Row(
                        str(name),
                        la_page(str(code), str(name)),
                        households,
                        needs,
                        str(code) in synthetic_areas,
                        _per_1000(needs, households),
                    )
                )
        if not rows:
            return None
        totals, area_households = areas.get(("region", key), ({}, None))
        where = [("region", key, key), ("country", ENGLAND, "England")]
        kind = "Local authority"
        synthetic = texts if key in synthetic_areas else []
    else:
        rows = [
            Row(
                name,
                region_page(name),
                households,
                needs,
                name in synthetic_areas,
                _per_1000(needs, households),
            )
            for (area_type, name), (needs, households) in sorted(areas.items())
            if area_type == "region" and needs
        ]
        if not rows:
            return None
        totals, area_households = areas.get(("country", ENGLAND), ({}, None))
        where = [("country", ENGLAND, "England"), ("country", WALES, "Wales")]
        kind = "Region or nation"
        synthetic = texts if synthetic_areas else []
    rows.sort(key=lambda r: (-(r.needs[HORIZON].over if HORIZON in r.needs else 0), r.label))
    version = sorted({str(r[8]) for rows in pairs.values() for r in rows if r[8]})
    return Answer(
        scope=scope,
        area=key if scope == "region" else "England",
        base=base,
        totals=totals,
        compare=_compare(areas, where),
        row_kind=kind,
        households_label="Households (Census 2021)",
        rows=rows,
        synthetic=synthetic,
        version=", ".join(version),
        households=area_households,
    )


def _la_answer(
    data: Published,
    code: str,
    pairs: list[tuple] | None,
    areas: dict[tuple[str, str], tuple[dict[int, Need], float | None]],
    synthetic_areas: set[str],
    base: str,
) -> Answer | None:
    if not pairs:
        return None
    name, region = data.la(code)
    by_community: dict[str, dict[tuple[int, str], tuple]] = {}
    households: dict[str, float | None] = {}
    synthetic: dict[str, bool] = {}
    for community, h, scenario, annual, p10, p90, hh, *_, rests, _texts, _region in pairs:
        by_community.setdefault(str(community), {})[(h, scenario)] = (annual, p10, p90)
        households[str(community)] = hh
        synthetic[str(community)] = synthetic.get(str(community), False) or bool(rests)
    rows = [
        Row(c, None, households[c], _needs(cells), synthetic[c])
        for c, cells in by_community.items()
        if _needs(cells)
    ]
    rows.sort(key=lambda r: (-(r.needs[HORIZON].over if HORIZON in r.needs else 0), r.label))
    totals = areas.get(("local_authority", code), ({}, None))[0]
    return Answer(
        scope="la",
        area=name or code,
        base=base,
        totals=totals,
        compare=_compare(
            areas,
            [
                ("local_authority", code, name or code),
                ("region", region, region),
                ("country", ENGLAND, "England"),
            ],
        ),
        row_kind="Community (country of birth)",
        households_label="Households now",
        rows=rows,
        synthetic=sorted({str(r[11]) for r in pairs if r[10]}),
        inputs=_inputs(pairs),
        version=", ".join(sorted({str(r[8]) for r in pairs if r[8]})),
        households=sum(r.households or 0 for r in rows),
    )


# --- the evidence section: the same estimates drawn ---------------------------------------------------
