"""A request to move a case to another unit; the receiving supervisor accepts or rejects it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow
from krs.models.cases import Case
from krs.models.people import Unit, User


class TransferStatus(LabelledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @classmethod
    def _labels(cls):
        return {"pending": _l("Menunggu keputusan"), "accepted": _l("Diterima"), "rejected": _l("Ditolak")}


class CaseTransfer(db.Model):
    __tablename__ = "case_transfer"
    __table_args__ = (
        Index("ix_transfer_to_status", "to_unit_id", "status"),
        Index("ix_transfer_from_status", "from_unit_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[str] = mapped_column(String(20), default=TransferStatus.PENDING)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_comment: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING
