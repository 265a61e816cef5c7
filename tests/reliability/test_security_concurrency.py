"""Races on PostgreSQL with real connections: threads, each in its own app context (own session,
own connection), released together by a barrier. SQLite serialises writers, so these tests run
only when DATABASE_URL is PostgreSQL; the conflict message itself is checked on both."""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from krs.cases import service
from krs.extensions import db
from krs.models import AuditLog, Case, CaseStatus, Event, EventKind, Role, Unit, User
from tests.support import APPLICANT, login, valid_nik

INTAKES = 24
ROUNDS = 10
STATS: Counter = Counter()


@pytest.fixture
def postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("races need real concurrent connections: run with DATABASE_URL=postgresql+psycopg://...")


def _run_threads(app, n, work):
    """Run work(i) in n threads, each inside its own app context, released together."""
    barrier = threading.Barrier(n, timeout=30)
    results: list = [None] * n

    def runner(i):
        with app.app_context():
            try:
                results[i] = work(i, barrier)
            except Exception as exc:  # noqa: BLE001 - the result is what the test inspects
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_simultaneous_intakes_get_unique_sequential_numbers(app, postgres_only, units, make_user):
    unit_id = units["jawa2"].id
    desk_ids = [make_user(Role.STAFF, units["jawa2"]).id for _ in range(4)]

    def work(i, barrier):
        actor = db.session.get(User, desk_ids[i % len(desk_ids)])
        unit = db.session.get(Unit, unit_id)
        applicant = dict(APPLICANT, name=f"Pemohon Serentak {i}", nik=valid_nik(5000 + i))
        db.session.commit()  # hand the connection back: more desks than the pool has connections
        barrier.wait()
        case = service.intake(
            actor,
            unit,
            applicant,
            {"channel": "walk_in", "service_types": ["house_design"], "description": "x"},
        ).case
        return case.number

    numbers = _run_threads(app, INTAKES, work)
    errors = [n for n in numbers if isinstance(n, Exception)]
    assert not errors, errors
    assert len(set(numbers)) == INTAKES
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, INTAKES + 1)), "gaps or duplicates in the sequence"
    assert db.session.scalar(select(func.count(Case.id))) == INTAKES
    STATS["intakes_at_once"] = INTAKES


def test_same_new_household_at_two_desks_at_once(app, postgres_only, units, make_user):
    """Both desks register the same NIK at the same moment: two cases, one applicant, no error."""
    unit_id = units["jawa2"].id
    desk_ids = [make_user(Role.STAFF, units["jawa2"]).id for _ in range(2)]
    for round_no in range(ROUNDS):
        nik = valid_nik(7000 + round_no)

        def work(i, barrier, nik=nik):
            actor = db.session.get(User, desk_ids[i])
            unit = db.session.get(Unit, unit_id)
            barrier.wait()
            return service.intake(
                actor,
                unit,
                dict(APPLICANT, name="Pemohon Kembar", nik=nik),
                {"channel": "walk_in", "service_types": ["house_design"], "description": "x"},
            ).case.applicant_id

        results = _run_threads(app, 2, work)
        assert not [r for r in results if isinstance(r, Exception)], results
        assert results[0] == results[1]
        STATS["same_nik_races"] += 1


def _race(app, case_id, actors, act):
    """Two supervisors act on the same case, having both read the same version."""

    def work(i, barrier):
        case = db.session.get(Case, case_id)
        version = case.version
        barrier.wait()
        try:
            act(i, db.session.get(User, actors[i]), case, version)
        except service.ConflictError:
            return "conflict"
        return "ok"

    return _run_threads(app, 2, work)


