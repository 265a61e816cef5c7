"""The case's maintained next action (issue 17) must equal a fresh computation from the follow-ups.

Every desk operation that touches follow-ups is replayed through the real services (follow-ups with
and without a next action, entered late, at the same moment, closure and reopening, a transfer),
plus ORM edits and deletions, the bulk UPDATE/DELETE statements the demo data and tests use, and a
synthetic load; after each step `next_action_differences` is empty and the home page and the
reminders list exactly what the former query over the follow-up history listed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from krs import access, case_lists
from krs.case_lists import is_latest_follow_up, next_action_differences
from krs.cases import service as desk
from krs.cases import transfer as transfers
from krs.extensions import db
from krs.main.service import home_for
from krs.models import OPEN_STATUSES, Case, CaseStatus, Event, Role
from krs.notifications import service as notifications
from krs.workdays import today_in


def former_next_actions(user) -> list[int]:
    """The home page's query before issue 17: each open case's latest follow-up, walked per event."""
    today = today_in(user.unit.timezone)
    stmt = (
        select(Event)
        .join(Event.case)
        .where(Event.next_action_date.is_not(None), Event.next_action_date <= today)
        .where(is_latest_follow_up())
        .where(Case.status.in_(OPEN_STATUSES))
        .options(joinedload(Event.case))
    )
    if (scope := access.case_scope_filter(user)) is not None:
        stmt = stmt.where(scope)
    if user.role in ("staff", "intern"):
        stmt = stmt.where(Case.assignee_id == user.id)
    events = sorted(db.session.scalars(stmt).unique(), key=lambda e: (e.next_action_date, e.case_id))
    return [e.case_id for e in events][:10]


def assert_fresh(*readers):
    db.session.expire_all()
    assert next_action_differences(db.session.connection()) == []
    for user in readers:
        assert [c.id for c in home_for(user).next_actions] == former_next_actions(user), user.role


@pytest.fixture
def world(units, make_user):
    a, b = units["jawa2"], units["jawa3"]
    return {
        "a": a,
        "b": b,
        "admin": make_user(Role.ADMIN),
        "spv_a": make_user(Role.SUPERVISOR, a),
        "staff_a": make_user(Role.STAFF, a),
        "spv_b": make_user(Role.SUPERVISOR, b),
        "staff_b": make_user(Role.STAFF, b),
    }


def _follow(user, case_id, hours_ago, next_in_days=None, kind="call"):
    today = date.today()
    return desk.add_follow_up(
        user,
        db.session.get(Case, case_id),
        desk.FollowUp(
            kind=kind,
            body="Tindak lanjut.",
            occurred_at=datetime.now(UTC) - timedelta(hours=hours_ago),
            next_action_date=None if next_in_days is None else today + timedelta(days=next_in_days),
        ),
    )


def test_every_desk_operation_keeps_the_next_action_equal_to_a_fresh_computation(world, make_case):
    readers = [world["admin"], world["spv_a"], world["staff_a"], world["spv_b"]]
    staff = world["staff_a"]
    c1 = make_case(unit=world["a"], status=CaseStatus.ASSIGNED, assignee=staff).id
    c2 = make_case(unit=world["a"], status=CaseStatus.ASSIGNED, assignee=staff).id
    c3 = make_case(unit=world["b"], status=CaseStatus.ASSIGNED, assignee=world["staff_b"]).id
    assert_fresh(*readers)

    # a follow-up naming a next action that is due, one that is not yet due
    e1 = _follow(staff, c1, 5, next_in_days=-1).id
    _follow(staff, c2, 5, next_in_days=3)
    _follow(world["staff_b"], c3, 5, next_in_days=-2)
    assert_fresh(*readers)
    assert db.session.get(Case, c1).next_action_event_id == e1
    assert [c.id for c in home_for(world["spv_a"]).next_actions] == [c1]

    # entered late: an older follow-up does not replace the latest one's next action
    _follow(staff, c1, 50, next_in_days=-5)
    assert_fresh(*readers)
    assert db.session.get(Case, c1).next_action_due == date.today() - timedelta(days=1)

    # a later follow-up without a next action clears it; one at the same moment: the higher id wins
    _follow(staff, c2, 1)
    assert_fresh(*readers)
    assert db.session.get(Case, c2).next_action_due is None
    tie = _follow(staff, c2, 1, next_in_days=-3)
    db.session.execute(
        update(Event)
        .where(Event.case_id == c2, Event.kind == "call")
        .values(occurred_at=datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    )
    db.session.commit()
    assert_fresh(*readers)
    assert db.session.get(Case, c2).next_action_event_id == tie.id

    # an ORM edit of a follow-up's date, its kind, and a follow-up removed
    event = db.session.get(Event, tie.id)
    event.next_action_date = date.today() - timedelta(days=7)
    db.session.commit()
    assert_fresh(*readers)
    event = db.session.get(Event, tie.id)
    event.kind = "note"
    db.session.commit()
    assert_fresh(*readers)
    event = db.session.get(Event, tie.id)
    # no longer a follow-up (only follow-ups carry a next action): the one before it is the latest
    event.kind, event.next_action_date = "status_changed", None
    db.session.commit()
    assert_fresh(*readers)
    db.session.delete(db.session.get(Event, tie.id))
    db.session.commit()
    assert_fresh(*readers)

    # bulk statements: backdating the latest, moving a follow-up to another case, deleting
    db.session.execute(
        update(Event).where(Event.id == e1).values(occurred_at=datetime.now(UTC) - timedelta(days=30))
    )
    db.session.commit()
    assert_fresh(*readers)
    db.session.execute(update(Event).where(Event.id == e1).values(case_id=c2))
    db.session.commit()
    assert_fresh(*readers)
    db.session.execute(delete(Event).where(Event.case_id == c2, Event.kind == "call"))
    db.session.commit()
    assert_fresh(*readers)

    # closure and reopening keep the date (the home page shows open cases only)
    _follow(staff, c1, 0.5, next_in_days=-1)
    desk.request_closure(staff, db.session.get(Case, c1), "resolved", "Selesai.")
    desk.approve_closure(world["spv_a"], db.session.get(Case, c1))
    assert_fresh(*readers)
    assert c1 not in [c.id for c in home_for(world["spv_a"]).next_actions]
    desk.reopen_case(world["spv_a"], db.session.get(Case, c1), "Pemohon kembali.")
    assert_fresh(*readers)
    assert c1 in [c.id for c in home_for(world["spv_a"]).next_actions]

    # a transfer: the case and its next action move to the other office
    t = transfers.request_transfer(world["spv_b"], db.session.get(Case, c3), world["a"], "Pindah.")
    transfers.accept_transfer(world["spv_a"], t)
    assert_fresh(*readers)
    assert c3 in [c.id for c in home_for(world["spv_a"]).next_actions]

    # and the maintained values are what a rebuild from scratch gives
    kept = db.session.execute(select(Case.id, Case.next_action_due, Case.next_action_event_id)).all()
    case_lists.rebuild_next_actions(db.session.connection())
    db.session.commit()
    assert db.session.execute(select(Case.id, Case.next_action_due, Case.next_action_event_id)).all() == kept


def test_the_next_action_is_written_in_the_transaction_of_the_follow_up(world, make_case):
    case_id = make_case(unit=world["a"], status=CaseStatus.IN_PROGRESS).id
    case = db.session.get(Case, case_id)
    db.session.add(
        Event(
            case=case,
            kind="call",
            author_id=world["staff_a"].id,
            occurred_at=datetime.now(UTC),
            next_action_date=date.today(),
        )
    )
    db.session.flush()
    assert case.next_action_due == date.today()  # also on the loaded object
    db.session.rollback()
    assert db.session.get(Case, case_id).next_action_due is None


def test_reminders_and_a_synthetic_load(world, make_case):
    from krs.demo.synthetic import seed_synthetic

    staff = world["staff_a"]
    case_id = make_case(unit=world["a"], status=CaseStatus.ASSIGNED, assignee=staff).id
    _follow(staff, case_id, 3, next_in_days=-1)
    assert notifications.sync_due_reminders(staff) == 1
    assert notifications.sync_due_reminders(staff) == 0  # never twice for the same follow-up
    _follow(staff, case_id, 1, next_in_days=-1)  # a new follow-up, a new reminder
    assert notifications.sync_due_reminders(staff) == 1
    seed_synthetic(300, seed=5)
    assert next_action_differences(db.session.connection()) == []
    assert db.session.scalar(select(Case.id).where(Case.next_action_due.is_not(None)).limit(1))


def test_the_check_command_sees_a_wrong_next_action(app, world, make_case):
    case_id = make_case(unit=world["a"], status=CaseStatus.IN_PROGRESS).id
    runner = app.test_cli_runner()
    assert runner.invoke(args=["krs", "stats-check"]).exit_code == 0
    db.session.execute(
        Case.__table__.update().where(Case.__table__.c.id == case_id).values(next_action_due=date.today())
    )
    db.session.commit()
    result = runner.invoke(args=["krs", "stats-check"])
    assert result.exit_code == 1 and "next action" in result.output
    assert runner.invoke(args=["krs", "stats-rebuild"]).exit_code == 0
    assert runner.invoke(args=["krs", "stats-check"]).exit_code == 0
