"""The councils the SYNTHETIC register is written for: each with its configured layout and band
scheme (``sources/council_housing_register/councils.yaml``) and a postcode area for the made-up
postcodes; the default three, or every English local authority for a national run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..sources.council_housing_register.layouts import Layout, bundled_councils


@dataclass(frozen=True)
class Council:
    """A council the generator writes for: its configured layout and band scheme (councils.yaml) and
    the postcode area its applicants' made-up postcodes are in."""

    lad_code: str
    name: str
    layout: Layout
    bands: Mapping[str, int]  # band code -> rank on the ordered scale (1 = highest; 4 = penalty)
    postcode_area: str

    @property
    def band_codes(self) -> dict[int, str]:
        """Rank -> the council's band code."""
        return {rank: code for code, rank in self.bands.items()}

    @property
    def has_penalty_band(self) -> bool:
        return 4 in self.bands.values()


# The default refresh's three councils (the bundled councils.yaml: the East Midlands examples of the
# seeds, one per layout) and their postcode areas.
POSTCODE_AREAS = {"E06000016": "LE", "E06000018": "NG", "E06000015": "DE"}


def default_councils() -> tuple[Council, ...]:
    """The councils of the bundled councils.yaml, in its order, as the generator writes them."""
    return tuple(
        Council(c.lad_code, c.name, c.layout, c.bands, POSTCODE_AREAS[c.lad_code])
        for c in bundled_councils().values()
    )


def national_councils(sizes: dict[str, int]) -> list[Council]:
    """Every English LA with a 2024 register size, the default councils' layouts and band schemes in
    turn (the default three keep theirs)."""
    defaults = default_councils()
    by_code = {c.lad_code: c for c in defaults}
    out = []
    for i, code in enumerate(sorted(sizes)):
        like = defaults[i % len(defaults)]
        out.append(by_code.get(code) or Council(code, code, like.layout, like.bands, f"Z{chr(65 + i % 26)}"))
    return out
