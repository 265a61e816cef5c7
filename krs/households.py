"""People served (issue 8 §3): cases, households and participants of the units, counted apart.

The units are chosen by the caller, who has already authorised them (`access.units_visible_to`):
this module counts, it does not decide who may see what. The outreach page and the reports
dashboard both show these figures.

`people_served(unit, start, end)`:
- **cases**: cases of the unit opened in the period (every channel, individuals and groups);
  `cases_at_sessions` says how many of them were opened at an outreach session.
- **participants**: the sum of the head counts recorded on the unit's sessions in the period.
  People, not households; never added to the other figures.
- **households**: a household is identified by the NIK of the person who came. The identified
  households are the distinct NIKs among (a) the attendees registered on the unit's sessions in
  the period — every case opened at a session registers its applicant as an attendee — and (b) the
  individual applicants of the unit's cases opened in the period. A household that came to a
  session and later opened a case (at the session or at the desk) is one NIK, so it is counted
  once; so is a household that came to two sessions. On top come the anonymous households of
  each session: its recorded household count minus its identified attendees (never below 0);
  they cannot be told apart, so they are counted as recorded.
- **groups** and **group member households** are labelled separately: the distinct group
  applicants of the unit's cases in the period, and the sum of their declared member households.
  They are not added to the households figure, because a group's members may also have come
  on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func, or_, select, union_all

from krs.extensions import db
from krs.models import (
    Applicant,
    ApplicantKind,
    Case,
    OutreachAttendee,
    OutreachSession,
    OutreachSessionCase,
    StatDay,
    Unit,
)
from krs.prepared import prepared

# the `stat_day` metrics read here (krs/reports/stats.py keeps them up to date, under these names)
IN = "in"  # cases opened
HOUSEHOLD = "hh"  # [NIK] of the individual applicant of a case opened that day
GROUP = "grp"  # [applicant id] of the group applicant of a case opened that day


@dataclass
class ServedCounts:
    cases: int = 0
    cases_at_sessions: int = 0
    sessions: int = 0
    participants: int = 0
    households: int = 0
    identified_households: int = 0
    anonymous_households: int = 0
    groups: int = 0
    group_member_households: int = 0


def _utc_bounds(unit: Unit, start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(unit.timezone)
    lo = datetime.combine(start, time.min, zone).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, zone).astimezone(UTC)
    return lo, hi


def people_served(unit: Unit, start: date, end: date) -> ServedCounts:
    """Cases, households and participants of one unit, start..end inclusive (the unit's dates).
    The rules are in this module's docstring; a fixed number of queries whatever the volume."""
    lo, hi = _utc_bounds(unit, start, end)
    in_period = (Case.unit_id == unit.id, Case.created_at >= lo, Case.created_at < hi)
    counts = ServedCounts()
    counts.cases = db.session.scalar(select(func.count(Case.id)).where(*in_period)) or 0
    counts.cases_at_sessions = (
        db.session.scalar(
            select(func.count(Case.id))
            .join(OutreachSessionCase, OutreachSessionCase.case_id == Case.id)
            .where(*in_period)
        )
        or 0
    )
    sessions_in_period = (
        OutreachSession.unit_id == unit.id,
        OutreachSession.held_on >= start,
        OutreachSession.held_on <= end,
    )
    row = db.session.execute(
        select(
            func.count(OutreachSession.id),
            func.coalesce(func.sum(OutreachSession.participants_count), 0),
        ).where(*sessions_in_period)
    ).one()
    counts.sessions, counts.participants = int(row[0]), int(row[1])

    # households identified by NIK: attendees of the sessions ∪ individual applicants with a case
    attendee_niks = (
        select(OutreachAttendee.nik)
        .join(OutreachSession, OutreachSession.id == OutreachAttendee.session_id)
        .where(*sessions_in_period)
    )
    applicant_niks = (
        select(Applicant.nik)
        .join(Case, Case.applicant_id == Applicant.id)
        .where(*in_period, Applicant.kind == ApplicantKind.INDIVIDUAL, Applicant.nik.is_not(None))
    )
    union = attendee_niks.union(applicant_niks).subquery()
    counts.identified_households = db.session.scalar(select(func.count()).select_from(union)) or 0

    # each session's households beyond its identified attendees cannot be told apart
    per_session = (
        select(
            OutreachSession.households_count.label("recorded"),
            func.count(OutreachAttendee.id).label("identified"),
        )
        .outerjoin(OutreachAttendee, OutreachAttendee.session_id == OutreachSession.id)
        .where(*sessions_in_period)
        .group_by(OutreachSession.id, OutreachSession.households_count)
        .subquery()
    )
    extra = case(
        (
            per_session.c.recorded > per_session.c.identified,
            per_session.c.recorded - per_session.c.identified,
        ),
        else_=0,
    )
    counts.anonymous_households = int(db.session.scalar(select(func.coalesce(func.sum(extra), 0))) or 0)
    counts.households = counts.identified_households + counts.anonymous_households

    groups = (
        select(Applicant.id.label("id"), Applicant.member_households.label("members"))
        .join(Case, Case.applicant_id == Applicant.id)
        .where(*in_period, Applicant.kind == ApplicantKind.GROUP)
        .distinct()
        .subquery()
    )
    row = db.session.execute(
        select(func.count(groups.c.id), func.coalesce(func.sum(groups.c.members), 0))
    ).one()
    counts.groups, counts.group_member_households = int(row[0]), int(row[1])
    return counts


def _in_days():
    ids, start, end = bindparam("ids", expanding=True), bindparam("start"), bindparam("end")
    return (StatDay.unit_id.in_(ids), StatDay.day.between(start, end), StatDay.n > 0)


def _sessions_in():
    ids, start, end = bindparam("ids", expanding=True), bindparam("start"), bindparam("end")
    return (OutreachSession.unit_id.in_(ids), OutreachSession.held_on.between(start, end))


@prepared
def _cases_in_stmt():
    return (
        select(StatDay.unit_id, func.sum(StatDay.n))
        .where(StatDay.metric == IN, *_in_days())
        .group_by(StatDay.unit_id)
    )


def _cases_at_sessions(opened):
    """Cases opened at outreach sessions, per unit, among the cases `opened` selects."""
    return (
        select(Case.unit_id, func.count(Case.id))
        .select_from(OutreachSessionCase)
        .join(Case, Case.id == OutreachSessionCase.case_id)
        .where(opened)
        .group_by(Case.unit_id)
    )


@prepared
def _cases_at_sessions_of_one_unit():
    return _cases_at_sessions(
        (Case.unit_id == bindparam("uid"))
        & (Case.created_at >= bindparam("lo"))
        & (Case.created_at < bindparam("hi"))
    )


@prepared
def _sessions_stmt():
    return (
        select(
            OutreachSession.unit_id,
            func.count(OutreachSession.id),
            func.coalesce(func.sum(OutreachSession.participants_count), 0),
        )
        .where(*_sessions_in())
        .group_by(OutreachSession.unit_id)
    )


@prepared
def _identified_households_stmt():
    niks = union_all(
        select(StatDay.unit_id.label("unit_id"), StatDay.key.label("nik")).where(
            StatDay.metric == HOUSEHOLD, *_in_days()
        ),
        select(OutreachSession.unit_id, OutreachAttendee.nik)
        .join(OutreachSession, OutreachSession.id == OutreachAttendee.session_id)
        .where(*_sessions_in()),
    ).subquery()
    distinct = select(niks.c.unit_id, niks.c.nik).distinct().subquery()  # hashed, not sorted
    return select(distinct.c.unit_id, func.count()).group_by(distinct.c.unit_id)


@prepared
def _anonymous_households_stmt():
    per_session = (
        select(
            OutreachSession.unit_id.label("unit_id"),
            OutreachSession.households_count.label("recorded"),
            func.count(OutreachAttendee.id).label("identified"),
        )
        .outerjoin(OutreachAttendee, OutreachAttendee.session_id == OutreachSession.id)
        .where(*_sessions_in())
        .group_by(OutreachSession.id, OutreachSession.unit_id, OutreachSession.households_count)
        .subquery()
    )
    extra = case(
        (
            per_session.c.recorded > per_session.c.identified,
            per_session.c.recorded - per_session.c.identified,
        ),
        else_=0,
    )
    return select(per_session.c.unit_id, func.coalesce(func.sum(extra), 0)).group_by(per_session.c.unit_id)


@prepared
def _groups_stmt():
    return select(StatDay.unit_id, StatDay.key).where(StatDay.metric == GROUP, *_in_days()).distinct()


def people_served_many(units: list[Unit], start: date, end: date) -> list[tuple[Unit, ServedCounts]]:
    """`people_served` of several units at once. The case side (cases opened, households by NIK,
    groups) comes from the maintained per-day totals (`stat_day`, kept by krs.reports.stats)
    instead of every case of the period, the session side from the sessions themselves: seven
    queries for any number of units and cases. Equal to `people_served` unit by unit (tests check it).
    The statements are built once per process (krs.prepared; issue 17), the values bound."""
    if not units:
        return []
    ids = [u.id for u in units]
    counts = {u.id: ServedCounts() for u in units}
    values = {"ids": ids, "start": start, "end": end}
    for uid, n in db.session.execute(_cases_in_stmt(), values):
        counts[uid].cases = int(n)
    if len(units) == 1:
        lo, hi = _utc_bounds(units[0], start, end)
        at_sessions = db.session.execute(
            _cases_at_sessions_of_one_unit(), {"uid": units[0].id, "lo": lo, "hi": hi}
        )
    else:
        opened = or_(
            *[
                (Case.unit_id == u.id) & (Case.created_at >= lo) & (Case.created_at < hi)
                for u in units
                for lo, hi in [_utc_bounds(u, start, end)]
            ]
        )
        at_sessions = db.session.execute(_cases_at_sessions(opened))
    for uid, n in at_sessions:
        counts[uid].cases_at_sessions = n
    for uid, n, people in db.session.execute(_sessions_stmt(), values):
        counts[uid].sessions, counts[uid].participants = int(n), int(people)
    for uid, n in db.session.execute(_identified_households_stmt(), values):
        counts[uid].identified_households = int(n)
    for uid, n in db.session.execute(_anonymous_households_stmt(), values):
        counts[uid].anonymous_households = int(n or 0)
    groups: dict[int, set[int]] = {}
    for uid, key in db.session.execute(_groups_stmt(), values):
        groups.setdefault(uid, set()).add(int(key))
    members = {}
    everyone = sorted(set().union(*groups.values())) if groups else []
    if everyone:
        members = dict(
            db.session.execute(
                select(Applicant.id, Applicant.member_households).where(Applicant.id.in_(everyone))
            ).all()
        )
    for uid, found in groups.items():
        counts[uid].groups = len(found)
        counts[uid].group_member_households = sum(int(members.get(g) or 0) for g in found)
    for c in counts.values():
        c.households = c.identified_households + c.anonymous_households
    return [(u, counts[u.id]) for u in units]
