"""Notifications: written by the receivers in krs.notifications.receivers inside the sender's
transaction (never commit there), plus next-action reminders generated when the user's counter
is read."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import String, bindparam, cast, func, literal, select, update
from sqlalchemy.orm import joinedload, noload

from krs import access
from krs.extensions import db
from krs.models import (
    OPEN_STATUSES,
    Case,
    Notification,
    NotificationKind,
    Role,
    User,
    utcnow,
)
from krs.pagination import Page
from krs.prepared import prepared
from krs.workdays import today_in

REMINDER_WINDOW_DAYS = 30


def notify(
    user_id: int | None, kind: str, case: Case | None = None, message: str = "", key: str | None = None
):
    """Queue a notification for one person (skipped when the same key was already sent to them)."""
    if user_id is None:
        return None
    if key is not None:
        pending = [
            n
            for n in db.session.new
            if isinstance(n, Notification) and n.user_id == user_id and n.dedupe_key == key
        ]
        if pending or db.session.scalar(
            select(Notification.id).where(Notification.user_id == user_id, Notification.dedupe_key == key)
        ):
            return None
    row = Notification(
        user_id=user_id,
        kind=kind,
        case_id=case.id if case is not None else None,
        message=(message or "")[:300],
        dedupe_key=key,
        created_at=utcnow(),
    )
    db.session.add(row)
    return row


def supervisors_of(unit_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id).where(
                User.unit_id == unit_id, User.role == Role.SUPERVISOR, User.active.is_(True)
            )
        )
    )


# ---------------------------------------------------------------- next-action reminders


def sync_due_reminders(user: User) -> int:
    """Create a reminder for each of the user's open cases whose latest next-action date has come."""
    if not access.works_unit_desk(user):
        return 0
    today = today_in(user.unit.timezone)
    # the case keeps its latest follow-up's next action (krs.case_lists): an index range of the
    # user's open cases (assignee, status, date), whatever the length of their histories
    already = (
        select(Notification.id)
        .where(
            Notification.user_id == user.id,
            Notification.dedupe_key == literal("next:").concat(cast(Case.next_action_event_id, String)),
        )
        .exists()
    )
    stmt = access.cases_visible_to(user).where(
        Case.assignee_id == user.id,
        Case.status.in_(OPEN_STATUSES),
        Case.next_action_due <= today,
        Case.next_action_due > today - timedelta(days=REMINDER_WINDOW_DAYS),
        ~already,
    )
    created = 0
    for case in db.session.scalars(stmt.options(noload(Case.services))):
        if notify(
            user.id,
            NotificationKind.NEXT_ACTION_DUE,
            case,
            case.next_action_due.isoformat(),
            f"next:{case.next_action_event_id}",
        ):
            created += 1
    if created:
        db.session.commit()
    return created


# ---------------------------------------------------------------- reading


def unread_count(user: User) -> int:
    sync_due_reminders(user)
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def notifications_for(user: User, unread_only: bool = False, page: int = 1, per_page: int = 25):
    sync_due_reminders(user)
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.options(joinedload(Notification.case))
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((max(1, page) - 1) * per_page)
    ).unique()
    return Page(list(rows), total or 0, max(1, page), per_page)


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; another user's id changes nothing."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


@prepared
def _mark_case_read():
    """Run on every case page (krs.prepared: built once, the values bound)."""
    return (
        update(Notification)
        .where(
            Notification.user_id == bindparam("uid"),
            Notification.case_id == bindparam("cid"),
            Notification.read_at.is_(None),
        )
        .values(read_at=bindparam("now"))
        .execution_options(synchronize_session=False)
    )


def mark_case_read(user: User, case_id: int) -> None:
    """Opening a case page settles what waited there for the user (the caller commits)."""
    db.session.execute(_mark_case_read(), {"uid": user.id, "cid": case_id, "now": utcnow()})
