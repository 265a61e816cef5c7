"""Intern placements and the logbook (DESIGN.md §3 WorkLog): entries, weeks submitted for review."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow
from krs.models.cases import Case
from krs.models.people import Unit, User


class WorkCategory(LabelledEnum):
    DESK_SERVICE = "desk_service"
    FIELD_VISIT = "field_visit"
    DESIGN_DRAWING = "design_drawing"
    COST_ESTIMATE = "cost_estimate"
    DATA_ENTRY = "data_entry"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "desk_service": _l("Layanan meja (Pojok KRS)"),
            "field_visit": _l("Kunjungan lapangan"),
            "design_drawing": _l("Gambar desain"),
            "cost_estimate": _l("Rencana anggaran biaya (RAB)"),
            "data_entry": _l("Entri data"),
            "other": _l("Lainnya"),
        }


class WeekStatus(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"

    @classmethod
    def _labels(cls):
        return {
            "draft": _l("Draf"),
            "submitted": _l("Diajukan"),
            "approved": _l("Disetujui"),
            "returned": _l("Dikembalikan"),
        }


class Placement(db.Model):
    """An intern's placement at a unit: the account signs in only between start and end date."""

    __tablename__ = "placement"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    university: Mapped[str] = mapped_column(String(200))
    study_programme: Mapped[str] = mapped_column(String(200))
    field_supervisor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    intern: Mapped[User] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit] = relationship()
    field_supervisor: Mapped[User] = relationship(foreign_keys=[field_supervisor_id])

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


worklog_entry_case = Table(
    "worklog_entry_case",
    db.metadata,
    Column("entry_id", ForeignKey("worklog_entry.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class WorkLogEntry(db.Model):
    """A piece of an intern's day. Entries made from a case follow-up keep its event id."""

    __tablename__ = "worklog_entry"
    __table_args__ = (
        Index("ix_worklog_entry_user_date", "user_id", "work_date"),
        Index("ix_worklog_entry_user_week", "user_id", "week_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    work_date: Mapped[date] = mapped_column(Date)
    week_start: Mapped[date] = mapped_column(Date)  # Monday of work_date's ISO week (joins WorkWeek)
    minutes: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    annotation: Mapped[str | None] = mapped_column(Text)
    source_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_event.id", ondelete="SET NULL"), unique=True
    )
    # an outreach session the intern attended (issue 8): one entry per intern and session
    source_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    intern: Mapped[User] = relationship()
    cases: Mapped[list[Case]] = relationship(
        secondary=worklog_entry_case, lazy="selectin", order_by=Case.number
    )

    @property
    def from_follow_up(self) -> bool:
        return self.source_event_id is not None

    @property
    def from_session(self) -> bool:
        return self.source_session_id is not None

    @property
    def is_generated(self) -> bool:
        """Made from work recorded elsewhere (a case follow-up or an outreach session): its date and
        description follow that record; minutes, category and annotation can still change."""
        return self.from_follow_up or self.from_session


class WorkWeek(db.Model):
    """One ISO week (Monday start) of an intern's logbook: draft → submitted → approved | returned."""

    __tablename__ = "work_week"
    __table_args__ = (UniqueConstraint("user_id", "week_start", name="uq_work_week_user_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=WeekStatus.DRAFT, index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    intern: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def locked(self) -> bool:
        return self.status in (WeekStatus.SUBMITTED, WeekStatus.APPROVED)
