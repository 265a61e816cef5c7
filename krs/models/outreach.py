"""Tables of the groups and outreach feature (issue 8). Timestamps are stored in UTC."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow
from krs.models.cases import Case
from krs.models.people import Unit, User


class GroupKind(LabelledEnum):
    COMMUNITY = "community"
    KSM = "ksm"
    COOPERATIVE = "cooperative"
    VILLAGE_GOV = "village_gov"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "community": _l("Kelompok masyarakat"),
            "ksm": _l("Kelompok Swadaya Masyarakat (KSM)"),
            "cooperative": _l("Koperasi"),
            "village_gov": _l("Pemerintah desa"),
            "other": _l("Lainnya"),
        }


class GroupMember(db.Model):
    """A member household of a group applicant; listing members is optional."""

    __tablename__ = "group_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


session_staff = Table(
    "outreach_session_staff",
    db.metadata,
    Column("session_id", ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id"), primary_key=True, index=True),
)


class OutreachSession(db.Model):
    """A counselling session in a village (sosialisasi, penyuluhan, jemput bola)."""

    __tablename__ = "outreach_session"
    __table_args__ = (Index("ix_outreach_unit_date", "unit_id", "held_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    held_on: Mapped[date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    province_code: Mapped[str | None] = mapped_column(String(2))
    regency_code: Mapped[str | None] = mapped_column(String(5))
    district_code: Mapped[str | None] = mapped_column(String(8))
    village_code: Mapped[str | None] = mapped_column(String(13))
    place: Mapped[str] = mapped_column(String(200))  # e.g. "Balai desa Sukamaju"
    topic: Mapped[str] = mapped_column(String(200))
    services: Mapped[list] = mapped_column(JSON, default=list)  # ServiceType values
    participants_count: Mapped[int] = mapped_column(Integer, default=0)
    households_count: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit] = relationship()
    staff: Mapped[list[User]] = relationship(secondary=session_staff, order_by="User.full_name")
    attendees: Mapped[list[OutreachAttendee]] = relationship(
        cascade="all, delete-orphan", order_by="OutreachAttendee.id"
    )
    session_cases: Mapped[list[OutreachSessionCase]] = relationship(
        cascade="all, delete-orphan", order_by="OutreachSessionCase.case_id"
    )
    photos: Mapped[list[OutreachPhoto]] = relationship(
        cascade="all, delete-orphan", order_by="OutreachPhoto.id"
    )


class OutreachAttendee(db.Model):
    """A household identified at a session by the NIK of the person who came (the household key)."""

    __tablename__ = "outreach_attendee"
    __table_args__ = (UniqueConstraint("session_id", "nik", name="uq_outreach_attendee_nik"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("outreach_session.id", ondelete="CASCADE"))
    nik: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str | None] = mapped_column(String(150))


class OutreachSessionCase(db.Model):
    """A case opened at a session (a case is opened at one session at most)."""

    __tablename__ = "outreach_session_case"
    __table_args__ = (UniqueConstraint("case_id", name="uq_outreach_session_case_case"),)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)

    case: Mapped[Case] = relationship()


class OutreachPhoto(db.Model):
    __tablename__ = "outreach_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("outreach_session.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
