"""Referrals to other agencies (issue 16): office letter numbers, the case timeline and audit,
the list waiting for an answer, the dashboard counts, the agency reference list.

Letter numbers: `<seq>/KRS-<UNIT>/<Roman month>/<year>` by default (e.g. 007/KRS-JAWA2/XI/2026);
an office may set its own format on the admin unit form with the placeholders {seq} (three digits,
restarting at 001 each year), {unit} (unit code), {month} (Roman month of the letter date) and
{year}. The sequence comes from a counter row per unit and year bumped by one upsert in the
referral's transaction (like case numbers in krs/intake.py), so two desks never get one number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from krs import access, audit, regions
from krs.extensions import db
from krs.models import (
    OPEN_ANSWERS,
    Agency,
    AgencyKind,
    Case,
    Event,
    EventKind,
    Referral,
    ReferralAnswer,
    ReferralCounter,
    Unit,
    User,
    utcnow,
)
from krs.workdays import today_in, working_days_between

DEFAULT_NUMBER_FORMAT = "{seq}/KRS-{unit}/{month}/{year}"
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
REFERRAL_FIELDS = ["agency_id", "programme", "letter_number", "letter_date", "purpose", "signer_id"]
ANSWER_FIELDS = ["answer_code", "answer_text", "answer_date", "next_step"]


class ReferralError(Exception):
    """A rule refused the change; the message is for the user."""


# ---------------------------------------------------------------- letter numbers


def next_referral_seq(unit_id: int, year: int) -> int:
    """Atomically take the next letter sequence of a unit and year (PostgreSQL locks the counter
    row until the transaction commits; SQLite serialises writers)."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(ReferralCounter)
        .values(unit_id=unit_id, year=year, last_seq=1)
        .on_conflict_do_update(
            index_elements=["unit_id", "year"], set_={"last_seq": ReferralCounter.last_seq + 1}
        )
        .returning(ReferralCounter.last_seq)
    )
    return db.session.execute(stmt).scalar_one()


def format_letter_number(fmt: str | None, unit_code: str, day: date, seq: int) -> str:
    """Fill the placeholders of a format (checked on the admin form: nothing else is expanded)."""
    return (
        (fmt or DEFAULT_NUMBER_FORMAT)
        .replace("{seq}", f"{seq:03d}")
        .replace("{unit}", unit_code)
        .replace("{month}", ROMAN_MONTHS[day.month - 1])
        .replace("{year}", str(day.year))
    )


# ---------------------------------------------------------------- programmes (configuration)


def programme_choices() -> list[tuple[str, str]]:
    return [tuple(p) for p in current_app.config["KRS_REFERRAL_PROGRAMMES"]]


def programme_label(code: str | None) -> str:
    return dict(programme_choices()).get(code or "", code or "–")


# ---------------------------------------------------------------- writing and answering


@dataclass
class ReferralData:
    agency: Agency
    programme: str
    letter_date: date
    purpose: str
    signer: User
    next_step: str | None = None


def create_referral(actor: User, case: Case, data: ReferralData) -> Referral:
    """A referral with the office's next letter number, a timeline event and an audit row.

    The caller has asked krs.access (`can_write_referral(actor, case)`)."""
    if not data.agency.active:
        raise ReferralError(_l("Lembaga tujuan sudah tidak aktif; pilih yang lain."))
    if data.signer.unit_id != case.unit_id or not data.signer.active:
        raise ReferralError(_l("Penanda tangan harus petugas aktif unit kasus ini."))
    unit = db.session.get(Unit, case.unit_id)
    seq = next_referral_seq(unit.id, data.letter_date.year)
    referral = Referral(
        case_id=case.id,
        unit_id=unit.id,
        agency_id=data.agency.id,
        programme=data.programme,
        year=data.letter_date.year,
        seq=seq,
        letter_number=format_letter_number(unit.referral_number_format, unit.code, data.letter_date, seq),
        letter_date=data.letter_date,
        purpose=data.purpose.strip(),
        signer_id=data.signer.id,
        next_step=(data.next_step or "").strip() or None,
        answer_code=ReferralAnswer.PENDING,
        created_by_id=actor.id,
    )
    db.session.add(referral)
    db.session.flush()
    db.session.add(
        Event(
            case_id=case.id,
            kind=EventKind.REFERRAL,
            author_id=actor.id,
            occurred_at=utcnow(),
            body=str(
                _l(
                    "Surat pengantar %(number)s ke %(agency)s (%(programme)s).",
                    number=referral.letter_number,
                    agency=data.agency.name,
                    programme=programme_label(data.programme),
                )
            ),
            # what the timeline needs to say it again in its reader's language (issue 15)
            data={
                "referral_id": referral.id,
                "letter_number": referral.letter_number,
                "agency": data.agency.name,
                "programme": data.programme,
            },
        )
    )
    audit.record(
        actor, "referral.create", "referral", referral.id, None, audit.snapshot(referral, REFERRAL_FIELDS)
    )
    db.session.commit()
    return referral


