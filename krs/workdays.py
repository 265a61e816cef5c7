"""Working-day arithmetic: weekends, Indonesian public holidays and, unless an admin says otherwise
for a year, collective leave (*cuti bersama*), from the `holidays` package (ID, categories
`public` and `government`).

Government offices close on collective leave, so a case taken in before Idul Fitri is not late
because of those days (issue 13 point 8). The admin setting per year lives in `WorkCalendarYear`;
`current_calendar()` reads it once per app context (one small query, only when working days are
counted), and `using(calendar)` sets an explicit calendar (the migrations, which must not read the
table through another connection).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask import g, has_app_context
from sqlalchemy import bindparam, or_, select, update

from krs.extensions import db
from krs.models import Case, Unit, WorkCalendarYear

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


@dataclass(frozen=True)
class Calendar:
    """Whether collective leave is off: `collective_leave_off` for every year but the `exceptions`."""

    collective_leave_off: bool = True
    exceptions: frozenset[int] = field(default_factory=frozenset)

    def leave_off_in(self, year: int) -> bool:
        return self.collective_leave_off != (year in self.exceptions)


DEFAULT = Calendar()  # collective leave is off in every year (no admin setting stored)
PUBLIC_HOLIDAYS_ONLY = Calendar(collective_leave_off=False)  # the calendar before issue 13

_explicit: ContextVar[Calendar | None] = ContextVar("krs_work_calendar", default=None)
_G_KEY = "_krs_work_calendar"


@contextmanager
def using(calendar: Calendar) -> Iterator[Calendar]:
    """Count with `calendar` inside the block, whatever the stored settings say."""
    token = _explicit.set(calendar)
    try:
        yield calendar
    finally:
        _explicit.reset(token)


def stored_calendar() -> Calendar:
    """The calendar of the admin settings (one query)."""
    with db.session.no_autoflush:
        years = db.session.scalars(
            select(WorkCalendarYear.year).where(WorkCalendarYear.collective_leave_off.is_(False))
        )
        return Calendar(exceptions=frozenset(years))


def current_calendar() -> Calendar:
    explicit = _explicit.get()
    if explicit is not None:
        return explicit
    if not has_app_context():
        return DEFAULT
    calendar = g.get(_G_KEY)
    if calendar is None:
        calendar = stored_calendar()
        setattr(g, _G_KEY, calendar)
    return calendar


def forget_calendar() -> None:
    """After the settings changed: the next count in this app context reads them again."""
    if has_app_context():
        g.pop(_G_KEY, None)


@lru_cache(maxsize=128)
def _holidays_for(year: int, leave_off: bool) -> holidays.HolidayBase:
    categories = ("public", "government") if leave_off else ("public",)
    return holidays.country_holidays("ID", years=year, categories=categories)


def collective_leave_days(year: int) -> list[date]:
    """The collective-leave days of a year (the `government` category), in order."""
    return sorted(holidays.country_holidays("ID", years=year, categories=("government",)))


def is_working_day(day: date, calendar: Calendar | None = None) -> bool:
    calendar = calendar or current_calendar()
    return day.weekday() < 5 and day not in _holidays_for(day.year, calendar.leave_off_in(day.year))


def add_working_days(start: date, days: int, calendar: Calendar | None = None) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    calendar = calendar or current_calendar()
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, calendar):
            remaining -= 1
    return current


TABLE_YEARS = range(2000, 2101)  # years with a precomputed working-day table


@lru_cache(maxsize=512)
def _year_table(year: int, leave_off: bool) -> tuple[int, ...]:
    """Working days from 1 January of `year` up to and including each day of that year."""
    first = date(year, 1, 1)
    holidays_of_year = _holidays_for(year, leave_off)
    count, out = 0, []
    for offset in range((date(year + 1, 1, 1) - first).days):
        day = first + timedelta(days=offset)
        if day.weekday() < 5 and day not in holidays_of_year:
            count += 1
        out.append(count)
    return tuple(out)


@lru_cache(maxsize=512)
def _before_year(year: int, calendar: Calendar) -> int:
    """Working days from 1 January 2000 up to the end of the year before `year`."""
    if year <= TABLE_YEARS.start:
        return 0
    return _before_year(year - 1, calendar) + _year_table(year - 1, calendar.leave_off_in(year - 1))[-1]


def _ordinal(day: date, calendar: Calendar) -> int:
    table = _year_table(day.year, calendar.leave_off_in(day.year))
    return _before_year(day.year, calendar) + table[day.timetuple().tm_yday - 1]


def working_days_between(start: date, end: date, calendar: Calendar | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start).

    Dashboards ask this for every case of a period: a cumulative table per year makes it two
    look-ups instead of a walk over every day."""
    if end <= start:
        return 0
    calendar = calendar or current_calendar()
    if start.year in TABLE_YEARS and end.year in TABLE_YEARS:
        return _ordinal(end, calendar) - _ordinal(start, calendar)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, calendar):
            count += 1
    return count


def moved_due_date(opened: date, due: date, old: Calendar, new: Calendar) -> date:
    """A due date set some working days after `opened` under the `old` calendar, set as many
    working days after it under the `new` one (no service level needed to move it)."""
    if due <= opened:
        return due
    return add_working_days(opened, working_days_between(opened, due, old), new)


def local_date(moment: datetime, tz_name: str) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz_name)).date()


def today_in(tz_name: str) -> date:
    return datetime.now(ZoneInfo(tz_name)).date()


def move_due_dates(conn, old: Calendar, new: Calendar, year: int | None = None) -> int:
    """Set the stored due dates of the cases again under the `new` calendar (each as many working
    days after the case's opening day as it was under `old`); only the cases whose due dates reach
    into `year` when one is given. Core statements on `conn` (a migration's or the session's
    connection); the caller rebuilds the dashboard totals. Returns the number of cases changed."""
    case, unit = Case.__table__, Unit.__table__
    stmt = select(
        case.c.id, case.c.created_at, case.c.first_response_due, case.c.resolution_due, unit.c.timezone
    ).join(unit, unit.c.id == case.c.unit_id)
    if year is not None:
        first_day = date(year, 1, 1)
        stmt = stmt.where(or_(case.c.first_response_due >= first_day, case.c.resolution_due >= first_day))
    changes = []
    for row in conn.execute(stmt):
        opened = local_date(row.created_at, row.timezone)
        if year is not None and opened.year > year:
            continue
        first, resolution = (
            moved_due_date(opened, due, old, new) if due is not None else None
            for due in (row.first_response_due, row.resolution_due)
        )
        if (first, resolution) != (row.first_response_due, row.resolution_due):
            changes.append({"b_id": row.id, "b_first": first, "b_resolution": resolution})
    if changes:
        conn.execute(
            update(case)
            .where(case.c.id == bindparam("b_id"))
            .values(first_response_due=bindparam("b_first"), resolution_due=bindparam("b_resolution")),
            changes,
        )
    return len(changes)
