"""Every figure of the evaluation, computed by plain functions from the scoped queries of krs.access.

One `report(user, units, period)` call runs a fixed number of queries whatever the number of cases
(the rows are reduced in Python: medians and working days are not portable SQL). The dashboards,
the national ranking and the XLSX evaluation all read the same `Figures`, so the numbers in an
export equal the numbers on screen.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select

from krs import access, audit, households
from krs.extensions import db
from krs.ikm import CODES, IkmResult, ikm_from_sums
from krs.models import (
    OPEN_STATUSES,
    AgeBand,
    Case,
    CaseService,
    CaseStatus,
    Education,
    Event,
    EventKind,
    Gender,
    Occupation,
    Outcome,
    Role,
    StatDay,
    StatMonth,
    Survey,
    Unit,
    UnitTarget,
    User,
)
from krs.prepared import prepared
from krs.reports import stats
from krs.workdays import local_date, working_days_between

REFERRAL_OUTCOMES = (Outcome.REFERRED_BSPS, Outcome.REFERRED_FINANCING, Outcome.REFERRED_LOCAL_GOV)


# ---------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    start: date  # inclusive, in each unit's own calendar
    end: date  # inclusive

    def months(self) -> list[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def bounds(self, tz_name: str) -> tuple[datetime, datetime]:
        """[start, end) in UTC for an office's zone."""
        zone = ZoneInfo(tz_name)
        lo = datetime.combine(self.start, time.min, zone).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time.min, zone).astimezone(UTC)
        return lo, hi

    def contains(self, moment: datetime | None, tz_name: str) -> bool:
        return moment is not None and self.start <= local_date(moment, tz_name) <= self.end


def people_served_by_unit(units: list[Unit], period: Period) -> list:
    """Cases, households and participants per unit, counted separately (krs.households has the
    rules: a household that came to a session and later opened a case counts once). The units are
    the ones the user may see, chosen by the caller."""
    return households.people_served_many(units, period.start, period.end)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def parse_period(start: str | None, end: str | None, today: date) -> Period:
    """From ISO dates in the query string; bad or missing values fall back to this year to date."""

    def parse(value):
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    lo = parse(start) or date(today.year, 1, 1)
    hi = parse(end) or today
    if hi < lo:
        lo, hi = hi, lo
    if (hi - lo).days > 366 * 5:
        lo = hi - timedelta(days=366 * 5)
    return Period(lo, hi)


def in_period(column, period: Period, zones):
    """A portable WHERE clause: `column` falls in the period in the zone of the row's unit (Unit joined)."""
    clauses = [_in_zone_between(column, tz, *period.bounds(tz)) for tz in sorted(set(zones))]
    return or_(*clauses) if clauses else and_(False)


def _in_zone_between(column, tz, lo, hi):
    """`column` in [lo, hi) for the rows of units in zone `tz` (Unit joined)."""
    return and_(Unit.timezone == tz, column >= lo, column < hi)


# ---------------------------------------------------------------- figures


def median(values) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """The evaluation of a set of units over a period."""

    cases_in: int = 0
    cases_closed: int = 0
    in_per_month: dict = field(default_factory=dict)  # 'YYYY-MM' -> n
    closed_per_month: dict = field(default_factory=dict)
    backlog: dict = field(default_factory=dict)  # open status -> n (now, not bound to the period)
    by_service: dict = field(default_factory=dict)  # of cases in
    by_channel: dict = field(default_factory=dict)
    median_first_response_days: float | None = None  # working days, cases in that were answered
    median_closure_days: float | None = None  # working days, cases closed in the period
    responded: int = 0
    responded_on_time: int = 0
    closed_on_time: int = 0
    outcomes: dict = field(default_factory=dict)  # of cases closed
    referrals: int = 0
    field_visits: int = 0
    follow_ups: int = 0
    ikm: IkmResult = field(default_factory=lambda: IkmResult(0))
    active_users: int = 0
    median_entry_delay_hours: float | None = None
    entered_within_day: int = 0
    per_staff: list = field(default_factory=list)  # StaffUsage

    @property
    def within_sla_pct(self) -> float | None:
        return share(self.closed_on_time, self.cases_closed)

    @property
    def first_response_on_time_pct(self) -> float | None:
        return share(self.responded_on_time, self.responded)

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog.values())

    @property
    def entered_within_day_pct(self) -> float | None:
        return share(self.entered_within_day, self.follow_ups)


