"""Notifications written by the case services, next-action reminders, read/unread."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from krs.cases import service, transfer
from krs.extensions import db
from krs.models import CaseStatus, Notification, NotificationKind, Role
from krs.notifications import service as notifications


def _kinds(user):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


def test_assignment_closure_and_return_notify_the_right_people(units, make_user, make_case):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=staff)
    assert NotificationKind.ASSIGNED in _kinds(staff)
    service.request_closure(staff, case, "resolved", "Selesai.")
    assert NotificationKind.CLOSURE_WAITING in _kinds(spv)
    service.return_closure(spv, case, "Lengkapi foto.")
    assert NotificationKind.RETURNED in _kinds(staff)
    assert notifications.unread_count(staff) == 2


def test_transfer_waiting_goes_to_the_receiving_supervisor(units, make_user, make_case):
    spv2 = make_user(Role.SUPERVISOR, units["jawa2"])
    spv3 = make_user(Role.SUPERVISOR, units["jawa3"])
    case = make_case(unit=units["jawa2"])
    item = transfer.request_transfer(spv2, case, units["jawa3"], "Pindah.")
    assert _kinds(spv3) == [NotificationKind.TRANSFER_WAITING]
    transfer.accept_transfer(spv3, item)
    assert NotificationKind.TRANSFER_DECIDED in _kinds(spv2)


def test_next_action_reminder_once_and_only_when_due(units, make_user, make_case):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=staff)
    service.add_follow_up(
        staff,
        case,
        service.FollowUp(
            kind="call",
            body="Telepon.",
            occurred_at=datetime.now(UTC) - timedelta(minutes=1),
            next_action_date=date.today() + timedelta(days=5),
        ),
    )
    assert notifications.sync_due_reminders(staff) == 0  # not yet
    service.add_follow_up(
        staff,
        case,
        service.FollowUp(
            kind="call",
            body="Telepon lagi.",
            occurred_at=datetime.now(UTC),
            next_action_date=date.today() - timedelta(days=1),
        ),
    )
    assert notifications.sync_due_reminders(staff) == 1
    assert notifications.sync_due_reminders(staff) == 0  # never twice
    assert NotificationKind.NEXT_ACTION_DUE in _kinds(staff)


def test_mark_read_touches_only_own_notifications(units, make_user, make_case):
    a = make_user(Role.STAFF, units["jawa2"])
    b = make_user(Role.STAFF, units["jawa2"])
    case = make_case(unit=units["jawa2"])
    na = notifications.notify(a.id, NotificationKind.ASSIGNED, case, "x")
    notifications.notify(b.id, NotificationKind.ASSIGNED, case, "y")
    db.session.commit()
    assert notifications.mark_read(b, na.id) == 0
    assert notifications.unread_count(a) == 1
    assert notifications.mark_read(a, na.id) == 1
    assert notifications.unread_count(a) == 0
    assert notifications.unread_count(b) == 1
    notifications.mark_read(b)
    assert notifications.unread_count(b) == 0
