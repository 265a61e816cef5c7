"""IKM survey (PermenPANRB 14/2017): invitations, answers, and the index computed from raw answers.

The elements and the arithmetic of the index live in krs.ikm (the reports use them too).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from krs import access, audit
from krs.extensions import db
from krs.ikm import CODES, IkmResult, ikm_from_sums
from krs.models import (
    AgeBand,
    Case,
    Education,
    Event,
    EventKind,
    Gender,
    Occupation,
    Survey,
    Unit,
    User,
    utcnow,
)

LINK_VALID_DAYS = 14
KIOSK_VALID_HOURS = 4


class SurveyError(Exception):
    """The survey cannot be created or accepted; the message is for the user."""


# ---------------------------------------------------------------- the index


def ikm_for(unit_ids: list[int], where=None) -> IkmResult:
    """IKM of the units' submitted surveys (optionally narrowed by an extra clause): one query."""
    stmt = select(func.count(Survey.id), *[func.sum(getattr(Survey, c)) for c in CODES]).where(
        Survey.submitted_at.is_not(None), Survey.unit_id.in_(unit_ids)
    )
    if where is not None:
        stmt = stmt.join(Unit, Unit.id == Survey.unit_id).where(where)
    row = db.session.execute(stmt).one()
    return ikm_from_sums(row[0] or 0, dict(zip(CODES, row[1:], strict=True)))


# ---------------------------------------------------------------- invitations


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits: unguessable


def survey_of_case(case: Case) -> Survey | None:
    """The latest invitation of a case (answered or not)."""
    return db.session.scalars(
        select(Survey).where(Survey.case_id == case.id).order_by(Survey.created_at.desc(), Survey.id.desc())
    ).first()


def invite(actor: User, case: Case, mode: str = "link") -> Survey:
    """A fresh one-time survey token for a closed case; earlier unused tokens of the case lapse."""
    if not access.can_invite_survey(actor, case):
        raise SurveyError(_l("Survei hanya dapat dibuat untuk kasus yang sudah ditutup di unit Anda."))
    if mode not in ("link", "kiosk"):
        raise SurveyError(_l("Pilih cara pengisian survei."))
    answered = db.session.scalar(
        select(func.count(Survey.id)).where(Survey.case_id == case.id, Survey.submitted_at.is_not(None))
    )
    if answered:
        raise SurveyError(_l("Survei untuk kasus ini sudah diterima."))
    now = utcnow()
    db.session.execute(
        update(Survey)
        .where(Survey.case_id == case.id, Survey.submitted_at.is_(None), Survey.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    valid = timedelta(hours=KIOSK_VALID_HOURS) if mode == "kiosk" else timedelta(days=LINK_VALID_DAYS)
    survey = Survey(
        token=new_token(),
        mode=mode,
        unit_id=case.unit_id,
        case_id=case.id,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + valid,
    )
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "survey.invite", "survey", survey.id, None, {"case_id": case.id, "mode": mode})
    db.session.commit()
    return survey


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_survey(token: str) -> Survey | None:
    """The invitation behind a token, if it can still be answered (unused and not expired)."""
    if not token or len(token) > 64:
        return None
    survey = db.session.scalar(select(Survey).where(Survey.token == token))
    if survey is None or survey.submitted_at is not None or _aware(survey.expires_at) <= utcnow():
        return None
    return survey


PROFILE_ANSWERS = {"age_band": AgeBand, "sex": Gender, "education": Education, "occupation": Occupation}


def clean_profile(profile: dict | None) -> dict:
    """The respondent's profile: each part one of its enumeration's values, or None (not given)."""
    profile = profile or {}
    return {
        name: (v if enum_cls.has(v := profile.get(name)) else None)
        for name, enum_cls in PROFILE_ANSWERS.items()
    }


def submit(token: str, answers: dict, comment: str | None, profile: dict | None = None) -> Survey:
    """Store the raw answers and the optional respondent profile (once) and note on the case's
    timeline that a survey arrived."""
    survey = open_survey(token)
    if survey is None:
        raise SurveyError(_l("Tautan survei ini sudah dipakai atau kedaluwarsa."))
    values = {}
    for code in CODES:
        value = answers.get(code)
        if value not in (1, 2, 3, 4):
            raise SurveyError(_l("Jawab kesembilan pertanyaan dengan nilai 1 sampai 4."))
        values[code] = value
    now = utcnow()
    # used once: the row is claimed only while unanswered and unexpired, so a concurrent second
    # submission of the same token changes nothing
    claimed = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, Survey.submitted_at.is_(None), Survey.expires_at > now)
        .values(
            submitted_at=now,
            comment=(comment or "").strip()[:2000] or None,
            **values,
            **clean_profile(profile),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise SurveyError(_l("Tautan survei ini sudah dipakai atau kedaluwarsa."))
    db.session.refresh(survey)
    if survey.case_id is not None:
        db.session.add(
            Event(
                case_id=survey.case_id,
                kind=EventKind.SURVEY_RECEIVED,
                author_id=None,
                data={"survey_id": survey.id},
            )
        )
    audit.record(None, "survey.submit", "survey", survey.id, None, {"unit_id": survey.unit_id})
    db.session.commit()
    return survey


def case_panel_state(user: User, case: Case) -> dict:
    """What the case page's survey panel shows: nothing before closure."""
    if case.status != "closed":
        return {"show": False}
    survey = survey_of_case(case)
    return {
        "show": True,
        "may_invite": access.can_invite_survey(user, case),
        "received": survey is not None and survey.submitted_at is not None,
        "survey": survey,
        "pending": open_survey(survey.token) if survey is not None and survey.submitted_at is None else None,
    }
