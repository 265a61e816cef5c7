"""Working-day arithmetic: weekends and Indonesian public holidays (the `holidays` package, ID)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_for(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


TABLE_YEARS = range(2000, 2101)  # years with a precomputed working-day table


@lru_cache(maxsize=256)
def _year_table(year: int) -> tuple[int, ...]:
    """Working days from 1 January of `year` up to and including each day of that year."""
    first = date(year, 1, 1)
    count, out = 0, []
    for offset in range((date(year + 1, 1, 1) - first).days):
        if is_working_day(first + timedelta(days=offset)):
            count += 1
        out.append(count)
    return tuple(out)


@lru_cache(maxsize=256)
def _before_year(year: int) -> int:
    """Working days from 1 January 2000 up to the end of the year before `year`."""
    if year <= TABLE_YEARS.start:
        return 0
    return _before_year(year - 1) + _year_table(year - 1)[-1]


def _ordinal(day: date) -> int:
    return _before_year(day.year) + _year_table(day.year)[day.timetuple().tm_yday - 1]


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start).

    Dashboards ask this for every case of a period: a cumulative table per year makes it two
    look-ups instead of a walk over every day."""
    if end <= start:
        return 0
    if start.year in TABLE_YEARS and end.year in TABLE_YEARS:
        return _ordinal(end) - _ordinal(start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def local_date(moment: datetime, tz_name: str) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz_name)).date()


def today_in(tz_name: str) -> date:
    return datetime.now(ZoneInfo(tz_name)).date()
