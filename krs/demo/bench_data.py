"""Fixtures `make bench` needs in a synthetic database: a case with a 50-event timeline, a NIK
to search for, the unit the intake scenario writes to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from krs.extensions import db
from krs.models import Applicant, Case, CaseStatus, Event, EventKind, Unit, User

LONG_TIMELINE = 50


def prepare() -> dict:
    unit = db.session.scalar(select(Unit).where(Unit.slug == "jawa2"))
    staff = db.session.scalar(select(User).where(User.username == "staf.jawa2"))
    case = db.session.scalar(
        select(Case)
        .where(Case.unit_id == unit.id, Case.status == CaseStatus.IN_PROGRESS)
        .order_by(Case.id.desc())
        .limit(1)
    )
    have = db.session.scalar(select(func.count()).select_from(Event).where(Event.case_id == case.id))
    start = datetime.now(UTC) - timedelta(days=60)
    for i in range(LONG_TIMELINE - have):
        db.session.add(
            Event(
                case_id=case.id,
                kind=EventKind.follow_up_kinds()[i % 6],
                author_id=staff.id,
                occurred_at=start + timedelta(hours=i * 20),
                duration_minutes=30,
                body="Tindak lanjut rutin: menghubungi pemohon dan mencatat perkembangan pembangunan.",
            )
        )
    db.session.commit()
    middle = (db.session.scalar(select(func.max(Applicant.id))) or 1) // 2
    nik = db.session.scalar(
        select(Applicant.nik).where(Applicant.id >= middle, Applicant.nik.is_not(None)).order_by(Applicant.id)
    )
    return {"case_id": case.id, "nik": nik, "intake_unit_id": unit.id}
