"""Issue 6: `flask krs seed-synthetic` makes realistic, valid data and keeps the case counters."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from krs import case_lists, regions
from krs.cases import service
from krs.demo import synthetic
from krs.demo.synthetic import seed_synthetic, synthetic_nik
from krs.extensions import db
from krs.fields import nik_problem
from krs.models import Applicant, Case, CaseCounter, CaseService, Event, EventKind, Role, Survey, Unit, User
from krs.surveys.service import ikm_for
from tests.support import APPLICANT, valid_nik


def test_synthetic_niks_are_valid_and_unique():
    niks = {synthetic_nik(k, "32.76.01", k % 2 == 0) for k in range(1, 30_000)}
    assert len(niks) == 29_999
    assert all(nik_problem(n) is None for n in list(niks)[:500])


def test_seed_synthetic_fills_a_realistic_database(app):
    result = seed_synthetic(400, seed=3)
    assert result.cases == 400
    assert db.session.scalar(select(func.count()).select_from(Case)) == 400
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 400
    assert db.session.scalar(select(func.count()).select_from(Event)) == result.events > 400
    assert db.session.scalar(select(func.count()).select_from(CaseService)) >= 400
    cases = list(db.session.scalars(select(Case)))
    assert len({c.unit_id for c in cases}) == 5
    assert len({c.year for c in cases}) >= 5
    statuses = Counter(c.status for c in cases)
    assert set(statuses) == {"new", "assigned", "in_progress", "closure_requested", "closed"}
    assert len({s for (s,) in db.session.execute(select(CaseService.service))}) == 7
    for applicant in db.session.scalars(select(Applicant).limit(50)):
        assert nik_problem(applicant.nik) is None
        assert regions.is_valid_chain(
            applicant.province_code, applicant.regency_code, applicant.district_code, applicant.village_code
        )
        assert applicant.nik.startswith(applicant.district_code.replace(".", ""))
    for case in cases[:50]:
        assert case.number == f"KRS-{case.unit.code}-{case.year}-{case.seq:04d}"
        assert (case.status == "new") == (case.assignee_id is None)
        assert (case.status == "closed") == (case.closed_at is not None)
    # IKM surveys for most closed cases, answered 1-4, each answer noted on the case's timeline
    surveys = list(db.session.scalars(select(Survey)))
    by_case = {c.id: c for c in cases}
    answered = [s for s in surveys if s.submitted_at is not None]
    assert 0.4 * statuses["closed"] < len(surveys) < statuses["closed"]
    assert 0.6 * len(surveys) < len(answered) < len(surveys)
    assert all(
        by_case[s.case_id].status == "closed" and s.unit_id == by_case[s.case_id].unit_id for s in surveys
    )
    assert all(set(s.answers) <= {1, 2, 3, 4} and s.u4 == 4 for s in answered)
    assert {s.mode for s in surveys} == {"link", "kiosk"}
    assert len({s.token for s in surveys}) == len(surveys)
    received = db.session.scalars(select(Event).where(Event.kind == EventKind.SURVEY_RECEIVED))
    assert sorted(e.data["survey_id"] for e in received) == sorted(s.id for s in answered)
    assert result.surveys == len(surveys)
    assert 50 <= ikm_for([c.unit_id for c in cases]).ikm <= 100
    # the search indexes saw the bulk rows too
    name = cases[0].applicant.name
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    found = case_lists.list_cases(admin, case_lists.CaseFilters(view="all", q=name.split()[1].upper()))
    assert found.total > 0


def test_intake_after_the_seed_continues_each_counter(app):
    seed_synthetic(120, seed=5)
    counters = {(c.unit_id, c.year): c.last_seq for c in db.session.scalars(select(CaseCounter))}
    for (unit_id, year), last in counters.items():
        assert last == db.session.scalar(
            select(func.max(Case.seq)).where(Case.unit_id == unit_id, Case.year == year)
        )
    unit = db.session.scalar(select(Unit).where(Unit.slug == "jawa2"))
    staff = db.session.scalar(select(User).where(User.username == "staf.jawa2"))

    case = service.intake(
        staff,
        unit,
        dict(APPLICANT, name="Pemohon Baru", nik=valid_nik(77)),
        {"channel": "walk_in", "service_types": ["permits"], "description": "PBG."},
    ).case
    assert case.seq == counters.get((unit.id, case.year), 0) + 1
    # the id sequences moved past the copied rows (PostgreSQL): new rows of every bulk table fit
    survey = Survey(token="after-the-seed", unit_id=unit.id, case_id=case.id, expires_at=datetime.now(UTC))
    db.session.add(survey)
    db.session.flush()
    assert survey.id > max(db.session.scalars(select(Survey.id).where(Survey.id != survey.id)), default=0)


def test_seed_appends_to_existing_data(app):
    seed_synthetic(50, seed=1)
    seed_synthetic(50, seed=2)
    seed_synthetic(50, seed=1)  # the same seed again (make bench tops a database up with seed 6)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 150
    assert db.session.scalar(select(func.count(func.distinct(Case.number)))) == 150
    niks = list(db.session.scalars(select(Applicant.nik).where(Applicant.nik.is_not(None))))
    assert len(niks) == len(set(niks)) > 100
    assert db.session.scalar(select(func.count(func.distinct(Survey.token)))) == db.session.scalar(
        select(func.count()).select_from(Survey)
    )


def _schema() -> set[tuple]:
    """Indexes, triggers and foreign keys as the database reports them."""
    if db.engine.dialect.name == "postgresql":
        indexes = db.session.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        ).all()
        keys = db.session.execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
                "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
            )
        ).all()
        return {tuple(r) for r in indexes} | {tuple(r) for r in keys}
    rows = db.session.execute(
        text("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'")
    )
    return {tuple(r) for r in rows}  # (ANALYZE after the load makes its statistics table once)


def test_rows_made_in_a_worker_process_are_the_same_rows(app):
    """Large loads make their rows in a forked worker: the data depend on the seed only."""
    made = {}
    for way, generate in (("inline", synthetic._generate), ("worker", synthetic._generate_in_worker)):
        rng = random.Random(11)
        plan = synthetic._make_plan(230, rng, datetime(2026, 6, 1, tzinfo=UTC), pg=False, batch=100)
        made[way] = (list(generate(plan, rng)), dict(plan.counters))
    batches, counters = made["worker"]
    assert [b.cases for b in batches] == [100, 100, 30]
    assert sum(counters.values()) == 230
    assert made["worker"] == made["inline"]


def _pooled_settings() -> list[tuple]:
    """Foreign keys and fsync of two pooled connections at once (SQLite sets them per connection)."""
    db.session.remove()
    with db.engine.connect() as one, db.engine.connect() as two:
        return [
            (
                c.exec_driver_sql("PRAGMA foreign_keys").scalar(),
                c.exec_driver_sql("PRAGMA synchronous").scalar(),
            )
            for c in (one, two)
        ]


def test_bulk_load_rebuilds_indexes_keys_and_search(app):
    before = _schema()
    settings = _pooled_settings() if db.engine.dialect.name == "sqlite" else None
    result = seed_synthetic(300, seed=4, bulk=True, parallel=True, batch=120)
    assert result.cases == db.session.scalar(select(func.count()).select_from(Case)) == 300
    assert _schema() == before  # every index, trigger and key back as it was (and validated)
    if settings:  # the load's connection went back to the pool with the app's settings
        assert settings[0][0] == 1 and _pooled_settings() == settings
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    # the search index has the bulk rows: every applicant is found by the last part of its name
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    applicant = db.session.scalar(select(Applicant).order_by(Applicant.id.desc()).limit(1))
    found = case_lists.list_cases(
        admin, case_lists.CaseFilters(view="all", q=applicant.name.split()[1].upper())
    )
    assert applicant.id in {c.applicant_id for c in found.items}
    # and the sequences moved past the copied ids: a new intake does not collide
    assert db.session.scalar(select(func.count(func.distinct(Case.number)))) == 300


def test_a_failed_bulk_load_leaves_the_database_as_it_was(app, monkeypatch):
    seed_synthetic(20, seed=1)
    before = _schema()
    cases_before = db.session.scalar(select(func.count()).select_from(Case))
    write = synthetic._Writer.write

    def failing(self, table, columns, rows):
        if table == "case_event":
            raise RuntimeError("disk full")
        write(self, table, columns, rows)

    monkeypatch.setattr(synthetic._Writer, "write", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        seed_synthetic(200, seed=2, bulk=True, parallel=True, batch=100)
    monkeypatch.undo()
    db.session.rollback()
    assert _schema() == before
    assert db.session.scalar(select(func.count()).select_from(Case)) == cases_before
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == cases_before
