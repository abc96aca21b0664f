"""Build ``la2001_lad11_lookup.csv``: every 2001 local authority of England and Wales (as named in the
KS005/UV008 file and coded in the ST015 file beside this script) with the 2011 LA it lies in.

Run once from the repository root (``.venv/bin/python data/reference/hindcast/build_la2001_lookup.py``);
the output is committed and checked by ``tests/unit/test_hindcast.py``.

How each 2001 LA is placed:

- ``name``: its name equals (after normalising case, punctuation, "&", "City of", " UA") the name of
  a 2011 LA in QS203EW: the district continued unchanged to 2011;
- ``2009 unitary``: one of the 37 districts merged into the 2009 unitary authorities (Cornwall,
  Wiltshire, Shropshire, County Durham, Northumberland, Cheshire East, Cheshire West and Chester,
  Central Bedfordshire), listed by hand below from the Structural Change Orders of 2008.

Its 2001 ONS code (``00AA``, ``15UB`` ...) comes from the register of mySociety (``snac``) where the
district survived to 2005 (else, as for the Isles of Scilly, the code with the nearest ST015
population); for the districts abolished in 2009 it is the code, among the county's
codes (``15U*`` for Cornwall ...), whose ST015 population is nearest to the KS005 population (the two
differ only by small-cell adjustment, under 0.5%).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "plugins"))

from housing_need.sources.ons_census import parse  # noqa: E402

UNITARIES_2009: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # 2011 code: (2011 name, 2001 county code prefix, 2001 districts)
    "E06000052": (
        "Cornwall",
        "15U",
        ("Caradon", "Carrick", "Kerrier", "North Cornwall", "Penwith", "Restormel"),
    ),
    "E06000054": ("Wiltshire", "46U", ("Kennet", "North Wiltshire", "Salisbury", "West Wiltshire")),
    "E06000051": (
        "Shropshire",
        "39U",
        ("Bridgnorth", "North Shropshire", "Oswestry", "Shrewsbury and Atcham", "South Shropshire"),
    ),
    "E06000047": (
        "County Durham",
        "20U",
        ("Chester-le-Street", "Derwentside", "Durham", "Easington", "Sedgefield", "Teesdale", "Wear Valley"),
    ),
    "E06000048": (
        "Northumberland",
        "35U",
        ("Alnwick", "Berwick-upon-Tweed", "Blyth Valley", "Castle Morpeth", "Tynedale", "Wansbeck"),
    ),
    "E06000049": ("Cheshire East", "13U", ("Congleton", "Crewe and Nantwich", "Macclesfield")),
    "E06000050": ("Cheshire West and Chester", "13U", ("Chester", "Ellesmere Port & Neston", "Vale Royal")),
    "E06000056": ("Central Bedfordshire", "09U", ("Mid Bedfordshire", "South Bedfordshire")),
    "E06000055": ("Bedford", "09U", ("Bedford",)),
}


# 2001 names spelled differently from any 2011 LA name of the same district
ALIASES = {"Rhondda, Cynon, Taff": "Rhondda Cynon Taf"}


def norm(name: str) -> str:
    s = ALIASES.get(name, name).lower().replace("&", "and").replace("’", "'")
    s = re.sub(r"\b(ua|city of|county of|the)\b", "", s)
    return re.sub(r"[^a-z]", "", s)


def main() -> None:
    ks = pd.read_csv(HERE / "DERIVED_2001_KS005_UV008_by_LA2001_from_msoa.csv")
    st = pd.read_csv(HERE / "DERIVED_2001_ST015_cob_by_LA2001code_from_stwards.csv")
    qs_path = ROOT / "data/sample/ons_census/r21ewrttableqs203ewladv1_tcm77-290919.xls"
    cells = pd.DataFrame(parse(qs_path.read_bytes(), qs_path.name).rows)
    lad11 = cells.loc[
        cells["geography_level"].eq("ltla"), ["geography_code", "geography_name"]
    ].drop_duplicates()
    lad11_by_name = {norm(n): (c, n.removesuffix(" UA").strip()) for c, n in lad11.itertuples(index=False)}
    register = pd.read_csv(ROOT / "dbt_project/seeds/reference/ref_mysociety_uk_local_authorities.csv")
    st_total = st.set_index("la2001_code")["All people"]
    snac_by_name: dict[str, str] = {}
    known = register[register["snac"].isin(st_total.index)]
    for row in known.itertuples(index=False):
        names = [row[register.columns.get_loc("nice-name")], row[register.columns.get_loc("official-name")]]
        names += str(row[register.columns.get_loc("alt-names")]).split(",")
        for n in names:
            snac_by_name.setdefault(norm(str(n)), row[register.columns.get_loc("snac")])
    merged = {d: (code, name, prefix) for code, (name, prefix, ds) in UNITARIES_2009.items() for d in ds}

    rows: list[dict[str, object]] = []
    for name, total in zip(ks["la2001_name"], ks["KS0050001 All people"], strict=True):
        if name in merged:
            lad_code, lad_name, prefix = merged[name]
            basis = "2009 unitary"
            taken = {r["la2001_code"] for r in rows}
            pool = st_total[st_total.index.str.startswith(prefix) & ~st_total.index.isin(taken)]
            code = str((pool - total).abs().idxmin())
        else:
            lad_code, lad_name = lad11_by_name[norm(name)]
            basis = "name"
            code = snac_by_name.get(norm(name), "")
            if not code:  # a code the register does not hold (Isles of Scilly: 00HF there, 15UH in 2001)
                taken = {r["la2001_code"] for r in rows}
                pool = st_total[~st_total.index.isin(taken)]
                code = str((pool - total).abs().idxmin())
        rows.append(
            {
                "la2001_code": code,
                "la2001_name": name,
                "lad11_code": lad_code,
                "lad11_name": lad_name,
                "basis": basis,
                "population_2001_ks005": int(total),
                "population_2001_st015": int(st_total[code]),
            }
        )
    out = pd.DataFrame(rows).sort_values("la2001_code")
    assert out["la2001_code"].is_unique and len(out) == len(st) == len(ks)
    assert set(out["lad11_code"]) == set(lad11["geography_code"])
    gap = (out["population_2001_ks005"] / out["population_2001_st015"] - 1).abs().max()
    assert gap < 0.005, gap
    out.to_csv(HERE / "la2001_lad11_lookup.csv", index=False, lineterminator="\n")
    print(f"{len(out)} 2001 LAs -> {out['lad11_code'].nunique()} 2011 LAs; largest KS005/ST015 gap {gap:.4%}")


if __name__ == "__main__":
    main()
