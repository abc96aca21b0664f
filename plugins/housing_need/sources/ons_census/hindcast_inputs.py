"""Readers of the bundled files the ten-year hindcast (Census 2011 -> 2021) uses, into the frames of
:func:`housing_need.model.hindcast.project_cells`, all on current (2024) local authorities.

- Census 2011 QS203EW (``data/sample/ons_census/r21ewrttableqs203ewladv1_tcm77-290919.xls``, read by the
  census parser): the base stock of each of the 27 countries named in both QS203EW and TS012
  (:data:`COMMUNITIES`), and the 2011 count of each 2001 country group (:data:`GROUPS_2011`).
- Census 2001 KS005/UV008 and ST015 by 2001 LA (``data/reference/hindcast/``) with the curated 2001 ->
  2011 LA lookup: the 2001 count of each group (:data:`GROUPS_2001`).
- ONS MYEB3 components of change, mid-2001 to mid-2011 only: each LA's net internal and international
  migration per person per year.
- Census 2021 TS012 (``data/sample/ons_census/demographr_country_of_birth21_ltla21_TS012.csv``): the
  scoring target only, returned apart (:func:`read_actual_2021`); nothing the forecast reads comes from it.

2011 codes go to 2024 codes through :data:`RECODED_2013` and the dbt seed
``ref_geographr_lookup_ltla_ltla_2016_2024.csv``; counts of LAs merged since are summed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import parse

CENSUS_2011 = Path("data/sample/ons_census/r21ewrttableqs203ewladv1_tcm77-290919.xls")
CENSUS_2021 = Path("data/sample/ons_census/demographr_country_of_birth21_ltla21_TS012.csv")
REFERENCE = Path("data/reference/hindcast")
KS005_2001 = REFERENCE / "DERIVED_2001_KS005_UV008_by_LA2001_from_msoa.csv"
ST015_2001 = REFERENCE / "DERIVED_2001_ST015_cob_by_LA2001code_from_stwards.csv"
LOOKUP_2001 = REFERENCE / "la2001_lad11_lookup.csv"
MYEB3 = REFERENCE / "MYEB3_summary_components_of_change_series_UK_(0213).csv"
LTLA_CHAIN = Path("dbt_project/seeds/reference/ref_geographr_lookup_ltla_ltla_2016_2024.csv")
REGIONS = Path("dbt_project/seeds/reference/ref_geographr_lookup_ltla24_region24.csv")

ORIGIN = 2011
TARGET = 2021
FIRST_FLOW_YEAR, LAST_FLOW_YEAR = 2002, 2011  # MYEB3 years ending mid-2002 .. mid-2011

# 2011 LA codes that ONS replaced in 2013 (boundary changes too small to move a census count)
RECODED_2013 = {
    "E06000048": "E06000057",  # Northumberland
    "E08000020": "E08000037",  # Gateshead
    "E07000097": "E07000242",  # East Hertfordshire
    "E07000100": "E07000240",  # St Albans
    "E07000101": "E07000243",  # Stevenage
    "E07000104": "E07000241",  # Welwyn Hatfield
}

_EU01 = "Europe > Other Europe > EU Countries > Member countries in March 2001"
_EU11 = "Europe > Other Europe > EU Countries > Accession countries April 2001 to March 2011"
_EU21 = "Europe > Other Europe > EU countries > Member countries in March 2001"
_AC21 = (
    "Europe > Other Europe > EU countries > Countries that joined the EU between April 2001 and March 2011"
)


@dataclass(frozen=True)
class Community:
    name: str
    path_2011: str  # QS203EW category path
    path_2021: str  # TS012 category path
    group: str  # the 2001 group that contains it (GROUPS_2001)


COMMUNITIES: tuple[Community, ...] = (
    Community("Ireland", "Europe > Ireland", f"{_EU21} > Ireland", "Republic of Ireland"),
    Community("France", f"{_EU01} > France", f"{_EU21} > France", "France"),
    Community("Germany", f"{_EU01} > Germany", f"{_EU21} > Germany", "Germany"),
    Community("Italy", f"{_EU01} > Italy", f"{_EU21} > Italy", "Italy"),
    Community(
        "Portugal",
        f"{_EU01} > Portugal",
        f"{_EU21} > Portugal including Madeira and the Azores",
        "Other EU 2001",
    ),
    Community(
        "Spain",
        f"{_EU01} > Spain (including Canary Islands)",
        f"{_EU21} > Spain including Canary Islands",
        "Spain",
    ),
    Community("Lithuania", f"{_EU11} > Lithuania", f"{_AC21} > Lithuania", "Eastern Europe (not Poland)"),
    Community("Poland", f"{_EU11} > Poland", f"{_AC21} > Poland", "Poland"),
    Community("Romania", f"{_EU11} > Romania", f"{_AC21} > Romania", "Eastern Europe (not Poland)"),
    Community(
        "Turkey",
        "Europe > Other Europe > Rest of Europe > Turkey",
        "Europe > Other Europe > Rest of Europe > Turkey",
        "Asia",
    ),
    Community(
        "Ghana",
        "Africa > Central and Western Africa > Ghana",
        "Africa > Central and Western Africa > Ghana",
        "Africa",
    ),
    Community(
        "Nigeria",
        "Africa > Central and Western Africa > Nigeria",
        "Africa > Central and Western Africa > Nigeria",
        "Africa",
    ),
    Community(
        "Kenya",
        "Africa > South and Eastern Africa > Kenya",
        "Africa > South and Eastern Africa > Kenya",
        "Africa",
    ),
    Community(
        "Somalia",
        "Africa > South and Eastern Africa > Somalia",
        "Africa > South and Eastern Africa > Somalia",
        "Africa",
    ),
    Community(
        "South Africa",
        "Africa > South and Eastern Africa > South Africa",
        "Africa > South and Eastern Africa > South Africa",
        "Africa",
    ),
    Community(
        "Zimbabwe",
        "Africa > South and Eastern Africa > Zimbabwe",
        "Africa > South and Eastern Africa > Zimbabwe",
        "Africa",
    ),
    Community(
        "Iran",
        "Middle East and Asia > Middle East > Iran",
        "Middle East and Asia > Middle East > Iran",
        "Asia",
    ),
    Community(
        "China",
        "Middle East and Asia > Eastern Asia > China",
        "Middle East and Asia > Eastern Asia > China",
        "Asia",
    ),
    Community(
        "Hong Kong",
        "Middle East and Asia > Eastern Asia > Hong Kong (Special Administrative Region of China)",
        "Middle East and Asia > Eastern Asia > Hong Kong special administrative region of China",
        "Asia",
    ),
    Community(
        "Bangladesh",
        "Middle East and Asia > Southern Asia > Bangladesh",
        "Middle East and Asia > Southern Asia > Bangladesh",
        "Asia",
    ),
    Community(
        "India",
        "Middle East and Asia > Southern Asia > India",
        "Middle East and Asia > Southern Asia > India",
        "Asia",
    ),
    Community(
        "Pakistan",
        "Middle East and Asia > Southern Asia > Pakistan",
        "Middle East and Asia > Southern Asia > Pakistan",
        "Asia",
    ),
    Community(
        "Sri Lanka",
        "Middle East and Asia > Southern Asia > Sri Lanka",
        "Middle East and Asia > Southern Asia > Sri Lanka",
        "Asia",
    ),
    Community(
        "Philippines",
        "Middle East and Asia > South-East Asia > Philippines",
        "Middle East and Asia > South East Asia > Philippines",
        "Asia",
    ),
    Community(
        "United States",
        "The Americas and the Caribbean > North America > United States",
        "The Americas and the Caribbean > North America > United States",
        "North America (with the Caribbean)",
    ),
    Community(
        "Jamaica",
        "The Americas and the Caribbean > The Caribbean > Jamaica",
        "The Americas and the Caribbean > The Caribbean > Jamaica",
        "North America (with the Caribbean)",
    ),
    Community(
        "Australia",
        "Antarctica and Oceania > Australasia > Australia",
        "Antarctica and Oceania > Australasia > Australia",
        "Oceania",
    ),
)

# Each 2001 group from the 2001 files: (file, {column prefix: sign}); KS005/UV008 columns by cell code,
# ST015 columns by the end of their label.
GROUPS_2001: Mapping[str, tuple[str, Mapping[str, int]]] = {
    "Republic of Ireland": ("ks005", {"KS0050006": 1}),
    "Poland": ("ks005", {"UV0080031": 1}),
    "Eastern Europe (not Poland)": ("ks005", {"UV0080027": 1, "UV0080031": -1}),
    "Africa": ("ks005", {"UV0080037": 1}),
    "Asia": ("ks005", {"UV0080050": 1}),
    "North America (with the Caribbean)": ("ks005", {"UV0080071": 1}),
    "Oceania": ("ks005", {"UV0080078": 1}),
    "France": ("st015", {"France": 1}),
    "Germany": ("st015", {"Germany": 1}),
    "Italy": ("st015", {"Italy": 1}),
    "Spain": ("st015", {"Spain": 1}),
    "Other EU 2001": ("st015", {"Netherlands": 1, "Other EU": 1}),
}

# The same groups in QS203EW (2011 categories whose people the 2001 group would have counted).
# Turkey is in 2001 "Asia": no other 2001 group is large enough to hold the 52,000 Turkey-born of 2001.
GROUPS_2011: Mapping[str, Mapping[str, int]] = {
    "Republic of Ireland": {"Europe > Ireland": 1},
    "Poland": {f"{_EU11} > Poland": 1},
    "Eastern Europe (not Poland)": {_EU11: 1, f"{_EU11} > Poland": -1},
    "Africa": {"Africa": 1},
    "Asia": {"Middle East and Asia": 1, "Europe > Other Europe > Rest of Europe > Turkey": 1},
    "North America (with the Caribbean)": {
        "The Americas and the Caribbean": 1,
        "The Americas and the Caribbean > South America": -1,
    },
    "Oceania": {"Antarctica and Oceania": 1},
    "France": {f"{_EU01} > France": 1},
    "Germany": {f"{_EU01} > Germany": 1},
    "Italy": {f"{_EU01} > Italy": 1},
    "Spain": {f"{_EU01} > Spain (including Canary Islands)": 1},
    "Other EU 2001": {
        _EU01: 1,
        f"{_EU01} > France": -1,
        f"{_EU01} > Germany": -1,
        f"{_EU01} > Italy": -1,
        f"{_EU01} > Spain (including Canary Islands)": -1,
    },
}


@dataclass(frozen=True)
class HindcastInputs:
    """What the forecast may read (every frame with as_of <= 2011), plus LA attributes for reporting."""

    cells: pd.DataFrame  # lad_code, community, group, base, group_start, group_base, as_of
    groups: pd.DataFrame  # group, national_start, national_base, as_of
    las: pd.DataFrame  # lad_code, internal_rate, international_rate, as_of
    areas: pd.DataFrame  # lad_code, lad_name, region, population_2011, size_band


def _cells(path: Path) -> pd.DataFrame:
    rows = pd.DataFrame(parse(path.read_bytes(), path.name).rows)
    return rows[rows["geography_level"].eq("ltla")]


def lad11_to_lad24(root: Path) -> pd.Series:
    """2011 (and 2013) LA code -> 2024 LA code, England and Wales."""
    chain = pd.read_csv(root / LTLA_CHAIN, dtype=str)
    to24 = chain.drop_duplicates("ltla16_code").set_index("ltla16_code")["ltla24_code"]
    to24 = to24[to24.index.str[0].isin(["E", "W"])]
    extra = pd.Series({old: to24[new] for old, new in RECODED_2013.items()})
    return pd.concat([to24, extra])


def lad21_to_lad24(root: Path) -> pd.Series:
    chain = pd.read_csv(root / LTLA_CHAIN, dtype=str)
    return chain.drop_duplicates("ltla21_code").set_index("ltla21_code")["ltla24_code"]


def _to24(frame: pd.DataFrame, mapping: pd.Series, what: str) -> pd.DataFrame:
    codes = frame.index.to_series().map(mapping)
    if codes.isna().any():
        raise ValueError(f"{what}: LA codes with no 2024 LA: {sorted(codes[codes.isna()].index)[:5]}")
    return frame.groupby(codes.to_numpy()).sum()


def _paths(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.pivot_table(
        index="geography_code", columns="category_path", values="value", aggfunc="sum"
    ).astype(float)


def read_census_2011(root: Path) -> pd.DataFrame:
    """QS203EW, 2011 LA code (rows) x category path (columns)."""
    return _paths(_cells(root / CENSUS_2011))


def read_groups_2001(root: Path) -> pd.DataFrame:
    """Census 2001 people per 2011 LA code (rows) and 2001 group (columns), through the curated lookup."""
    lookup = pd.read_csv(root / LOOKUP_2001, dtype={"la2001_code": str})
    ks005 = pd.read_csv(root / KS005_2001).set_index("la2001_name")
    st015 = pd.read_csv(root / ST015_2001, dtype={"la2001_code": str}).set_index("la2001_code")
    frames = {
        "ks005": ks005.rename(index=lookup.set_index("la2001_name")["lad11_code"]),
        "st015": st015.rename(index=lookup.set_index("la2001_code")["lad11_code"]),
    }
    out = {}
    for group, (source, parts) in GROUPS_2001.items():
        frame = frames[source]
        total = pd.Series(0.0, index=frame.index)
        for key, sign in parts.items():
            if source == "ks005":
                matches = [c for c in frame.columns if c.split(" ", 1)[0] == key]
            else:
                matches = [c for c in frame.columns if c.rsplit("\\", 1)[-1].strip() == key]
            if len(matches) != 1:
                raise ValueError(
                    f"2001 group {group!r}: expected one {source} column for {key!r}, found {matches}"
                )
            total = total + sign * frame[matches[0]].astype(float)
        out[group] = total.groupby(level=0).sum()
    return pd.DataFrame(out)


def read_population_2001(root: Path) -> pd.Series:
    """All people 2001 (KS005) per 2011 LA code."""
    lookup = pd.read_csv(root / LOOKUP_2001)
    ks005 = pd.read_csv(root / KS005_2001)
    return (
        ks005.set_index(ks005["la2001_name"].map(lookup.set_index("la2001_name")["lad11_code"]))[
            "KS0050001 All people"
        ]
        .groupby(level=0)
        .sum()
    )


def read_flows(root: Path) -> pd.DataFrame:
    """MYEB3 per 2013 LA code, England and Wales: population_2001 and the internal and international net
    flows summed over the years to mid-2002 .. mid-2011 (later columns are never read)."""
    years = range(FIRST_FLOW_YEAR, LAST_FLOW_YEAR + 1)
    columns = ["lad2013_code", "country", "population_2001"]
    columns += [f"{kind}_net_{y}" for kind in ("internal", "international") for y in years]
    frame = pd.read_csv(root / MYEB3, usecols=columns)
    frame = frame[frame["country"].isin(["E", "W"])].set_index("lad2013_code")
    return pd.DataFrame(
        {
            "population_2001": frame["population_2001"].astype(float),
            "internal_net": frame[[f"internal_net_{y}" for y in years]].sum(axis=1).astype(float),
            "international_net": frame[[f"international_net_{y}" for y in years]].sum(axis=1).astype(float),
        }
    )


def _size_band(population: pd.Series) -> pd.Series:
    edges = [0, 100_000, 200_000, 400_000, float("inf")]
    labels = ["under 100k", "100k-200k", "200k-400k", "400k and over"]
    return pd.cut(population, edges, labels=labels, right=False).astype(str)


def read_inputs(root: Path) -> HindcastInputs:
    """The forecast's inputs at 2011, on 2024 LAs."""
    to24 = lad11_to_lad24(root)
    census = _to24(read_census_2011(root), to24, "QS203EW")
    start = _to24(read_groups_2001(root), to24, "Census 2001").reindex(census.index)
    if start.isna().any().any():
        raise ValueError("2024 LAs with a 2011 count and no 2001 count")
    base = pd.DataFrame(
        {g: sum(sign * census[path] for path, sign in parts.items()) for g, parts in GROUPS_2011.items()}
    )
    cells = pd.concat(
        [
            pd.DataFrame(
                {
                    "lad_code": census.index,
                    "community": c.name,
                    "group": c.group,
                    "base": census[c.path_2011].to_numpy(float),
                    "group_start": start[c.group].to_numpy(float),
                    "group_base": base[c.group].to_numpy(float),
                }
            )
            for c in COMMUNITIES
        ],
        ignore_index=True,
    ).assign(as_of=ORIGIN)
    groups = pd.DataFrame(
        {
            "group": list(GROUPS_2001),
            "national_start": [float(start[g].sum()) for g in GROUPS_2001],
            "national_base": [float(base[g].sum()) for g in GROUPS_2001],
        }
    ).assign(as_of=ORIGIN)
    flows = _to24(read_flows(root), to24, "MYEB3").reindex(census.index)
    if flows.isna().any().any():
        raise ValueError("2024 LAs with a 2011 count and no MYEB3 flows")
    decade = LAST_FLOW_YEAR - FIRST_FLOW_YEAR + 1
    rates = {}
    for kind in ("internal", "international"):
        own = flows[f"{kind}_net"] / flows["population_2001"] / decade
        rates[f"{kind}_rate"] = own - flows[f"{kind}_net"].sum() / flows["population_2001"].sum() / decade
    las = pd.DataFrame({"lad_code": census.index, **{k: v.to_numpy(float) for k, v in rates.items()}}).assign(
        as_of=LAST_FLOW_YEAR
    )
    regions = pd.read_csv(root / REGIONS, dtype=str).set_index("ltla24_code")
    population = census["Total"]
    areas = pd.DataFrame(
        {
            "lad_code": census.index,
            "lad_name": census.index.map(regions["ltla24_name"]),
            "region": census.index.map(regions["region24_name"]),
            "population_2011": population.to_numpy(float),
            "size_band": _size_band(population).to_numpy(),
        }
    )
    areas["region"] = areas["region"].fillna(areas["lad_code"].str[0].map({"W": "Wales"}))
    return HindcastInputs(cells=cells, groups=groups, las=las, areas=areas)


def read_actual_2021(root: Path) -> pd.DataFrame:
    """Census 2021 TS012 people per 2024 LA and community: the scoring target only (lad_code, community,
    people)."""
    frame = _paths(_cells(root / CENSUS_2021))
    frame = _to24(frame, lad21_to_lad24(root), "TS012")
    return pd.concat(
        [
            pd.DataFrame(
                {"lad_code": frame.index, "community": c.name, "people": frame[c.path_2021].to_numpy(float)}
            )
            for c in COMMUNITIES
        ],
        ignore_index=True,
    )