@dataclass
class StaffUsage:
    user_id: int
    name: str
    role: str
    unit_id: int
    cases_recorded: int = 0
    follow_ups: int = 0
    follow_ups_in_day: int = 0  # entered within 24 hours of happening

    @property
    def entered_within_day_pct(self) -> float | None:
        return share(self.follow_ups_in_day, self.follow_ups)


@dataclass
class Report:
    period: Period
    units: list
    total: Figures
    by_unit: dict  # unit id -> Figures


def fresh_report(user: User, units: list[Unit], period: Period) -> Report:
    """The figures computed from the cases, events and surveys themselves (linear in the data).

    The dashboards read `report()`, which sums the maintained totals of krs.reports.stats; this is
    the independent computation the totals are checked against (tests, `flask krs stats check`)."""
    unit_ids = [u.id for u in units]
    zones = {u.timezone for u in units}
    tz_of = {u.id: u.timezone for u in units}
    total, by_unit = _new_figures(units, period)
    if not unit_ids:
        return Report(period, units, total, by_unit)

    def buckets(unit_id):  # the total and the unit the row belongs to
        return (total, by_unit[unit_id])

    # 1. cases opened or closed in the period (one query)
    scoped = access.cases_visible_to(user).where(Case.unit_id.in_(unit_ids))
    rows = db.session.execute(
        scoped.with_only_columns(
            Case.id,
            Case.unit_id,
            Case.channel,
            Case.created_at,
            Case.first_response_at,
            Case.closed_at,
            Case.first_response_due,
            Case.resolution_due,
            Case.outcome,
            Case.status,
        )
        .join(Unit, Unit.id == Case.unit_id)
        .where(or_(in_period(Case.created_at, period, zones), in_period(Case.closed_at, period, zones)))
    ).all()
    first_days = defaultdict(list)
    closure_days = defaultdict(list)
    for r in rows:
        tz = tz_of[r.unit_id]
        opened_day = local_date(r.created_at, tz)
        if period.contains(r.created_at, tz):
            month = opened_day.strftime("%Y-%m")
            for f in buckets(r.unit_id):
                f.cases_in += 1
                f.in_per_month[month] = f.in_per_month.get(month, 0) + 1
                f.by_channel[r.channel] = f.by_channel.get(r.channel, 0) + 1
            if r.first_response_at is not None:
                answered = local_date(r.first_response_at, tz)
                on_time = r.first_response_due is not None and answered <= r.first_response_due
                first_days[r.unit_id].append(working_days_between(opened_day, answered))
                for f in buckets(r.unit_id):
                    f.responded += 1
                    f.responded_on_time += int(on_time)
        if r.status == CaseStatus.CLOSED and period.contains(r.closed_at, tz):
            closed_day = local_date(r.closed_at, tz)
            on_time = r.resolution_due is not None and closed_day <= r.resolution_due
            closure_days[r.unit_id].append(working_days_between(opened_day, closed_day))
            month = closed_day.strftime("%Y-%m")
            for f in buckets(r.unit_id):
                f.cases_closed += 1
                f.closed_on_time += int(on_time)
                f.closed_per_month[month] = f.closed_per_month.get(month, 0) + 1
                if r.outcome:
                    f.outcomes[r.outcome] = f.outcomes.get(r.outcome, 0) + 1
                    f.referrals += int(r.outcome in REFERRAL_OUTCOMES)
    for uid, f in by_unit.items():
        f.median_first_response_days = median(first_days[uid])
        f.median_closure_days = median(closure_days[uid])
    total.median_first_response_days = median(v for vs in first_days.values() for v in vs)
    total.median_closure_days = median(v for vs in closure_days.values() for v in vs)

    # 2. service types of the cases opened in the period (one query)
    service_rows = db.session.execute(
        scoped.with_only_columns(Case.unit_id, CaseService.service)
        .join(CaseService, CaseService.case_id == Case.id)
        .join(Unit, Unit.id == Case.unit_id)
        .where(in_period(Case.created_at, period, zones))
    ).all()
    for r in service_rows:
        for f in buckets(r.unit_id):
            f.by_service[r.service] = f.by_service.get(r.service, 0) + 1

    # 3. backlog now, by status (one query)
    for unit_id, status, n in db.session.execute(
        scoped.with_only_columns(Case.unit_id, Case.status, func.count())
        .where(Case.status.in_(OPEN_STATUSES))
        .group_by(Case.unit_id, Case.status)
    ).all():
        for f in buckets(unit_id):
            f.backlog[status] = f.backlog.get(status, 0) + n

    # 4. follow-ups done in the period: field visits, usage, entry delay (one query)
    events = db.session.execute(
        scoped.with_only_columns(
            Case.unit_id, Event.author_id, Event.kind, Event.occurred_at, Event.created_at
        )
        .join(Event, Event.case_id == Case.id)
        .join(Unit, Unit.id == Case.unit_id)
        .where(Event.kind.in_(EventKind.follow_up_kinds()), in_period(Event.occurred_at, period, zones))
    ).all()
    staff_follow_ups, staff_in_day = Counter(), Counter()
    delays = defaultdict(list)
    for e in events:
        tenths = stats.delay_tenths(e.occurred_at, e.created_at)
        in_day = (_aware(e.created_at) - _aware(e.occurred_at)).total_seconds() <= 86_400
        delays[e.unit_id].append(tenths)
        staff_follow_ups[e.author_id] += 1
        staff_in_day[e.author_id] += int(in_day)
        for f in buckets(e.unit_id):
            f.follow_ups += 1
            f.field_visits += int(e.kind == EventKind.FIELD_VISIT)
            f.entered_within_day += int(in_day)
    for uid, f in by_unit.items():
        f.median_entry_delay_hours = _hours(median(delays[uid]))
    total.median_entry_delay_hours = _hours(median(d for ds in delays.values() for d in ds))

    # 5. cases recorded per person in the period (one query) and the people of the units (one query)
    recorded = Counter(
        dict(
            db.session.execute(
                scoped.with_only_columns(Case.created_by_id, func.count())
                .join(Unit, Unit.id == Case.unit_id)
                .where(in_period(Case.created_at, period, zones))
                .group_by(Case.created_by_id)
            ).all()
        )
    )
    _staff_usage(user, unit_ids, recorded, staff_follow_ups, staff_in_day, total, by_unit)

    # 6. IKM from the raw answers of surveys submitted in the period (one query)
    sums_by_unit = {}
    for row in db.session.execute(
        access.surveys_visible_to(user)
        .with_only_columns(
            Survey.unit_id, func.count(Survey.id), *[func.sum(getattr(Survey, c)) for c in CODES]
        )
        .join(Unit, Unit.id == Survey.unit_id)
        .where(
            Survey.unit_id.in_(unit_ids),
            Survey.submitted_at.is_not(None),
            in_period(Survey.submitted_at, period, zones),
        )
        .group_by(Survey.unit_id)
    ).all():
        sums_by_unit[row[0]] = (row[1], dict(zip(CODES, row[2:], strict=True)))
    _ikm(sums_by_unit, total, by_unit)
    return Report(period, units, total, by_unit)


