"""Referrals to other agencies (DESIGN.md §3, issue 16), their office letter numbers, and the
public status links printed on intake receipts."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.assessments import PreCheck
from krs.models.base import LabelledEnum, utcnow
from krs.models.cases import Case
from krs.models.people import Unit, User


class AgencyKind(LabelledEnum):
    DINAS_PERKIM = "dinas_perkim"
    BANK = "bank"
    BP_TAPERA = "bp_tapera"
    BAZNAS = "baznas"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "dinas_perkim": _l("Dinas Perkim kabupaten/kota"),
            "bank": _l("Bank penyalur"),
            "bp_tapera": _l("BP Tapera"),
            "baznas": _l("BAZNAS / lembaga zakat"),
            "other": _l("Lembaga lain"),
        }


class ReferralAnswer(LabelledEnum):
    PENDING = "pending"
    IN_PROCESS = "in_process"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @classmethod
    def _labels(cls):
        return {
            "pending": _l("Menunggu jawaban"),
            "in_process": _l("Sedang diproses"),
            "accepted": _l("Diterima"),
            "rejected": _l("Ditolak"),
        }


# answers after which the agency still owes the final word
OPEN_ANSWERS = (ReferralAnswer.PENDING, ReferralAnswer.IN_PROCESS)


class Agency(db.Model):
    """An agency the clinic refers households to (admin reference list)."""

    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=AgencyKind.OTHER)
    regency_code: Mapped[str | None] = mapped_column(String(5))  # Dinas Perkim of one regency
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReferralCounter(db.Model):
    """Next letter sequence per unit and year; bumped with an atomic upsert like CaseCounter."""

    __tablename__ = "referral_counter"
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Referral(db.Model):
    __tablename__ = "referral"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "seq", name="uq_referral_unit_year_seq"),
        Index("ix_referral_answer_date", "answer_code", "letter_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the office that wrote
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    programme: Mapped[str] = mapped_column(String(40))  # a code of KRS_REFERRAL_PROGRAMMES
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    letter_number: Mapped[str] = mapped_column(String(80), index=True)  # unique by (unit, year, seq)
    letter_date: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(Text)  # what the letter asks of the agency
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    answer_code: Mapped[str] = mapped_column(String(20), default=ReferralAnswer.PENDING)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answer_date: Mapped[date | None] = mapped_column(Date)
    next_step: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # issue 19: the programme pre-check the referral was written from (krs/assessments)
    precheck_id: Mapped[int | None] = mapped_column(ForeignKey("programme_precheck.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship()
    unit: Mapped[Unit] = relationship()
    precheck: Mapped[PreCheck | None] = relationship()
    agency: Mapped[Agency] = relationship(lazy="joined")
    signer: Mapped[User] = relationship(foreign_keys=[signer_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def is_open(self) -> bool:
        return self.answer_code in OPEN_ANSWERS


class StatusLink(db.Model):
    """The public status page of a case (/status/<token>), printed as a QR on the receipt.

    The token is random (secrets.token_urlsafe(24)) and kept plain so the receipt can be printed
    again; revoking sets revoked_at and a new link is made. The page shows no personal data."""

    __tablename__ = "status_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()
