"""Asy_D11 labels as the Home Office publishes them, read into codes.

Support types (``Section 95`` -> ``section_95``), accommodation types (``Dispersal Accommodation``,
``Dispersed Accommodation``, ``Contingency Accommodation – Hotel`` -> ``dispersal``, ...), UK regions
(``Yorkshire And The Humber`` -> ONS's ``Yorkshire and The Humber``) and the placeholder texts of
rows that belong to no local authority (``Unknown``, ``N/A - Section 4 (pre-2018)``). Every reader
takes a label already trimmed and white-space collapsed and returns None when it does not know it.
"""

from __future__ import annotations

import re

SUPPORT_TYPES = {"95": "section_95", "4": "section_4", "98": "section_98"}
SUPPORT_TYPES_EXPECTED = "'Section 95', 'Section 4', 'Section 98'"
_SUPPORT_RE = re.compile(r"^(?:section|sec|s)\.?\s*(95|4|98)\b", re.I)

ACCOMMODATION_TYPES = (
    "dispersal",
    "subsistence_only",
    "contingency_hotel",
    "contingency_other",
    "initial",
    "other",
    "not_applicable",
)
# Keys are labels lower-cased, with punctuation collapsed to spaces and the word "accommodation" removed.
_ACCOMMODATION: dict[str, str] = {
    "dispersal": "dispersal",
    "dispersed": "dispersal",
    "subsistence only": "subsistence_only",
    "subsistence": "subsistence_only",
    "contingency hotel": "contingency_hotel",
    "hotel": "contingency_hotel",
    "contingency other": "contingency_other",
    "initial": "initial",
    "other": "other",
    "not applicable": "not_applicable",
}
ACCOMMODATION_EXPECTED = (
    "Dispersal Accommodation, Subsistence Only, Contingency Accommodation - Hotel, "
    "Contingency Accommodation - Other, Initial Accommodation, Other Accommodation or N/A - ..."
)

UK_REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Scotland",
    "Wales",
    "Northern Ireland",
)
_REGION: dict[str, str] = {r.lower(): r for r in UK_REGIONS} | {
    "yorkshire and humber": "Yorkshire and The Humber",
    "yorkshire & the humber": "Yorkshire and The Humber",
    "yorkshire & humber": "Yorkshire and The Humber",
    "east": "East of England",
}


def is_placeholder_text(text: str) -> bool:
    """``Unknown``, ``N/A``, ``N/A - Section 4 (pre-2018)`` and the like: no local authority."""
    t = text.lower()
    return t in ("unknown", "n/a", "na", "not known", "not applicable") or t.startswith("n/a")


def support_type(text: str) -> str | None:
    m = _SUPPORT_RE.match(text)
    return SUPPORT_TYPES[m[1]] if m else None


def accommodation_type(text: str) -> str | None:
    t = text.lower()
    if t.startswith("n/a"):
        return "not_applicable"
    key = " ".join(w for w in re.split(r"[^a-z0-9/]+", t) if w and w != "accommodation")
    return _ACCOMMODATION.get(key)


def region(text: str) -> str | None:
    """The ONS spelling of a UK region label."""
    key = " ".join(text.lower().replace("&", " & ").split())
    return _REGION.get(key)