@dataclass
class ProfilePart:
    """One question of the IKM respondent profile: (answer label, respondents, share %) rows,
    the answers in their order, then those who left it empty."""

    key: str
    title: str
    rows: list[tuple[str, int, float | None]]


PROFILE_PARTS = (
    ("age_band", _l("Usia"), AgeBand),
    ("sex", _l("Jenis kelamin"), Gender),
    ("education", _l("Pendidikan"), Education),
    ("occupation", _l("Pekerjaan"), Occupation),
)


def _ikm_profile_select():
    return (
        select(Survey.age_band, Survey.sex, Survey.education, Survey.occupation, func.count(Survey.id))
        .join(Unit, Unit.id == Survey.unit_id)
        .where(Survey.submitted_at.is_not(None))
        .group_by(Survey.age_band, Survey.sex, Survey.education, Survey.occupation)
    )


@prepared
def _ikm_profile_one_zone():
    """`in_period` of one zone, its values bound (krs.prepared)."""
    return _ikm_profile_select().where(
        Survey.unit_id.in_(bindparam("ids", expanding=True)),
        _in_zone_between(Survey.submitted_at, bindparam("tz"), bindparam("lo"), bindparam("hi")),
    )


def ikm_profile(units: list[Unit], period: Period) -> list[ProfilePart]:
    """Who answered the IKM surveys submitted in the period (the standard IKM report's respondent
    profile), from the survey rows' own columns: one grouped query."""
    unit_ids = [u.id for u in units]
    zones = {u.timezone for u in units}
    counts = {key: Counter() for key, _t, _e in PROFILE_PARTS}
    total = 0
    if len(zones) == 1:  # one time zone (a unit's own dashboard): the statement built once
        (zone,) = zones
        lo, hi = period.bounds(zone)
        rows = db.session.execute(_ikm_profile_one_zone(), {"ids": unit_ids, "tz": zone, "lo": lo, "hi": hi})
    else:
        rows = db.session.execute(
            _ikm_profile_select().where(
                Survey.unit_id.in_(unit_ids), in_period(Survey.submitted_at, period, zones)
            )
        )
    for age_band, sex, education, occupation, n in rows:
        total += n
        for key, value in zip(counts, (age_band, sex, education, occupation), strict=True):
            counts[key][value] += n

    def share(n: int) -> float | None:
        return round(100 * n / total, 1) if total else None

    parts = []
    for key, title, enum_cls in PROFILE_PARTS:
        c = counts[key]
        rows = [(m.label, c.get(m.value, 0), share(c.get(m.value, 0))) for m in enum_cls]
        missing = total - sum(n for _label, n, _s in rows)
        rows.append((_("Tidak diisi"), missing, share(missing)))
        parts.append(ProfilePart(key, str(title), rows))
    return parts