def test_two_supervisors_assigning_the_same_case(app, postgres_only, units, make_user, make_case):
    unit = units["jawa2"]
    spv_ids = [make_user(Role.SUPERVISOR, unit).id for _ in range(2)]
    staff_ids = [make_user(Role.STAFF, unit).id for _ in range(2)]
    for _ in range(ROUNDS):
        case = make_case(unit=unit)
        case_id = case.id

        def act(i, actor, case, version):
            service.assign_case(actor, case, db.session.get(User, staff_ids[i]), version)

        results = _race(app, case_id, spv_ids, act)
        assert sorted(results) == ["conflict", "ok"], results
        winner = results.index("ok")
        db.session.expire_all()
        fresh = db.session.get(Case, case_id)
        assert fresh.assignee_id == staff_ids[winner], "lost update"
        assert fresh.status == CaseStatus.ASSIGNED
        assigned = select(func.count(Event.id)).where(
            Event.case_id == case_id, Event.kind == EventKind.ASSIGNED
        )
        assert db.session.scalar(assigned) == 1
        audits = select(func.count(AuditLog.id)).where(
            AuditLog.action == "case.assign", AuditLog.entity_id == case_id
        )
        assert db.session.scalar(audits) == 1
        STATS["assign_races"] += 1


def test_two_supervisors_closing_the_same_case(app, postgres_only, units, make_user, make_case):
    """One approves while the other returns the closure request: one wins, one is told."""
    unit = units["jawa2"]
    spv_ids = [make_user(Role.SUPERVISOR, unit).id for _ in range(2)]
    for _ in range(ROUNDS):
        case_id = make_case(unit=unit, status=CaseStatus.CLOSURE_REQUESTED).id

        def act(i, actor, case, version):
            if i == 0:
                service.approve_closure(actor, case, version)
            else:
                service.return_closure(actor, case, "Lengkapi foto", version)

        results = _race(app, case_id, spv_ids, act)
        assert sorted(results) == ["conflict", "ok"], results
        db.session.expire_all()
        fresh = db.session.get(Case, case_id)
        expected = CaseStatus.CLOSED if results[0] == "ok" else CaseStatus.IN_PROGRESS
        assert fresh.status == expected, "lost update"
        decided = select(func.count(Event.id)).where(
            Event.case_id == case_id, Event.kind.in_([EventKind.CLOSURE_APPROVED, EventKind.CLOSURE_REJECTED])
        )
        assert db.session.scalar(decided) == 1
        STATS["closure_races"] += 1


def test_conflict_is_a_clear_message_not_an_error(client, make_user, make_case):
    """A form rendered with an old version: 409 with an Indonesian explanation, nothing changed."""
    spv = make_user(Role.SUPERVISOR)
    staff = make_user(Role.STAFF)
    case = make_case()
    old_version = case.version
    service.assign_case(spv, case, staff)  # someone else got there first
    login(client, spv)
    other = make_user(Role.STAFF)
    resp = client.post(
        f"/cases/{case.id}/assign", data={"assignee_id": str(other.id), "version": str(old_version)}
    )
    assert resp.status_code == 409
    assert "baru saja diubah oleh pengguna lain" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).assignee_id == staff.id


@pytest.fixture(scope="module", autouse=True)
def _write_stats():
    yield
    if STATS:
        out = Path("test-artifacts")
        out.mkdir(exist_ok=True)
        (out / "race-stats.json").write_text(json.dumps(dict(STATS), indent=1))


def test_two_people_logging_follow_ups_on_one_case_at_once_both_kept(
    app, postgres_only, units, make_user, make_case
):
    """A follow-up adds to the case: a concurrent one is retried, not refused (a 500 in the soak)."""
    from datetime import UTC, datetime, timedelta

    unit = units["jawa2"]
    staff_ids = [make_user(Role.STAFF, unit).id for _ in range(4)]
    for _ in range(ROUNDS):
        case_id = make_case(unit=unit, status=CaseStatus.IN_PROGRESS).id

        def work(i, barrier, case_id=case_id):
            case = db.session.get(Case, case_id)
            _ = case.version, case.status
            barrier.wait()
            service.add_follow_up(
                db.session.get(User, staff_ids[i]),
                case,
                service.FollowUp(
                    kind="call", body=f"serentak {i}", occurred_at=datetime.now(UTC) - timedelta(minutes=1)
                ),
            )
            return "ok"

        results = _run_threads(app, 4, work)
        assert results == ["ok"] * 4, results
        db.session.expire_all()
        calls = select(func.count(Event.id)).where(Event.case_id == case_id, Event.kind == "call")
        assert db.session.scalar(calls) == 4, "a follow-up was lost"
        STATS["follow_up_races"] += 1
