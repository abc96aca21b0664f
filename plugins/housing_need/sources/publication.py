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
It may come in parts (the census's tables), each a :class:`Part` with a window of its own when it
was published at another time (the 2011 tables the model compares with, published in December
2012): until every part is in, the status is that of the part missing longest, and names the parts
still missing.

A :class:`Discovery` says where a release appears: a publisher page (a GOV.UK content item, read
through the GOV.UK Content API, or its HTML landing page) and the pattern of the attachment's file
name, whose month and year give the data period (``support-local-authority-datasets-sep-2024.xlsx``
holds the quarter ending 30 September 2024, ``Detailed_LA_202406.ods`` the quarter ending 30 June
2024, an annual ``lahs_waiting_list_2015_2025.csv`` the year ending 31 March 2025), or, for a file
released once under a name without a year (ONS's ``r21ewrttableqs203ewladv1_tcm77-290919.xls``), the
discovery's fixed ``period``. A source whose files are on several publishers' pages (the census: Nomis's
2021 and 2011 bulk pages, ONS's 2011 release page) declares one discovery per page, each ``name``d.
The network side is :mod:`housing_need.pipeline.discover`.

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
    # a source released in parts: the parts not archived or loaded yet whose window has opened (or,
    # before any has, every part not in), said by the text
    missing_parts: tuple[str, ...] = ()

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
        missing = f"; missing: {', '.join(self.missing_parts)}" if self.missing_parts else ""
        if self.state == "expected":
            return f"{latest}; next (data to {self.next_period}) expected {window}{missing}"
        if self.state == "due":
            return f"{latest}; next (data to {self.next_period}) due now ({window}), looking daily{missing}"
        late = (self.today - self.expected_by).days
        return (
            f"{latest}; next (data to {self.next_period}) OVERDUE: expected {window}, "
            f"{late} days late, looking daily{missing}"
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

    def status(self, latest_period: date | None, today: date, releases: Iterable[str] = ()) -> CalendarStatus:
        """Whether to look for a release on ``today``, given the newest period already archived
        (``releases``, the archived or loaded releases, matter only to a source released in parts)."""
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
class Part:
    """A part of a source released once that was published at another time than the rest: the
    release ``name`` (``census2011-qs405ew``) holding data of ``period``, expected from
    ``expected_from`` to ``expected_by``."""

    name: str
    period: date
    expected_from: date
    expected_by: date


@dataclass(frozen=True)
class ReleasedOnce:
    """A source released once, perhaps in parts: the data of ``period`` published from
    ``expected_from`` to ``expected_by`` (overdue ``grace_days`` after) as the releases ``parts``
    (the census's tables, ``census2021-ts054``, published in phases; a :class:`Part` for one
    published at another time, with its own period and window). Until every part is archived the
    source looks for them, and its status is that of the missing part whose window closes first
    (late once that window has closed), naming the missing parts that are due or late; then it is ``released`` and
    nothing more is looked for (a table the publisher corrects later comes by URL or inbox, like any
    other delivery)."""

    period: date
    expected_from: date
    expected_by: date
    grace_days: int
    parts: tuple[str | Part, ...]
    description: str

    def windows(self) -> list[Part]:
        """Every part with its period and window (a part named alone has the calendar's)."""
        return [
            p if isinstance(p, Part) else Part(p, self.period, self.expected_from, self.expected_by)
            for p in self.parts
        ]

    def status(self, latest_period: date | None, today: date, releases: Iterable[str] = ()) -> CalendarStatus:
        """Released once ``latest_period`` is the period (every part in); else the status of the
        part missing from ``releases`` whose window closes first, naming every missing part."""
        if latest_period is not None and latest_period >= self.period:
            status = CalendarStatus.of(
                latest_period, self.period, self.expected_from, self.expected_by, self.grace_days, today
            )
            return dataclasses.replace(status, state="released")
        have = {r.lower() for r in releases}
        missing = [p for p in self.windows() if p.name not in have] or self.windows()
        first = min(missing, key=lambda p: (p.expected_by, p.expected_from))
        status = CalendarStatus.of(
            None, first.period, first.expected_from, first.expected_by, self.grace_days, today
        )
        # the parts missing whose window has opened (due or late); before any has, every missing part
        named = [p for p in missing if p.expected_from <= today] or missing
        return dataclasses.replace(status, missing_parts=tuple(p.name for p in named))

    def latest_period(self, releases: Iterable[str]) -> date | None:
        """``period`` once every part is among the archived or loaded ``releases``, else None."""
        have = {r.lower() for r in releases}
        return self.period if all(p.name in have for p in self.windows()) else None

    def due_parts(self, releases: Iterable[str], today: date) -> set[str]:
        """The parts missing from ``releases`` whose window has opened by ``today`` (the pages that
        hold them are the ones to read)."""
        have = {r.lower() for r in releases}
        return {p.name for p in self.windows() if p.name not in have and p.expected_from <= today}


# What a source's spec may declare as its calendar.
Calendar: TypeAlias = ReleaseCalendar | ReleasedOnce


@dataclass(frozen=True)
class Discovery:
    """Where a source's releases appear: ``page_url`` (a GOV.UK page, whose Content API twin is read,
    or any HTML page with links to files) and ``file_pattern``, a regular expression on the file's
    name whose named groups give the period the file holds: ``year`` (``2024``) and ``month``, a name
    (``sep``, ``september``) or a number (``09``). A pattern without ``month`` (an annual file) gives
    the year's ``period_end_month`` (``lahs_waiting_list_2015_2025.csv``: the year ending 31 March
    2025); a pattern without ``year`` (a file released once, named without its year) gives
    ``period``. ``name`` tells apart the pages of a source with several (``HOUSING_NEED_<SOURCE>_<NAME>_PAGE_URL``
    points one elsewhere; the unnamed one is ``HOUSING_NEED_<SOURCE>_PAGE_URL``)."""

    page_url: str
    file_pattern: str
    description: str
    period_end_month: int = 12
    period: date | None = None
    name: str = ""
    # the parts of a source released once (ReleasedOnce) that this page holds; empty: every part.
    # The page is read only while one of them is due.
    parts: tuple[str, ...] = ()

    def period_of(self, filename: str) -> date | None:
        """The data period a file name holds, or None when it is not one of this source's files."""
        m = re.search(self.file_pattern, filename, re.I)
        if m is None:
            return None
        groups = m.groupdict()
        if groups.get("year") is None:
            return self.period
        if groups.get("month") is None:
            month: int | None = self.period_end_month
        elif groups["month"].isdigit():
            month = int(groups["month"]) if 1 <= int(groups["month"]) <= 12 else None
        else:
            month = MONTHS.get(groups["month"][:3].lower())
        if month is None:
            return None
        return month_end(int(m["year"]), month)