def differences(a: Report, b: Report) -> list[str]:
    """Where two reports of the same units and period disagree (empty when they are equal)."""
    out = []
    pairs = [("total", a.total, b.total)] + [(uid, f, b.by_unit.get(uid)) for uid, f in a.by_unit.items()]
    for where, x, y in pairs:
        if y is None:
            out.append(f"{where}: missing")
            continue
        for name in Figures.__dataclass_fields__:
            if getattr(x, name) != getattr(y, name):
                out.append(f"{where}.{name}: {getattr(x, name)!r} != {getattr(y, name)!r}")
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _hours(tenths: float | None) -> float | None:
    """A median entry delay in tenths of an hour (krs.reports.stats.delay_tenths) as hours."""
    return round(tenths / 10, 1) if tenths is not None else None


def _staff_usage(user, unit_ids, recorded: Counter, follow_ups: Counter, in_day: Counter, total, by_unit):
    """Usage per person of the units (one query): cases recorded and follow-ups entered."""
    people = db.session.execute(
        select(User.id, User.full_name, User.role, User.unit_id)
        .where(User.unit_id.in_(unit_ids), User.role.in_([Role.SUPERVISOR, Role.STAFF, Role.INTERN]))
        .order_by(User.unit_id, User.full_name)
    ).all()
    show_names = access.can_see_staff_names(user)
    for n, p in enumerate(people, start=1):
        usage = StaffUsage(
            user_id=p.id,
            name=p.full_name if show_names else _("Petugas %(n)s", n=n),
            role=p.role,
            unit_id=p.unit_id,
            cases_recorded=recorded.get(p.id, 0),
            follow_ups=follow_ups.get(p.id, 0),
            follow_ups_in_day=in_day.get(p.id, 0),
        )
        active = usage.cases_recorded or usage.follow_ups
        for f in (total, by_unit[p.unit_id]):
            f.per_staff.append(usage)
            f.active_users += int(bool(active))
    total.per_staff.sort(key=lambda s: (-(s.cases_recorded + s.follow_ups), s.name))


def _ikm(sums_by_unit: dict, total: Figures, by_unit: dict) -> None:
    """IKM per unit and overall from {unit id: (respondents, {code: sum of answers})}."""
    for uid, (n, sums) in sums_by_unit.items():
        by_unit[uid].ikm = ikm_from_sums(n, sums)
    all_n = sum(n for n, _ in sums_by_unit.values())
    all_sums = {c: sum(int(s.get(c) or 0) for _, s in sums_by_unit.values()) for c in CODES}
    total.ikm = ikm_from_sums(all_n, all_sums)


