"""The dashboards read maintained totals (krs.reports.stats); they must equal a fresh count.

Every operation of the desk is replayed through the real services (intake, assignment, follow-ups,
closure and its return, reopening, transfer to another unit, IKM surveys), plus the bulk UPDATE
statements the demo data and tests use, a change of an office's time zone and a synthetic load;
after each step `report()` (totals) must equal `fresh_report()` (the cases themselves) for several
periods — whole months, partial months, several years — nationally and for one unit.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from krs import households
from krs.cases import service as desk
from krs.cases import transfer as transfers
from krs.extensions import db
from krs.models import Applicant, Case, CaseStatus, Event, Role, StatDay, StatMonth, Unit
from krs.reports import service, stats
from krs.surveys import service as surveys
from krs.workdays import local_date


def periods() -> list[service.Period]:
    today = local_date(datetime.now(UTC), "Asia/Jakarta")
    return [
        service.year_period(today.year),  # whole months and a partial one
        service.Period(today - timedelta(days=9), today),  # inside one or two months
        service.Period(date(today.year - 3, 2, 17), today),  # years, partial at both ends
        service.Period(today.replace(day=1), today + timedelta(days=40)),  # into the future
        service.Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),  # last year
    ]


def assert_equal_to_fresh(users, units):
    db.session.expire_all()
    for user in users:
        for period in periods():
            chosen = units if user.role == Role.ADMIN else [u for u in units if u.id == user.unit_id]
            totals = service.report(user, chosen, period)
            fresh = service.fresh_report(user, chosen, period)
            assert service.differences(totals, fresh) == [], (user.role, period)
            served = households.people_served_many(chosen, period.start, period.end)
            assert served == [(u, households.people_served(u, period.start, period.end)) for u in chosen]


def table(model) -> Counter:
    column = model.day if model is StatDay else model.month
    rows = db.session.execute(select(model.unit_id, column, model.metric, model.key, model.n)).all()
    return Counter({(u, d, m, k): n for u, d, m, k, n in rows if n})


@pytest.fixture
def world(units, make_unit, make_user):
    a = units["jawa2"]
    b = make_unit("BALI", tz="Asia/Makassar", kind="satker", provinces="51")
    people = {
        "admin": make_user(Role.ADMIN),
        "spv_a": make_user(Role.SUPERVISOR, a),
        "staff_a": make_user(Role.STAFF, a),
        "staff_a2": make_user(Role.STAFF, a),
        "spv_b": make_user(Role.SUPERVISOR, b),
        "staff_b": make_user(Role.STAFF, b),
    }
    return {"a": a, "b": b, **people}


def test_every_desk_operation_keeps_the_totals_equal_to_a_fresh_count(world, make_case):
    a, b = world["a"], world["b"]
    readers = [world["admin"], world["spv_a"], world["spv_b"]]
    now = datetime.now(UTC)

    # intake and assignment, in both offices
    c1 = make_case(unit=a, services=["house_design", "permits"])
    c2 = make_case(unit=a, status=CaseStatus.ASSIGNED, assignee=world["staff_a2"])
    c3 = make_case(unit=b, status=CaseStatus.IN_PROGRESS, channel="whatsapp")
    c4 = make_case(unit=a, status=CaseStatus.CLOSED, services=["financing"])
    assert_equal_to_fresh(readers, [a, b])

    # follow-ups entered late (delays of minutes, a day and a half, two weeks), a field visit
    for case, worker, kind, hours_ago, late in (
        (c2, world["staff_a2"], "field_visit", 40, 36),
        (c2, world["staff_a2"], "call", 400, 330),
        (c3, world["staff_b"], "consultation", 2, 0.2),
    ):
        db.session.expire_all()
        desk.add_follow_up(
            worker,
            db.session.get(Case, case.id),
            desk.FollowUp(kind=kind, body="Tindak lanjut.", occurred_at=now - timedelta(hours=hours_ago)),
        )
        db.session.execute(
            update(Event)
            .where(Event.case_id == case.id, Event.kind == kind)
            .values(created_at=now - timedelta(hours=hours_ago - late))
        )
        db.session.commit()
    assert_equal_to_fresh(readers, [a, b])

    # closure requested, returned, requested again, approved; then reopened
    db.session.expire_all()
    c2 = db.session.get(Case, c2.id)
    desk.request_closure(world["staff_a2"], c2, "referred_bsps", "Dirujuk ke BSPS.")
    assert_equal_to_fresh(readers, [a, b])
    desk.return_closure(world["spv_a"], db.session.get(Case, c2.id), "Lengkapi dulu.")
    desk.request_closure(world["staff_a2"], db.session.get(Case, c2.id), "resolved", "Selesai.")
    desk.approve_closure(world["spv_a"], db.session.get(Case, c2.id))
    assert_equal_to_fresh(readers, [a, b])
    desk.reopen_case(world["spv_a"], db.session.get(Case, c4.id), "Pemohon kembali.")
    assert_equal_to_fresh(readers, [a, b])

    # an IKM survey handed out and answered
    c2 = db.session.get(Case, c2.id)
    token = surveys.invite(world["spv_a"], c2).token
    surveys.submit(token, {f"u{i}": 1 + i % 4 for i in range(1, 10)}, "Terima kasih")
    assert_equal_to_fresh(readers, [a, b])

    # a transfer from Jawa II to Bali: the case, its follow-ups and its history move
    db.session.expire_all()
    moving = db.session.get(Case, c1.id)
    desk.assign_case(world["spv_a"], moving, world["staff_a"])
    desk.add_follow_up(
        world["staff_a"],
        db.session.get(Case, c1.id),
        desk.FollowUp(kind="note", body="Domisili di Bali.", occurred_at=now - timedelta(hours=1)),
    )
    t = transfers.request_transfer(world["spv_a"], db.session.get(Case, c1.id), b, "Domisili di Bali.")
    transfers.accept_transfer(world["spv_b"], t)
    assert db.session.get(Case, c1.id).unit_id == b.id
    assert_equal_to_fresh(readers, [a, b])

    # a NIK corrected on the applicant, and an applicant turned into a group by a bulk statement
    db.session.get(Applicant, db.session.get(Case, c3.id).applicant_id).nik = "5171010101900009"
    db.session.commit()
    assert_equal_to_fresh(readers, [a, b])
    db.session.execute(
        update(Applicant)
        .where(Applicant.id == db.session.get(Case, c4.id).applicant_id)
        .values(kind="group", member_households=7)
    )
    db.session.commit()
    assert_equal_to_fresh(readers, [a, b])

    # history backdated by bulk UPDATE statements (as the demo data does): years, months, zones
    for case, days_ago in ((c3, 400), (c4, 1000), (c2, 45)):
        opened = now - timedelta(days=days_ago, hours=3)
        db.session.execute(
            update(Case).where(Case.id == case.id).values(created_at=opened, first_response_at=opened)
        )
    db.session.execute(
        update(Case).where(Case.id == c2.id).values(closed_at=now - timedelta(days=20), resolution_due=None)
    )
    db.session.commit()
    assert_equal_to_fresh(readers, [a, b])

    # the Bali office moves to WIT: every local day of its cases is counted again
    db.session.get(Unit, b.id).timezone = "Asia/Jayapura"
    db.session.commit()
    assert_equal_to_fresh(readers, [a, b])

    # and the totals are exactly what a rebuild from scratch gives
    kept = table(StatDay), table(StatMonth)
    stats.rebuild(db.session.connection())
    db.session.commit()
    assert (table(StatDay), table(StatMonth)) == kept
    assert kept[0], "the totals were written"


def test_the_totals_are_written_in_the_transaction_of_the_change(world, make_case):
    case = make_case(unit=world["a"], status=CaseStatus.IN_PROGRESS)
    before = table(StatDay)
    desk.request_closure(world["staff_a"], db.session.get(Case, case.id), "resolved", "Selesai.")
    changed = table(StatDay)
    assert changed != before  # the backlog moved from in_progress to closure_requested
    row = db.session.get(Case, case.id)
    row.status, row.outcome, row.closed_at = CaseStatus.CLOSED, "resolved", datetime.now(UTC)
    db.session.flush()
    assert table(StatDay) != changed
    db.session.rollback()  # the change is undone, and its totals with it
    assert table(StatDay) == changed


def test_random_histories_and_a_synthetic_load(world, make_case):
    """Many cases with random timestamps across years and both offices (bulk statements), then a
    synthetic load through COPY/executemany and its rebuild."""
    from krs.demo.synthetic import seed_synthetic

    rng = random.Random(11)
    now = datetime.now(UTC)
    cases = [
        make_case(unit=rng.choice([world["a"], world["b"]]), status=rng.choice(list(CaseStatus)))
        for _ in range(12)
    ]
    for case in cases:
        opened = now - timedelta(days=rng.randint(0, 900), minutes=rng.randint(0, 1440))
        values = {"created_at": opened}
        if rng.random() < 0.7:
            values["first_response_at"] = opened + timedelta(hours=rng.randint(1, 300))
        if case.status == CaseStatus.CLOSED:
            values["closed_at"] = opened + timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
        db.session.execute(update(Case).where(Case.id == case.id).values(**values))
    db.session.commit()
    assert_equal_to_fresh([world["admin"], world["spv_b"]], [world["a"], world["b"]])

    seed_synthetic(400, seed=3)
    units = list(db.session.scalars(select(Unit).where(Unit.kind != "direktorat")))
    assert_equal_to_fresh([world["admin"]], units)


def test_median_of_counts_is_the_median_of_the_values():
    rng = random.Random(5)
    for _ in range(200):
        values = [rng.randint(0, 30) for _ in range(rng.randint(1, 40))]
        import statistics

        assert service.median_of_counts(Counter(values)) == float(statistics.median(values))
    assert service.median_of_counts(Counter()) is None
    assert service.median_of_counts({3: 0}) is None


@pytest.mark.parametrize(
    ("seconds", "tenths"),
    [
        (0, 0),
        (359, 0),
        (360, 1),
        (3 * 3600, 30),
        (86_399, 239),
        (86_400, 240),
        (48 * 3600 + 59, 480),
        (7 * 86_400, 1680),
        (30 * 86_400 + 5, 7200),
        (-50, 0),
    ],
)
def test_entry_delay_scale(seconds, tenths):
    t = datetime(2026, 1, 5, 8, tzinfo=UTC)
    assert stats.delay_tenths(t, t + timedelta(seconds=seconds)) == tenths


def test_the_dashboard_reads_a_fixed_number_of_queries(world, make_case, count_queries):
    """The totals are read with a handful of queries, however many cases the period holds."""
    period = periods()[0]

    def queries():
        with count_queries() as counted:
            service.report(world["admin"], [world["a"], world["b"]], period)
        return counted.count

    make_case(unit=world["a"])
    few = queries()
    for _ in range(6):
        make_case(unit=world["b"], status=CaseStatus.CLOSED)
    assert queries() == few <= 8


def test_the_check_and_rebuild_commands(app, world, make_case):
    make_case(unit=world["a"], status=CaseStatus.CLOSED)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["krs", "stats-check"])
    assert result.exit_code == 0 and "sama dengan hitungan langsung" in result.output
    db.session.execute(update(StatMonth).where(StatMonth.metric == stats.IN).values(n=StatMonth.n + 5))
    db.session.commit()
    result = runner.invoke(args=["krs", "stats-check"])
    assert result.exit_code == 1 and "cases_in" in result.output
    assert runner.invoke(args=["krs", "stats-rebuild"]).exit_code == 0
    assert runner.invoke(args=["krs", "stats-check"]).exit_code == 0
