"""When and where a publisher releases a source: its release calendar and how to discover a release.

A :class:`ReleaseCalendar` says which data periods a source publishes and when each release is
expected. The Home Office publishes the quarter ending March, June, September and December two
months later, usually in the last week of May, August, November and February: the release of the
period ending ``P`` is expected from day ``window_from_day`` of the month ``lag_months`` after ``P``
to the end of that month, and is overdue ``grace_days`` after that. The extract DAG runs daily; the
calendar tells it whether to look (see :meth:`ReleaseCalendar.status`), so it looks from the
expected date, daily, until the release appears, and then not again until the next one is due.

A :class:`ReleasedOnce` calendar is a source published once (the census): the release of its one
data period is expected in a window, is late after it, and once archived nothing more is expected.

A :class:`Discovery` says where a release appears: a publisher page (a GOV.UK content item, read
through the GOV.UK Content API, or its HTML landing page) and the pattern of the attachment's file
name, whose month and year give the data period (``support-local-authority-datasets-sep-2024.xlsx``
holds the quarter ending 30 September 2024, ``Detailed_LA_202406.ods`` the quarter ending 30 June
2024, an annual ``lahs_waiting_list_2015_2025.csv`` the year ending 31 March 2025). The network side is
:mod:`housing_need.pipeline.discover`.

Pure: no I/O here, so every rule is tested on hand-computed dates.
"""

from __future__ import annotations

import calendar as _calendar
import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeAlias

MONTHS = {name.lower(): number for number, name in enumerate(_calendar.month_abbr) if name}


