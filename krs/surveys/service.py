"""IKM survey (PermenPANRB 14/2017): invitations, answers, and the index computed from raw answers.

IKM = (mean of the nine NRR) x 25, where the NRR of an element is the mean of its answers (1-4).
The exact weight of each element is 1/9; some offices' spreadsheets round it to 0.11, which caps
the index at 99 — `IkmResult.ikm_spreadsheet` gives that figure only to be shown labelled as such.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from krs import access, audit
from krs.extensions import db
from krs.models import Case, Event, EventKind, Survey, Unit, User, utcnow

LINK_VALID_DAYS = 14
KIOSK_VALID_HOURS = 4
SPREADSHEET_WEIGHT = Decimal("0.11")


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    question: str
    answers: tuple  # labels for 1, 2, 3, 4


ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1",
        _l("Persyaratan"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kesesuaian persyaratan pelayanan dengan jenis layanannya?"),
        (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai")),
    ),
    Element(
        "u2",
        _l("Sistem, mekanisme dan prosedur"),
        _l("Bagaimana pemahaman Bapak/Ibu tentang kemudahan prosedur pelayanan di unit ini?"),
        (_l("Tidak mudah"), _l("Kurang mudah"), _l("Mudah"), _l("Sangat mudah")),
    ),
    Element(
        "u3",
        _l("Waktu penyelesaian"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kecepatan waktu dalam memberikan pelayanan?"),
        (_l("Tidak cepat"), _l("Kurang cepat"), _l("Cepat"), _l("Sangat cepat")),
    ),
    Element(
        "u4",
        _l("Biaya/tarif"),
        _l("Bagaimana pendapat Bapak/Ibu tentang biaya/tarif dalam pelayanan?"),
        (_l("Sangat mahal"), _l("Cukup mahal"), _l("Murah"), _l("Gratis")),
    ),
    Element(
        "u5",
        _l("Produk spesifikasi jenis pelayanan"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kesesuaian hasil pelayanan dengan yang dijanjikan?"),
        (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai")),
    ),
    Element(
        "u6",
        _l("Kompetensi pelaksana"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kemampuan petugas dalam memberikan pelayanan?"),
        (_l("Tidak mampu"), _l("Kurang mampu"), _l("Mampu"), _l("Sangat mampu")),
    ),
    Element(
        "u7",
        _l("Perilaku pelaksana"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kesopanan dan keramahan petugas?"),
        (
            _l("Tidak sopan dan ramah"),
            _l("Kurang sopan dan ramah"),
            _l("Sopan dan ramah"),
            _l("Sangat sopan dan ramah"),
        ),
    ),
    Element(
        "u8",
        _l("Sarana dan prasarana"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kualitas sarana dan prasarana pelayanan?"),
        (_l("Buruk"), _l("Cukup"), _l("Baik"), _l("Sangat baik")),
    ),
    Element(
        "u9",
        _l("Penanganan pengaduan, saran dan masukan"),
        _l("Bagaimana pendapat Bapak/Ibu tentang penanganan pengaduan, saran dan masukan?"),
        (
            _l("Tidak ada"),
            _l("Ada tetapi tidak berfungsi"),
            _l("Berfungsi kurang maksimal"),
            _l("Dikelola dengan baik"),
        ),
    ),
)
CODES = tuple(e.code for e in ELEMENTS)

# (lowest IKM of the band, grade, label) — PermenPANRB 14/2017, converted interval values
GRADES = (
    (Decimal("88.31"), "A", _l("Sangat Baik")),
    (Decimal("76.61"), "B", _l("Baik")),
    (Decimal("65.00"), "C", _l("Kurang Baik")),
    (Decimal("25.00"), "D", _l("Tidak Baik")),
)


class SurveyError(Exception):
    """The survey cannot be created or accepted; the message is for the user."""


# ---------------------------------------------------------------- the index


def _round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade_for(ikm: Decimal | None) -> tuple[str, str] | None:
    if ikm is None:
        return None
    rounded = _round2(ikm)
    for lowest, grade, label in GRADES:
        if rounded >= lowest:
            return grade, str(label)
    return "D", str(GRADES[-1][2])


@dataclass
class IkmResult:
    respondents: int
    nrr: dict = field(default_factory=dict)  # element code -> Decimal mean (1-4)
    ikm: Decimal | None = None  # exact (weight 1/9), not rounded
    ikm_spreadsheet: Decimal | None = None  # weight 0.11 as some spreadsheets do; labelled when shown

    @property
    def grade(self) -> str | None:
        g = grade_for(self.ikm)
        return g[0] if g else None

    @property
    def grade_label(self) -> str | None:
        g = grade_for(self.ikm)
        return g[1] if g else None

    @property
    def ikm_display(self) -> Decimal | None:
        return _round2(self.ikm) if self.ikm is not None else None


def ikm_from_sums(respondents: int, sums: dict) -> IkmResult:
    """The index from the number of respondents and the sum of answers per element."""
    if not respondents:
        return IkmResult(0)
    n = Decimal(respondents)
    nrr = {code: Decimal(int(sums[code] or 0)) / n for code in CODES}
    mean = sum(nrr.values()) / Decimal(len(CODES))
    return IkmResult(
        respondents=respondents,
        nrr=nrr,
        ikm=mean * 25,
        ikm_spreadsheet=sum(v * SPREADSHEET_WEIGHT for v in nrr.values()) * 25,
    )


def ikm_from_answers(answer_rows: list[list[int]]) -> IkmResult:
    sums = {code: sum(row[i] for row in answer_rows) for i, code in enumerate(CODES)}
    return ikm_from_sums(len(answer_rows), sums)


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
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_survey(token: str) -> Survey | None:
    """The invitation behind a token, if it can still be answered (unused and not expired)."""
    if not token or len(token) > 64:
        return None
    survey = db.session.scalar(select(Survey).where(Survey.token == token))
    if survey is None or survey.submitted_at is not None or _aware(survey.expires_at) <= utcnow():
        return None
    return survey


def submit(token: str, answers: dict, comment: str | None) -> Survey:
    """Store the raw answers (once) and note on the case's timeline that a survey arrived."""
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
        .values(submitted_at=now, comment=(comment or "").strip()[:2000] or None, **values)
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
