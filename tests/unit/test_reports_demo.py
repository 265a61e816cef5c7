"""The demo has targets for every unit this year and IKM surveys for part of the closed cases."""

from sqlalchemy import func, select

from krs.demo import seed_demo
from krs.extensions import db
from krs.models import Case, CaseStatus, Event, EventKind, Survey, Unit, UnitTarget


def test_demo_seeds_targets_and_surveys():
    seed_demo(n_cases=40)
    balai = db.session.scalar(select(func.count()).select_from(Unit).where(Unit.kind != "direktorat"))
    assert db.session.scalar(select(func.count()).select_from(UnitTarget)) == balai
    surveys = db.session.scalar(
        select(func.count()).select_from(Survey).where(Survey.submitted_at.is_not(None))
    )
    closed = db.session.scalar(select(func.count()).select_from(Case).where(Case.status == CaseStatus.CLOSED))
    assert 0 < surveys <= closed
    noted = db.session.scalar(
        select(func.count()).select_from(Event).where(Event.kind == EventKind.SURVEY_RECEIVED)
    )
    assert noted == surveys
