"""The sections of the briefing pages, in the order every page shows them: a registry new marts plug into.

Evidence in the order a reader needs it: the need (the answer) first, who lives here, then the arrivals
behind it. A section names the marts it needs and the pages it serves ("index", "region", "la"); a page
lists the sections whose marts are not in the warehouse yet as not yet available, and leaves out those
with nothing to say there. To add one (e.g. register pressure), write its function in a module of
``sections/`` (``page.py``: what it reads and returns) and put a :class:`Section` here where it belongs.
"""

from __future__ import annotations

from .page import Section
from .sections.community import community_profile
from .sections.dispersal import accommodation_mix, concentration, deprivation_scatter, dispersal_trend
from .sections.maps import dispersal_map, need_map
from .sections.move_on import move_on
from .sections.need_estimates import need_estimates
from .sections.resettlement import resettlement
from .sections.survey import housing_services
from .sections.watchlist import outlook, shortlist

SECTIONS: list[Section] = [
    Section(
        "need-map",
        "Map: estimated housing need per 1,000 households",
        ("mart_housing_need_total", "dim_local_authority"),
        ("index", "region"),
        need_map,
    ),
    Section(
        "need-estimates",
        "Housing need: the estimates drawn, with their ranges",
        ("mart_housing_need_estimate", "mart_housing_need_total", "mart_emerging_community_watchlist"),
        ("region", "la"),
        need_estimates,
    ),
    Section(
        "shortlist",
        "Emerging-community shortlist",
        ("mart_emerging_community_watchlist",),
        ("index",),
        shortlist,
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
        housing_services,
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
        "dispersal-map",
        "Map: dispersal per 10,000 residents",
        ("mart_dispersal_vs_deprivation", "dim_local_authority"),
        ("index", "region"),
        dispersal_map,
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
