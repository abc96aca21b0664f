"""The comparison page of a what-if scenario's pages (``comparison.html`` at the root of its site):
England and every region side by side with the baseline over 5, 10 and 15 years, the local
authorities whose need moved most, each table with its CSV, and every LA x community pair as a CSV.
The figures come from the caller (the scenarios layer reads both warehouses); this module lays them
out with the briefing's templates, charts and CSV writer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from . import svg

COMPONENTS = ("backlog", "move-on", "other new households", "re-lets")


@dataclass(frozen=True)
class AreaChange:
    """An area's need over a horizon in the baseline and the scenario, and its components' change."""

    area_type: str  # country, region, local_authority
    area_code: str
    area_name: str
    horizon_years: int
    baseline: float
    scenario: float
    components: tuple[float, ...]  # change a year, in the order of COMPONENTS

    @property
    def change(self) -> float:
        return self.scenario - self.baseline


@dataclass(frozen=True)
class Comparison:
    migration_scenario: str
    areas: Sequence[AreaChange]
    pair_headers: Sequence[str] = ()
    pair_rows: Sequence[Sequence[object]] = field(default_factory=list)
    synthetic: Sequence[str] = ()  # the SYNTHETIC inputs some rows rest on


def tables(comparison: Comparison) -> tuple[list[str], list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Headers, the England and region rows, and the 25 LAs whose 10-year need moved most."""
    headers = ["Area", "Years", "Baseline", "Scenario", "Change"] + [
        f"{c}: change a year" for c in COMPONENTS
    ]

    def row(a: AreaChange) -> tuple[object, ...]:
        return (a.area_name, a.horizon_years, round(a.baseline), round(a.scenario), round(a.change),
                *(round(c, 1) for c in a.components))  # fmt: skip

    top = [a for a in comparison.areas if a.area_type in ("country", "region")]
    top.sort(key=lambda a: (a.area_type != "country", a.area_name, a.horizon_years))
    las = [a for a in comparison.areas if a.area_type == "local_authority" and a.horizon_years == 10]
    las = [a for a in sorted(las, key=lambda a: (-abs(a.change), a.area_name)) if abs(a.change) >= 0.5][:25]
    return headers, [row(a) for a in top], [row(a) for a in las]


def chart(comparison: Comparison, name: str) -> Markup:
    items = [
        (a.area_name, a.baseline, a.scenario)
        for a in sorted(comparison.areas, key=lambda a: (a.area_type != "country", a.area_name))
        if a.area_type in ("country", "region") and a.horizon_years == 10
    ]
    return Markup(
        svg.paired_bars(
            items,
            title=f"Housing need over 10 years: the baseline and scenario “{name}”",
            x_label="households over 10 years (median of the draws)",
            names=("baseline", f"scenario {name}"),
        )
    )
