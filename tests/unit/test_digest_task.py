"""The daily digest as a periodic task of the queue (issue 16, part 6): registered by the
notifications feature on the shared huey, every hour; each office gets its digests from 06:00 in
its own zone, once per person and day (mail caught by a local aiosmtpd server)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from krs import jobs
from krs.extensions import db
from krs.jobs import huey
from krs.models import DigestSent
from krs.notifications import digest, tasks
from tests.unit.test_digest import desk, inbox  # noqa: F401  (fixtures: the desk and the SMTP catcher)


def _at(day, hour: int, tz="Asia/Jakarta") -> datetime:
    return datetime.combine(day, time(hour, 0), ZoneInfo(tz)).astimezone(UTC)


def test_the_task_is_on_the_shared_queue_every_hour():
    assert "krs.notifications.tasks.daily_digest" in huey._registry._registry
    task = tasks.daily_digest.task_class  # the periodic task's class: its schedule
    assert task().validate_datetime(datetime(2026, 11, 29, 23, 0))  # 06:00 WIB
    assert task().validate_datetime(datetime(2026, 11, 29, 22, 0))  # 06:00 WITA
    assert not task().validate_datetime(datetime(2026, 11, 29, 23, 30))


def test_offices_get_their_digests_at_their_own_six_oclock(units, make_unit):
    bali = make_unit("BALI", tz="Asia/Makassar", provinces="51")
    papua = make_unit("PAPUA", tz="Asia/Jayapura", provinces="94")
    moment = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)  # 05:00 WIB, 06:00 WITA, 07:00 WIT
    due = set(digest.units_due_for_digest(moment))
    assert bali.id in due and papua.id in due
    assert units["jawa2"].id not in due and units["jawa3"].id not in due
    assert units["jawa2"].id in digest.units_due_for_digest(moment + timedelta(hours=1))


def test_the_periodic_run_sends_once_per_person_and_day(app, inbox, desk, monkeypatch):  # noqa: F811
    people, _cases, today = desk
    # the periodic task runs in the worker's app (krs.jobs._state); a test that built an app of
    # its own may have left that one there: this test's app is the worker's here
    monkeypatch.setitem(jobs._state, "app", app)
    early = digest.send_due_digests(_at(today, 5))
    assert early.sent == [] and inbox.messages == []  # before 06:00 in Jakarta: nothing yet

    first = digest.send_due_digests(_at(today, 6))
    assert len(first.sent) == 4 and len(inbox.messages) == 4
    again = digest.send_due_digests(_at(today, 7))  # the next hourly run of the same day
    assert again.sent == [] and again.already_sent == 4 and len(inbox.messages) == 4

    # the task itself, as the worker runs it (in the app's context), on the same day: nothing new
    monkeypatch.setattr(digest, "utcnow", lambda: _at(today, 9))
    tasks.daily_digest.call_local()
    assert len(inbox.messages) == 4
    assert db.session.scalar(select(func.count(DigestSent.id))) == 4

    # the next morning: one digest each again
    monkeypatch.setattr(digest, "utcnow", lambda: _at(today + timedelta(days=1), 6))
    tasks.daily_digest.call_local()
    assert len(inbox.messages) == 8
    days = db.session.scalars(select(DigestSent.day).distinct()).all()
    assert sorted(days) == [today, today + timedelta(days=1)]