def month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The last day of the month ``months`` after ``day``'s month (periods end on month ends)."""
    index = day.year * 12 + day.month - 1 + months
    return month_end(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class CalendarStatus:
    """Where a source stands against its calendar on ``today``."""

    # "expected" (not due yet), "due" (look daily), "overdue" (look daily; late), "released" (a source
    # released once, whose release is in: nothing more to look for)
    state: str
    latest_period: date | None  # the newest data period archived or loaded
    next_period: date  # the period of the next release
    expected_from: date
    expected_by: date
    overdue_after: date
    today: date

    @classmethod
    def of(
        cls,
        latest_period: date | None,
        next_period: date,
        expected_from: date,
        expected_by: date,
        grace_days: int,
        today: date,
    ) -> CalendarStatus:
        """Expected before the window, due from its first day until ``grace_days`` after it closes,
        overdue after that."""
        overdue_after = expected_by + timedelta(days=grace_days)
        if today < expected_from:
            state = "expected"
        elif today <= overdue_after:
            state = "due"
        else:
            state = "overdue"
        return cls(state, latest_period, next_period, expected_from, expected_by, overdue_after, today)

    @property
    def should_look(self) -> bool:
        return self.state in ("due", "overdue")

    @property
    def on_time(self) -> bool:
        """False once the window of the next release has closed without it (late, overdue or not)."""
        return self.state == "released" or self.today <= self.expected_by

    def timeliness(self) -> str:
        if self.on_time:
            return "on time"
        return f"LATE: {(self.today - self.expected_by).days} days after the window closed"

    def text(self) -> str:
        latest = f"latest release: data to {self.latest_period}" if self.latest_period else "no release yet"
        window = f"{self.expected_from:%d %b %Y} to {self.expected_by:%d %b %Y}"
        if self.state == "released":
            return f"{latest}; released once (published {window}): no further release expected"
        if self.state == "expected":
            return f"{latest}; next (data to {self.next_period}) expected {window}"
        if self.state == "due":
            return f"{latest}; next (data to {self.next_period}) due now ({window}), looking daily"
        late = (self.today - self.expected_by).days
        return (
            f"{latest}; next (data to {self.next_period}) OVERDUE: expected {window}, "
            f"{late} days late, looking daily"
        )


@dataclass(frozen=True)
class ReleaseCalendar:
    """Periodic releases: data periods ending in ``period_end_months``, each published in the month
    ``lag_months`` later from day ``window_from_day``."""

    period_end_months: tuple[int, ...]  # e.g. (3, 6, 9, 12): quarters
    lag_months: int  # e.g. 2: the December quarter is published in February
    window_from_day: int  # e.g. 22: "the last week of the month"
    grace_days: int  # after the window closes, how long before the release is overdue
    description: str

    def next_period_after(self, period: date) -> date:
        """The first period end after ``period``."""
        for months in range(1, 13):
            candidate = add_months(period, months)
            if candidate.month in self.period_end_months:
                return candidate
        raise ValueError(f"no period end month in {self.period_end_months}")

    def window(self, period: date) -> tuple[date, date]:
        """(first day, last day) on which the release of ``period`` is expected."""
        last = add_months(period, self.lag_months)
        return date(last.year, last.month, min(self.window_from_day, last.day)), last

    def latest_period_published_by(self, today: date) -> date:
        """The newest period whose release window has opened by ``today``."""
        period = add_months(today, -self.lag_months - 12)
        while period.month not in self.period_end_months:
            period = add_months(period, 1)
        latest = period
        while self.window(self.next_period_after(latest))[0] <= today:
            latest = self.next_period_after(latest)
        return latest

    def status(self, latest_period: date | None, today: date) -> CalendarStatus:
        """Whether to look for a release on ``today``, given the newest period already archived."""
        if latest_period is None:
            next_period = self.latest_period_published_by(today)
        else:
            next_period = self.next_period_after(latest_period)
        expected_from, expected_by = self.window(next_period)
        return CalendarStatus.of(
            latest_period, next_period, expected_from, expected_by, self.grace_days, today
        )

    def latest_period(self, releases: Iterable[str]) -> date | None:
        """The newest data period among archived or loaded releases (each named by its period's ISO
        date; other names are not of this calendar)."""
        periods = []
        for release in releases:
            try:
                periods.append(date.fromisoformat(release))
            except ValueError:
                continue
        return max(periods, default=None)

    def freshness_days(self) -> tuple[int, int]:
        """dbt source freshness on the data period: (warn, error) after how many days the newest
        period should have been followed by the next release (window end), and when that release is
        overdue (plus the grace days). The longest gap over a year of periods."""
        gaps = []
        for month in self.period_end_months:
            period = month_end(2023, month)
            gaps.append((self.window(self.next_period_after(period))[1] - period).days)
        warn = max(gaps)
        return warn, warn + self.grace_days


@dataclass(frozen=True)
class ReleasedOnce:
    """A source released once, perhaps in parts: the data of ``period`` published from
    ``expected_from`` to ``expected_by`` (overdue ``grace_days`` after) as the releases ``parts``
    (the census's tables, ``census2021-ts054``, published in phases). Until every part is archived
    the source looks for them; then it is ``released`` and nothing more is looked for (a table the
    publisher corrects later comes by URL or inbox, like any other delivery)."""

    period: date
    expected_from: date
    expected_by: date
    grace_days: int
    parts: tuple[str, ...]
    description: str

    def status(self, latest_period: date | None, today: date) -> CalendarStatus:
        status = CalendarStatus.of(
            latest_period, self.period, self.expected_from, self.expected_by, self.grace_days, today
        )
        if latest_period is not None and latest_period >= self.period:
            return dataclasses.replace(status, state="released")
        return status

    def latest_period(self, releases: Iterable[str]) -> date | None:
        """``period`` once every part is among the archived or loaded ``releases``, else None."""
        have = {r.lower() for r in releases}
        return self.period if all(part in have for part in self.parts) else None


# What a source's spec may declare as its calendar.
Calendar: TypeAlias = ReleaseCalendar | ReleasedOnce


@dataclass(frozen=True)
class Discovery:
    """Where a source's releases appear: ``page_url`` (a GOV.UK page, whose Content API twin is read,
    or any HTML page with links to files) and ``file_pattern``, a regular expression on the file's
    name whose named groups give the period the file holds: ``year`` (``2024``) and ``month``, a name
    (``sep``, ``september``) or a number (``09``). A pattern without ``month`` (an annual file) gives
    the year's ``period_end_month`` (``lahs_waiting_list_2015_2025.csv``: the year ending 31 March
    2025)."""

    page_url: str
    file_pattern: str
    description: str
    period_end_month: int = 12

    def period_of(self, filename: str) -> date | None:
        """The data period a file name holds, or None when it is not one of this source's files."""
        m = re.search(self.file_pattern, filename, re.I)
        if m is None:
            return None
        groups = m.groupdict()
        if groups.get("month") is None:
            month: int | None = self.period_end_month
        elif groups["month"].isdigit():
            month = int(groups["month"]) if 1 <= int(groups["month"]) <= 12 else None
        else:
            month = MONTHS.get(groups["month"][:3].lower())
        if month is None:
            return None
        return month_end(int(m["year"]), month)
