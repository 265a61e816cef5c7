"""What the other features' signals (krs.signals) mean for the intern logbook: a follow-up or an
outreach session becomes logbook entries, so nobody types it twice.

Connected when the package is imported (krs/worklog/__init__.py). Each receiver runs in the
sender's transaction: it adds rows to `db.session` (flushing for their ids) and never commits.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from krs import audit, signals
from krs.extensions import db
from krs.models import Event, EventKind, Role, ServiceType, User, WorkCategory, WorkLogEntry
from krs.workdays import local_date
from krs.worklog.service import _entry_snapshot, week_is_locked, week_start_of

FOLLOW_UP_CATEGORY = {
    EventKind.FIELD_VISIT: WorkCategory.FIELD_VISIT,
    EventKind.NOTE: WorkCategory.DESK_SERVICE,
    EventKind.CALL: WorkCategory.DESK_SERVICE,
    EventKind.CONSULTATION: WorkCategory.DESK_SERVICE,
    EventKind.REFERRAL: WorkCategory.DESK_SERVICE,
}


def category_for_event(event: Event) -> str:
    if event.kind == EventKind.DELIVERABLE:
        services = set(event.case.service_types)
        if ServiceType.COST_ESTIMATE in services:
            return WorkCategory.COST_ESTIMATE
        if ServiceType.HOUSE_DESIGN in services:
            return WorkCategory.DESIGN_DRAWING
        return WorkCategory.DESK_SERVICE
    return FOLLOW_UP_CATEGORY.get(event.kind, WorkCategory.OTHER)


@signals.follow_up_recorded.connect
def entry_from_follow_up(actor: User, event: Event) -> WorkLogEntry | None:
    """Sent by krs.cases.service.add_follow_up: a follow-up an intern logs on a case becomes a
    logbook entry (duration, case link) in the same transaction, so nobody types it twice.

    The entry is dated on the follow-up's day in the case's office zone. A follow-up dated in a
    week that is already submitted or approved does not change that locked week: no entry is made
    and the skip is audited (the follow-up itself stays on the case's timeline).
    """
    if actor.role != Role.INTERN or event.kind not in EventKind.follow_up_kinds():
        return None
    day = local_date(event.occurred_at, event.case.unit.timezone)
    if week_is_locked(actor, day):
        audit.record(
            actor,
            "worklog.follow_up_not_logged",
            "case_event",
            event.id,
            None,
            {"reason": "week_locked", "work_date": day},
        )
        return None
    label = EventKind(event.kind).label
    entry = WorkLogEntry(
        user_id=actor.id,
        work_date=day,
        week_start=week_start_of(day),
        minutes=event.duration_minutes or 0,
        category=category_for_event(event),
        description=f"{label}: {event.body or ''}".strip(),
        source_event_id=event.id,
        cases=[event.case],
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        actor,
        "worklog.entry_from_follow_up",
        "worklog_entry",
        entry.id,
        None,
        {**_entry_snapshot(entry), "event_id": event.id},
    )
    return entry


@signals.outreach_session_saved.connect
def entries_from_outreach_session(actor: User, session) -> list[WorkLogEntry]:
    """Sent by krs.outreach.service: every intern recorded as present at an outreach session gets
    the session in their logbook (one entry per intern and session, in the caller's transaction).

    An intern added later gets their entry when the session is saved again; a week already
    submitted or approved is not changed (the skip is audited), as for follow-ups.
    """
    interns = [u for u in session.staff if u.role == Role.INTERN]
    if not interns:
        return []
    have = set(
        db.session.scalars(
            select(WorkLogEntry.user_id).where(
                WorkLogEntry.source_session_id == session.id,
                WorkLogEntry.user_id.in_([u.id for u in interns]),
            )
        )
    )
    made = []
    for intern in interns:
        if intern.id in have:
            continue
        if week_is_locked(intern, session.held_on):
            audit.record(
                actor,
                "worklog.session_not_logged",
                "outreach_session",
                session.id,
                None,
                {"intern_id": intern.id, "reason": "week_locked", "work_date": session.held_on},
            )
            continue
        entry = WorkLogEntry(
            user_id=intern.id,
            work_date=session.held_on,
            week_start=week_start_of(session.held_on),
            minutes=session.duration_minutes or 0,
            category=WorkCategory.FIELD_VISIT,
            description=_("Sosialisasi: %(topic)s — %(place)s", topic=session.topic, place=session.place),
            source_session_id=session.id,
        )
        db.session.add(entry)
        db.session.flush()
        audit.record(
            actor,
            "worklog.entry_from_session",
            "worklog_entry",
            entry.id,
            None,
            {**_entry_snapshot(entry), "session_id": session.id},
        )
        made.append(entry)
    return made
