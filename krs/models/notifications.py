"""In-app notifications: one row per person and thing that waits for them."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow
from krs.models.cases import Case


class NotificationKind(LabelledEnum):
    ASSIGNED = "assigned"
    CLOSURE_WAITING = "closure_waiting"
    RETURNED = "returned"
    TRANSFER_WAITING = "transfer_waiting"
    TRANSFER_DECIDED = "transfer_decided"
    NEXT_ACTION_DUE = "next_action_due"
    ASSIGNED_MANY = "assigned_many"  # a bulk assignment: one notice per officer, not one per case

    @classmethod
    def _labels(cls):
        return {
            "assigned": _l("Ditugaskan kepada Anda"),
            "closure_waiting": _l("Penutupan menunggu persetujuan Anda"),
            "returned": _l("Dikembalikan kepada Anda"),
            "transfer_waiting": _l("Pemindahan kasus menunggu keputusan"),
            "transfer_decided": _l("Pemindahan kasus diputuskan"),
            "next_action_due": _l("Tanggal tindakan berikutnya tiba"),
            "assigned_many": _l("Beberapa kasus ditugaskan kepada Anda"),
        }


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_read", "user_id", "read_at"),
        UniqueConstraint("user_id", "dedupe_key", name="uq_notification_user_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(300))
    dedupe_key: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case | None] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DigestSent(db.Model):
    """A daily digest handed to one person for one day (krs.notifications.digest): the row is
    claimed before the mail goes out, so two runs of `send_digests` never send twice."""

    __tablename__ = "digest_sent"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_digest_sent_user_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(10), default="email")
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