def median_of_counts(counts: dict) -> float | None:
    """statistics.median of the values a histogram {value: how many} stands for."""
    items = sorted((value, n) for value, n in counts.items() if n)
    size = sum(n for _, n in items)
    if not size:
        return None

    def nth(index: int):
        seen = 0
        for value, n in items:
            seen += n
            if index < seen:
                return value

    if size % 2:
        return float(nth(size // 2))
    return (nth(size // 2 - 1) + nth(size // 2)) / 2


def _new_figures(units, period) -> tuple[Figures, dict]:
    total, by_unit = Figures(), {u.id: Figures() for u in units}
    months = period.months()
    for f in (total, *by_unit.values()):
        f.in_per_month = dict.fromkeys(months, 0)
        f.closed_per_month = dict.fromkeys(months, 0)
    return total, by_unit


def _split(period: Period) -> tuple[list[date], list[tuple[date, date]]]:
    """The period as whole calendar months (their first days) and partial months (day ranges)."""
    whole, partial = [], []
    for month in period.months():
        first = date.fromisoformat(f"{month}-01")
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        lo, hi = max(first, period.start), min(last, period.end)
        if (lo, hi) == (first, last):
            whole.append(first)
        else:
            partial.append((lo, hi))
    return whole, partial


def _stat_sums(user: User, unit_ids: list[int], period: Period):
    """Sums of the maintained totals over the period: {(unit, metric, key): n}, the monthly series
    {(unit, 'YYYY-MM', metric): n} of cases in and closed, and the backlog {(unit, status): n}."""
    totals, series, backlog = Counter(), Counter(), Counter()
    whole, partial = _split(period)
    months = access.stats_visible_to(user, StatMonth).where(StatMonth.unit_id.in_(unit_ids))
    days = access.stats_visible_to(user, StatDay).where(
        StatDay.unit_id.in_(unit_ids), StatDay.metric.not_in(stats.DISTINCT_METRICS)
    )
    if whole:
        in_whole = months.where(StatMonth.month.in_(whole))
        for u, metric, key, n in db.session.execute(
            in_whole.with_only_columns(
                StatMonth.unit_id, StatMonth.metric, StatMonth.key, func.sum(StatMonth.n)
            ).group_by(StatMonth.unit_id, StatMonth.metric, StatMonth.key)
        ):
            totals[(u, metric, key)] += n
        for u, month, metric, n in db.session.execute(
            in_whole.with_only_columns(
                StatMonth.unit_id, StatMonth.month, StatMonth.metric, func.sum(StatMonth.n)
            )
            .where(StatMonth.metric.in_((stats.IN, stats.CLOSED)))
            .group_by(StatMonth.unit_id, StatMonth.month, StatMonth.metric)
        ):
            series[(u, month.strftime("%Y-%m"), metric)] += n
    for lo, hi in partial:
        for u, metric, key, n in db.session.execute(
            days.where(StatDay.day.between(lo, hi))
            .with_only_columns(StatDay.unit_id, StatDay.metric, StatDay.key, func.sum(StatDay.n))
            .group_by(StatDay.unit_id, StatDay.metric, StatDay.key)
        ):
            totals[(u, metric, key)] += n
            if metric in (stats.IN, stats.CLOSED):
                series[(u, lo.strftime("%Y-%m"), metric)] += n
    for u, status, n in db.session.execute(
        months.where(StatMonth.month == stats.EPOCH, StatMonth.metric == stats.BACKLOG).with_only_columns(
            StatMonth.unit_id, StatMonth.key, StatMonth.n
        )
    ):
        backlog[(u, status)] += n
    return totals, series, backlog


# the maintained metrics that are plain sums of a Figures field, and those counted per key
SUMMED = {
    stats.IN: "cases_in",
    stats.RESPONDED: "responded",
    stats.RESPONDED_ON_TIME: "responded_on_time",
    stats.CLOSED: "cases_closed",
    stats.CLOSED_ON_TIME: "closed_on_time",
    stats.FOLLOW_UP: "follow_ups",
    stats.FOLLOW_UP_IN_DAY: "entered_within_day",
    stats.FIELD_VISIT: "field_visits",
}
BY_KEY = {stats.CHANNEL: "by_channel", stats.SERVICE: "by_service", stats.OUTCOME: "outcomes"}


def report(user: User, units: list[Unit], period: Period) -> Report:
    """All figures for the units (already narrowed by access.report_units_chosen) and period, from
    the maintained totals of krs.reports.stats: a handful of queries over at most a few thousand
    rows, whatever the number of cases. Equal to `fresh_report` (tests check it)."""
    unit_ids = [u.id for u in units]
    total, by_unit = _new_figures(units, period)
    if not unit_ids:
        return Report(period, units, total, by_unit)
    totals, series, backlog = _stat_sums(user, unit_ids, period)
    first_days, closure_days, delays = defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
    recorded, staff_follow_ups, staff_in_day = Counter(), Counter(), Counter()
    surveys = defaultdict(lambda: [0, {}])

    def person(key: str):
        return int(key) if key.isdigit() else None

    for (uid, metric, key), n in totals.items():
        if not n:
            continue
        if metric == stats.RECORDED:
            recorded[person(key)] += n
        elif metric == stats.FOLLOW_UP:
            staff_follow_ups[person(key)] += n
        elif metric == stats.FOLLOW_UP_IN_DAY:
            staff_in_day[person(key)] += n
        elif metric == stats.RESPONDED:
            first_days[uid][int(key)] += n
        elif metric == stats.CLOSED:
            closure_days[uid][int(key)] += n
        elif metric == stats.DELAY:
            delays[uid][int(key)] += n
        elif metric == stats.SURVEYS:
            surveys[uid][0] += n
        elif metric == stats.ANSWERS:
            surveys[uid][1][key] = surveys[uid][1].get(key, 0) + n
        for f in (total, by_unit[uid]):
            if metric in SUMMED:
                setattr(f, SUMMED[metric], getattr(f, SUMMED[metric]) + n)
            elif metric in BY_KEY:
                counts = getattr(f, BY_KEY[metric])
                counts[key] = counts.get(key, 0) + n
                if metric == stats.OUTCOME and key in REFERRAL_OUTCOMES:
                    f.referrals += n
    for (uid, month, metric), n in series.items():
        for f in (total, by_unit[uid]):
            target = f.in_per_month if metric == stats.IN else f.closed_per_month
            target[month] = target.get(month, 0) + n
    for (uid, status), n in backlog.items():
        if n:
            for f in (total, by_unit[uid]):
                f.backlog[status] = f.backlog.get(status, 0) + n

    def merged(histograms: dict) -> Counter:
        out = Counter()
        for h in histograms.values():
            out.update(h)
        return out

    for uid, f in by_unit.items():
        f.median_first_response_days = median_of_counts(first_days[uid])
        f.median_closure_days = median_of_counts(closure_days[uid])
        f.median_entry_delay_hours = _hours(median_of_counts(delays[uid]))
    total.median_first_response_days = median_of_counts(merged(first_days))
    total.median_closure_days = median_of_counts(merged(closure_days))
    total.median_entry_delay_hours = _hours(median_of_counts(merged(delays)))
    _staff_usage(user, unit_ids, recorded, staff_follow_ups, staff_in_day, total, by_unit)
    _ikm({uid: (n, sums) for uid, (n, sums) in surveys.items() if n}, total, by_unit)
    return Report(period, units, total, by_unit)


# ---------------------------------------------------------------- targets


@dataclass
class Achievement:
    """One target against the year so far: to date (of the full-year target) and pro-rated.

    `actual` is the figure as shown; `exact` (when given) the unrounded one the percentages are
    computed from, so they are rounded once, for display (issue 13: 106.0 % from rounded inputs
    where 106.1 % is right). `digits`: decimals of target and actual on screen (IKM: 2)."""

    label: str
    target: float | None
    actual: float | None
    kind: str  # count (grows through the year) | level (a share or an index: compared as is)
    elapsed: float  # share of the year gone by, 0..1
    exact: float | None = None
    digits: int = 1

    def _actual(self) -> float | None:
        return self.exact if self.exact is not None else self.actual

    @property
    def to_date_pct(self) -> float | None:
        actual = self._actual()
        if not self.target or actual is None:
            return None
        return round(100.0 * float(actual) / float(self.target), 1)

    def _expected(self) -> float | None:
        if self.target is None:
            return None
        return float(self.target) * self.elapsed if self.kind == "count" else float(self.target)

    @property
    def expected_by_now(self) -> float | None:
        expected = self._expected()
        return None if expected is None else round(expected, 1)

    def _pro_rated(self) -> float | None:
        expected, actual = self._expected(), self._actual()
        if not expected or actual is None:
            return None
        return 100.0 * float(actual) / expected

    @property
    def pro_rated_pct(self) -> float | None:
        pct = self._pro_rated()
        return None if pct is None else round(pct, 1)

    @property
    def on_track(self) -> bool | None:
        pct = self._pro_rated()
        return None if pct is None else pct >= 100


@dataclass
class TargetView:
    year: int
    elapsed: float
    achievements: list  # of the total
    by_unit: dict  # unit id -> list[Achievement]
    has_targets: bool


def year_elapsed(year: int, today: date) -> tuple[Period, float]:
    """The part of the year counted so far and its share of the year (whole past years: 1)."""
    full = year_period(year)
    end = min(full.end, today)
    if end < full.start:
        return Period(full.start, full.start), 0.0
    days_in_year = (full.end - full.start).days + 1
    return Period(full.start, end), ((end - full.start).days + 1) / days_in_year


def _targets_of(user: User, unit_ids: list[int], year: int) -> dict:
    stmt = access.targets_visible_to(user).where(UnitTarget.unit_id.in_(unit_ids), UnitTarget.year == year)
    return {t.unit_id: t for t in db.session.scalars(stmt)}


def _achievements(target: dict | None, f: Figures, elapsed: float) -> list[Achievement]:
    t = target or {}
    ikm = f.ikm.ikm_display
    sla_exact = 100.0 * f.closed_on_time / f.cases_closed if f.cases_closed else None
    return [
        Achievement(_("Kasus dilayani"), t.get("cases_served"), f.cases_in, "count", elapsed),
        Achievement(
            _("Ditutup dalam batas waktu (%)"),
            t.get("within_sla_pct"),
            f.within_sla_pct,
            "level",
            elapsed,
            exact=sla_exact,
        ),
        Achievement(
            _("IKM minimal"),
            t.get("min_ikm"),
            float(ikm) if ikm is not None else None,
            "level",
            elapsed,
            exact=float(f.ikm.ikm) if f.ikm.ikm is not None else None,
            digits=2,
        ),
        Achievement(_("Kunjungan lapangan"), t.get("field_visits"), f.field_visits, "count", elapsed),
    ]


def target_view(
    user: User, units: list[Unit], year: int, today: date, rep: Report | None = None
) -> TargetView:
    """`rep`: a report the caller already has (the dashboard's); used when it is of the same units
    and of this year to date (the dashboard's default period), else computed here."""
    period, elapsed = year_elapsed(year, today)
    if rep is None or rep.period != period or [u.id for u in rep.units] != [u.id for u in units]:
        rep = report(user, units, period)
    rows = _targets_of(user, [u.id for u in units], year)

    def as_dict(t: UnitTarget) -> dict:
        return {
            "cases_served": t.cases_served,
            "within_sla_pct": float(t.within_sla_pct),
            "min_ikm": float(t.min_ikm),
            "field_visits": t.field_visits,
        }

    by_unit = {
        u.id: _achievements(as_dict(rows[u.id]) if u.id in rows else None, rep.by_unit[u.id], elapsed)
        for u in units
    }
    total_target = None
    if rows:
        # counts add up over units; shares and the IKM are the mean of the units' targets
        vals = [as_dict(t) for t in rows.values()]
        total_target = {
            "cases_served": sum(v["cases_served"] for v in vals),
            "field_visits": sum(v["field_visits"] for v in vals),
            "within_sla_pct": round(sum(v["within_sla_pct"] for v in vals) / len(vals), 2),
            "min_ikm": round(sum(v["min_ikm"] for v in vals) / len(vals), 2),
        }
    return TargetView(year, elapsed, _achievements(total_target, rep.total, elapsed), by_unit, bool(rows))


# ---------------------------------------------------------------- reference data (admin)


def target_rows(user: User, units: list[Unit], year: int) -> list[tuple[Unit, UnitTarget | None]]:
    rows = _targets_of(user, [u.id for u in units], year)
    return [(u, rows.get(u.id)) for u in units]


def set_target(actor: User, unit: Unit, year: int, values: dict) -> UnitTarget:
    row = db.session.scalar(select(UnitTarget).where(UnitTarget.unit_id == unit.id, UnitTarget.year == year))
    before = None
    if row is None:
        row = UnitTarget(unit_id=unit.id, year=year)
        db.session.add(row)
    else:
        before = audit.snapshot(row, list(values))
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    audit.record(
        actor, "target.set", "unit_target", row.id, before, {"unit": unit.code, "year": year, **values}
    )
    db.session.commit()
    return row


# The composite score of the national ranking (issue 14): timeliness alone ranked first a unit that
# closed few cases on time while most of its cases stayed open. Defined here once; the ranking page
# shows the same weights in words (templates/reports/ranking.html reads SCORE_WEIGHTS).
SCORE_WEIGHTS = {"on_time": 50, "cleared": 30, "ikm": 20}  # percent


def score_parts(f: Figures) -> dict:
    """The three parts of the score, each 0..1, None when the unit has no data for it:
    on_time = cases closed within the deadline / cases closed in the period;
    cleared = 1 - open backlog / (open backlog + cases closed in the period);
    ikm = IKM / 100."""
    handled = f.backlog_total + f.cases_closed
    return {
        "on_time": f.closed_on_time / f.cases_closed if f.cases_closed else None,
        "cleared": 1 - f.backlog_total / handled if handled else None,
        "ikm": float(f.ikm.ikm_display) / 100 if f.ikm.ikm_display is not None else None,
    }


def composite_score(f: Figures) -> float | None:
    """0..100: 50 % on-time closure + 30 % backlog cleared + 20 % IKM/100; a part without data is
    left out and the other weights count in proportion (no data at all: None)."""
    parts = score_parts(f)
    weights = {k: w for k, w in SCORE_WEIGHTS.items() if parts[k] is not None}
    if not weights:
        return None
    return round(100 * sum(parts[k] * w for k, w in weights.items()) / sum(weights.values()), 1)


def ranking(
    rep: Report, targets: TargetView | None, sort: str = "score", direction: str | None = None
) -> list[dict]:
    """The national table: one row per unit, ranked by the column asked for (the composite score
    by default); `direction` "asc"/"desc" (default: the better end first). Units without a figure
    for that column come last either way."""
    rows = []
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        ach = targets.by_unit.get(unit.id) if targets else None
        parts = score_parts(f)
        rows.append(
            {
                "unit": unit,
                "score": composite_score(f),
                "cases_in": f.cases_in,
                "cases_closed": f.cases_closed,
                "backlog": f.backlog_total,
                "open_share": round(100 * (1 - parts["cleared"]), 1)
                if parts["cleared"] is not None
                else None,
                "within_sla": f.within_sla_pct,
                "median_closure": f.median_closure_days,
                "referrals": f.referrals,
                "field_visits": f.field_visits,
                "ikm": f.ikm.ikm_display,
                "grade": f.ikm.grade,
                "respondents": f.ikm.respondents,
                "active_users": f.active_users,
                "target_cases_pct": ach[0].to_date_pct if ach else None,
            }
        )
    key = sort if sort in RANK_KEYS else "score"
    direction = direction if direction in ("asc", "desc") else default_direction(key)
    present = [r for r in rows if r[key] is not None]
    present.sort(key=lambda r: float(r[key]), reverse=direction == "desc")
    rows = present + [r for r in rows if r[key] is None]
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return rows


RANK_KEYS = (
    "score",
    "within_sla",
    "open_share",
    "backlog",
    "ikm",
    "cases_in",
    "cases_closed",
    "median_closure",
    "target_cases_pct",
    "field_visits",
    "respondents",
)
LOWER_IS_BETTER = {"median_closure", "backlog", "open_share"}


def default_direction(key: str) -> str:
    return "asc" if key in LOWER_IS_BETTER else "desc"


def check_totals(years: list[int]) -> list[str]:
    """Compare the maintained totals with a fresh count for every unit, each whole year given: the
    differences (`flask krs stats-check`)."""
    reader = User(role=Role.ADMIN, full_name="stats check")  # national scope, never stored
    units = list(db.session.scalars(select(Unit).where(Unit.kind != "direktorat").order_by(Unit.id)))
    problems = []
    for year in years:
        period = year_period(year)
        found = differences(report(reader, units, period), fresh_report(reader, units, period))
        problems += [f"{year} {line}" for line in found]
    return problems


def record_full_nik_export(user: User, fmt: str, query: str) -> None:
    """A case-list export with full NIKs is a reveal of every NIK in it: one audit row, committed
    before the first byte is sent."""
    audit.record(user, "export.reveal_nik", "case_export", None, None, {"format": fmt, "query": query[:500]})
    db.session.commit()