def answer_referral(
    actor: User, referral: Referral, code: str, text: str, answer_date: date, next_step: str | None
) -> Referral:
    if not ReferralAnswer.has(code):
        raise ReferralError(_l("Pilih jawaban lembaga."))
    if answer_date < referral.letter_date:
        raise ReferralError(_l("Tanggal jawaban tidak boleh sebelum tanggal surat."))
    if answer_date > today_in(referral.unit.timezone):
        raise ReferralError(_l("Tanggal jawaban tidak boleh di masa depan."))
    before = audit.snapshot(referral, ANSWER_FIELDS)
    referral.answer_code = code
    referral.answer_text = (text or "").strip() or None
    referral.answer_date = answer_date
    referral.next_step = (next_step or "").strip() or None
    db.session.add(
        Event(
            case_id=referral.case_id,
            kind=EventKind.REFERRAL,
            author_id=actor.id,
            occurred_at=utcnow(),
            body=str(
                _l(
                    "Jawaban atas surat %(number)s: %(answer)s.",
                    number=referral.letter_number,
                    answer=ReferralAnswer(code).label,
                )
            )
            + (f" {referral.answer_text}" if referral.answer_text else ""),
            data={
                "referral_id": referral.id,
                "answer_code": code,
                "letter_number": referral.letter_number,
                "answer_text": referral.answer_text,
            },
        )
    )
    audit.record(
        actor, "referral.answer", "referral", referral.id, before, audit.snapshot(referral, ANSWER_FIELDS)
    )
    db.session.commit()
    return referral


# ---------------------------------------------------------------- reading


def answer_days() -> int:
    return int(current_app.config.get("KRS_REFERRAL_ANSWER_DAYS", 10))


def is_overdue(referral: Referral, today: date) -> bool:
    """Waiting for the agency longer than KRS_REFERRAL_ANSWER_DAYS working days."""
    return referral.is_open and working_days_between(referral.letter_date, today) > answer_days()


def referrals_of_case(user: User, case: Case) -> list[Referral]:
    stmt = access.referrals_visible_to(user).where(Referral.case_id == case.id)
    return list(db.session.scalars(stmt.order_by(Referral.letter_date.desc(), Referral.id.desc())))


@dataclass
class WaitingRow:
    referral: Referral
    waited_days: int
    overdue: bool


def waiting_referrals(user: User, today: date, overdue_only: bool = False) -> list[WaitingRow]:
    """Referrals still waiting for the agency's answer, oldest letter first."""
    stmt = (
        access.referrals_visible_to(user)
        .where(Referral.answer_code.in_(OPEN_ANSWERS))
        .options(joinedload(Referral.case), joinedload(Referral.unit))
        .order_by(Referral.letter_date, Referral.id)
    )
    rows = []
    for referral in db.session.scalars(stmt):
        waited = working_days_between(referral.letter_date, today)
        row = WaitingRow(referral, waited, waited > answer_days())
        if row.overdue or not overdue_only:
            rows.append(row)
    return rows


@dataclass
class ProgrammeCount:
    programme: str
    label: str
    by_answer: dict[str, int]
    total: int


def counts_by_programme(unit_ids: list[int], start: date, end: date) -> list[ProgrammeCount]:
    """Referrals written in [start, end] by the given offices, by programme and answer."""
    if not unit_ids:
        return []
    stmt = (
        select(Referral.programme, Referral.answer_code, func.count())
        .where(Referral.unit_id.in_(unit_ids), Referral.letter_date.between(start, end))
        .group_by(Referral.programme, Referral.answer_code)
    )
    table: dict[str, dict[str, int]] = {}
    for programme, answer, n in db.session.execute(stmt):
        table.setdefault(programme, {})[answer] = n
    order = [code for code, _label in programme_choices()]
    codes = sorted(table, key=lambda c: (order.index(c) if c in order else len(order), c))
    return [
        ProgrammeCount(code, programme_label(code), table[code], sum(table[code].values())) for code in codes
    ]


# ---------------------------------------------------------------- agencies (admin reference list)

AGENCY_FIELDS = ["name", "kind", "regency_code", "active"]


def agencies(active_only: bool = False) -> list[Agency]:
    stmt = select(Agency).order_by(Agency.kind, Agency.name)
    if active_only:
        stmt = stmt.where(Agency.active.is_(True))
    return list(db.session.scalars(stmt))


def agency_choices(case: Case | None = None) -> list[tuple[int, str]]:
    """Active agencies; the Dinas Perkim of the applicant's regency first."""
    rows = agencies(active_only=True)
    regency = case.applicant.regency_code if case is not None else None
    rows.sort(key=lambda a: (not (regency and a.regency_code == regency), a.kind != AgencyKind.DINAS_PERKIM))
    return [(a.id, a.name) for a in rows]


def regency_code(raw: str | None) -> str | None:
    """'3273' or '32.73' → '32.73' when it is a regency of Kemendagri's list; empty → None."""
    digits = "".join(ch for ch in (raw or "") if ch.isdigit())
    if not digits:
        return None
    code = f"{digits[:2]}.{digits[2:]}"
    if len(digits) != 4 or code not in dict(regions.children(digits[:2])):
        raise ReferralError(_l("Kode kabupaten/kota %(code)s tidak dikenal.", code=raw))
    return code


def save_agency(actor: User, agency: Agency | None, data: dict) -> Agency:
    name = data["name"].strip()
    clash = db.session.scalar(select(Agency.id).where(func.lower(Agency.name) == name.lower()))
    if clash is not None and (agency is None or clash != agency.id):
        raise ReferralError(_l("Lembaga %(name)s sudah ada di daftar.", name=name))
    before = audit.snapshot(agency, AGENCY_FIELDS) if agency else None
    if agency is None:
        agency = Agency()
        db.session.add(agency)
    agency.name = name
    agency.kind = data["kind"]
    agency.regency_code = regency_code(data.get("regency_code"))
    agency.active = bool(data.get("active"))
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same name in another case or script than lower() sees
        db.session.rollback()
        raise ReferralError(_l("Lembaga %(name)s sudah ada di daftar.", name=name)) from exc
    audit.record(
        actor,
        "agency.create" if before is None else "agency.update",
        "agency",
        agency.id,
        before,
        audit.snapshot(agency, AGENCY_FIELDS),
    )
    db.session.commit()
    return agency
