"""What the Home Office's *Immigration system statistics* feeds share: their release calendar.

Every table of the quarterly release (Asy_D11 asylum support, Res_D01 resettlement, Asy_D02 initial
decisions, ...) comes out on the same day, so their sources use this one calendar rather than a copy
each. This is a plain module, not a source package: the registry finds no ``SOURCE`` here.
"""

from __future__ import annotations

from .publication import ReleaseCalendar

IMMIGRATION_STATISTICS_QUARTERLY = ReleaseCalendar(
    period_end_months=(3, 6, 9, 12),
    lag_months=2,
    window_from_day=22,
    grace_days=7,
    description=(
        "quarterly, the quarter ending March, June, September and December published two months "
        "later, usually in the last week of May, August, November and February"
    ),
)
