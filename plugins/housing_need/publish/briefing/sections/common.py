"""Words and numbers the sections share: counts with their nouns, shares, and where a page's key sits."""

from __future__ import annotations


def key_column(scope: str) -> str:
    """Where a page's key is in a mart at LA grain: region_name for a region, lad_code for an LA."""
    return "region_name" if scope == "region" else "lad_code"


def counted(count: float, singular: str, plural: str | None = None) -> str:
    """A count with its noun agreeing: "1 person", "1,234 people", "1 council", "3 councils"."""
    return f"{count:,.0f} {singular if round(count) == 1 else (plural or singular + 's')}"


def people(count: int) -> str:
    return counted(count, "person", "people")


def share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "–"


def count(value: int | None) -> str:
    return f"{value:,}" if value is not None else "–"
