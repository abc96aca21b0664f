"""The classes of a map: quantile breaks rounded to two figures, with classes of their own for zero and
for values below zero, and the colour-blind-safe fills they are drawn in."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..svg import fmt

# ColorBrewer "Blues" (6 classes; sequential, colour-blind safe): the palest for exactly zero, the
# other five for the positive classes. Below zero takes the orange of ColorBrewer "PuOr", the
# colour-blind-safe partner of blue. No data is hatched, unlike any class.
ZERO_FILL = "#eff3ff"
PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NEGATIVE_FILL = "#fdb863"


@dataclass(frozen=True)
class Bin:
    index: int  # -1: below zero, 0: exactly zero, 1..k: positive classes, low to high
    label: str
    fill: str


def two_figures(value: float) -> float:
    """``value`` rounded to two significant figures (a break a reader can remember)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, 1 - math.floor(math.log10(abs(value))))


@dataclass(frozen=True)
class Classes:
    """Classes of a map: below zero (when any value is), exactly zero (when any value is), and up to
    five classes of positive values split at ``breaks`` (a class includes its lower break)."""

    breaks: tuple[float, ...]
    negative: bool = False
    zero: bool = False

    def bins(self) -> list[Bin]:
        out = [Bin(-1, "below 0 (surplus)", NEGATIVE_FILL)] if self.negative else []
        out += [Bin(0, "none", ZERO_FILL)] if self.zero else []
        b = [fmt(x) for x in self.breaks]
        floor = "above 0" if self.zero else ("0" if self.negative else "")
        if not b:
            labels = [f"{floor} or more" if floor == "0" else floor or "all values"]
        else:
            first = (
                f"{floor}, under {b[0]}"
                if floor == "above 0"
                else (f"{floor} to under {b[0]}" if floor else f"under {b[0]}")
            )
            labels = (
                [first]
                + [f"{lo} to under {hi}" for lo, hi in zip(b, b[1:], strict=False)]
                + [f"{b[-1]} or more"]
            )
        # spread the palette over fewer classes from its darker end, so the top class is always darkest
        fills = PALETTE[len(PALETTE) - len(labels) :]
        return out + [
            Bin(i, label, fill) for i, (label, fill) in enumerate(zip(labels, fills, strict=True), 1)
        ]

    def bin_of(self, value: float) -> Bin:
        bins = {b.index: b for b in self.bins()}
        if value < 0:
            return bins.get(-1, Bin(-1, "below 0 (surplus)", NEGATIVE_FILL))
        if value == 0 and self.zero:
            return bins[0]
        return bins[1 + sum(value >= b for b in self.breaks)]


def classify(values: Iterable[float | None], k: int = 5) -> Classes:
    """Quantile classes: the positive values cut into ``k`` groups of about equal size, each break
    rounded to two significant figures (a break that rounds onto another, or leaves a class empty, is
    dropped, so there may be fewer). Zero and negative values get classes of their own."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    positive = sorted(v for v in finite if v > 0)
    breaks: list[float] = []
    if len(positive) >= 2:
        for q in np.quantile(positive, [i / k for i in range(1, k)]):
            b = two_figures(float(q))
            if positive[0] < b <= positive[-1] and (not breaks or b > breaks[-1]):
                breaks.append(b)
    return Classes(tuple(breaks), negative=any(v < 0 for v in finite), zero=any(v == 0 for v in finite))


def shown(value: float) -> str:
    """A rate as the map's data-value, tooltip and table show it."""
    return f"{value:.1f}"
