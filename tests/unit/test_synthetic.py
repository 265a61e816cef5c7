"""Issue 6: `flask krs seed-synthetic` makes realistic, valid data and keeps the case counters."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from krs import regions
from krs.cases import service
from krs.cases.forms import nik_problem
from krs.extensions import db
from krs.models import Applicant, Case, CaseCounter, CaseService, Event, Role, Unit, User
from krs.synthetic import seed_synthetic, synthetic_nik


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
    # the search indexes saw the bulk rows too
    name = cases[0].applicant.name
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    found = service.list_cases(admin, service.CaseFilters(view="all", q=name.split()[1].upper()))
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
    from tests.conftest import APPLICANT, valid_nik

    case = service.intake(
        staff,
        unit,
        dict(APPLICANT, name="Pemohon Baru", nik=valid_nik(77)),
        {"channel": "walk_in", "service_types": ["permits"], "description": "PBG."},
    ).case
    assert case.seq == counters.get((unit.id, case.year), 0) + 1


def test_seed_appends_to_existing_data(app):
    seed_synthetic(50, seed=1)
    seed_synthetic(50, seed=2)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 100
    assert db.session.scalar(select(func.count(func.distinct(Case.number)))) == 100
