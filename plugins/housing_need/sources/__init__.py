"""Source registry: every source module's ``SOURCE``, by name."""

from __future__ import annotations

from .home_office_asylum_support import SOURCE as HOME_OFFICE_ASYLUM_SUPPORT
from .ons_census import SOURCE as ONS_CENSUS
from .spec import ParseResult, PrivacyClass, QuarantinedRow, SourceSpec

SOURCES: dict[str, SourceSpec] = {spec.name: spec for spec in (HOME_OFFICE_ASYLUM_SUPPORT, ONS_CENSUS)}


def get_source(name: str) -> SourceSpec:
    """The source called ``name``; KeyError naming the known sources otherwise."""
    try:
        return SOURCES[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known sources: {', '.join(sorted(SOURCES))}") from None


__all__ = ["SOURCES", "ParseResult", "PrivacyClass", "QuarantinedRow", "SourceSpec", "get_source"]
