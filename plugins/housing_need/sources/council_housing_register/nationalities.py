"""Reference data of the register feed: the nationality codes register layouts write, mapped to the
census communities (the country-of-birth leaves of ``dim_community``).

One code list per way a layout writes nationality (its ``nationality_code_list``): ``name``
(Northgate-style names), ``iso3`` (ISO 3166-1 alpha-3, with the user-assigned X.. codes vendors use for
groups) and ``numeric`` (the JSON layout's numeric codes). Production reads it through the seed
``ref_register_nationality_codes.csv`` (written from :func:`nationality_codes` by
``dbt_project/seeds/register/write_nationality_codes.py``; a unit test checks it is current); the
SYNTHETIC register writers (``housing_need.synth``) write nationality with it.
"""

from __future__ import annotations

import pandas as pd

# a layout's nationality_code_list -> the column of nationality_codes() holding its codes
CODE_LIST_COLUMNS = {"name": "nationality_name", "iso3": "iso3", "numeric": "numeric_code"}

# The leaves of dim_community a person is born in (UK countries included), with the nationality each
# implies: (name as written by Northgate-style systems, ISO 3166-1 alpha-3; X.. codes are ISO's
# user-assigned range, used by vendors for groups without one country).
LEAF_COMMUNITIES: dict[str, tuple[str, str]] = {
    "england": ("British", "GBR"), "wales": ("British", "GBR"), "scotland": ("British", "GBR"),
    "northern_ireland": ("British", "GBR"), "great_britain_not_specified": ("British", "GBR"),
    "united_kingdom_not_specified": ("British", "GBR"), "ireland": ("Irish", "IRL"),
    "france": ("French", "FRA"), "germany": ("German", "DEU"), "italy": ("Italian", "ITA"),
    "portugal": ("Portuguese", "PRT"), "spain": ("Spanish", "ESP"), "other_eu14": ("Other EU14", "XEU"),
    "lithuania": ("Lithuanian", "LTU"), "poland": ("Polish", "POL"), "romania": ("Romanian", "ROU"),
    "other_eu_accession_2001_2011": ("Other EU accession", "XEA"), "croatia": ("Croatian", "HRV"),
    "turkey": ("Turkish", "TUR"), "other_non_eu_europe": ("Other European", "XEO"),
    "north_africa": ("North African", "XNA"), "ghana": ("Ghanaian", "GHA"), "nigeria": ("Nigerian", "NGA"),
    "other_central_western_africa": ("Other West/Central African", "XWA"), "kenya": ("Kenyan", "KEN"),
    "somalia": ("Somali", "SOM"), "south_africa": ("South African", "ZAF"), "zimbabwe": ("Zimbabwean", "ZWE"),
    "other_south_eastern_africa": ("Other East/Southern African", "XSA"),
    "africa_not_specified": ("African", "XAF"), "iran": ("Iranian", "IRN"), "iraq": ("Iraqi", "IRQ"),
    "other_middle_east": ("Other Middle Eastern", "XME"), "china": ("Chinese", "CHN"),
    "hong_kong": ("Hong Kong", "HKG"), "other_eastern_asia": ("Other East Asian", "XEE"),
    "afghanistan": ("Afghan", "AFG"), "india": ("Indian", "IND"), "pakistan": ("Pakistani", "PAK"),
    "bangladesh": ("Bangladeshi", "BGD"), "sri_lanka": ("Sri Lankan", "LKA"),
    "other_southern_asia": ("Other South Asian", "XSS"), "philippines": ("Filipino", "PHL"),
    "malaysia": ("Malaysian", "MYS"), "singapore": ("Singaporean", "SGP"),
    "other_south_east_asia": ("Other South-East Asian", "XSE"), "central_asia": ("Central Asian", "XCA"),
    "united_states": ("American", "USA"), "canada": ("Canadian", "CAN"),
    "other_north_america": ("Other North American", "XNO"), "central_america": ("Central American", "XCM"),
    "south_america": ("South American", "XSM"), "jamaica": ("Jamaican", "JAM"),
    "other_caribbean": ("Other Caribbean", "XCB"), "australia": ("Australian", "AUS"),
    "new_zealand": ("New Zealander", "NZL"), "other_australasia": ("Other Australasian", "XAU"),
    "other_oceania_and_antarctica": ("Other Oceanian", "XOC"), "other_country_of_birth": ("Other", "XXX"),
}  # fmt: skip
UK_BORN = frozenset(k for k, (_, iso) in LEAF_COMMUNITIES.items() if iso == "GBR")


def nationality_codes() -> pd.DataFrame:
    """community_key, nationality name, ISO alpha-3 and the numeric code the JSON layout uses: a
    column per code list (``CODE_LIST_COLUMNS``)."""
    keys = list(LEAF_COMMUNITIES)
    return pd.DataFrame(
        {
            "community_key": keys,
            "nationality_name": [LEAF_COMMUNITIES[k][0] for k in keys],
            "iso3": [LEAF_COMMUNITIES[k][1] for k in keys],
            "numeric_code": [f"N{i:03d}" for i in range(1, len(keys) + 1)],
        }
    )


def codes_in(code_list: str) -> pd.Series:
    """community_key -> its nationality code in ``code_list`` (a layout's nationality_code_list)."""
    return nationality_codes().set_index("community_key")[CODE_LIST_COLUMNS[code_list]]
