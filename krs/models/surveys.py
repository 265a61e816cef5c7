"""IKM survey (PermenPANRB 14/2017): one row per invitation; the raw answers once it is filled in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from krs.extensions import db
from krs.models.base import utcnow


class Survey(db.Model):
    """An invitation (token, usable once, expiring) and, after submission, the nine answers (1-4).

    The index itself is never stored: krs.surveys.service computes it from these answers.
    """

    __tablename__ = "ikm_survey"
    __table_args__ = (Index("ix_survey_unit_submitted", "unit_id", "submitted_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    mode: Mapped[str] = mapped_column(String(10), default="link")  # link | kiosk
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    u1: Mapped[int | None] = mapped_column(SmallInteger)
    u2: Mapped[int | None] = mapped_column(SmallInteger)
    u3: Mapped[int | None] = mapped_column(SmallInteger)
    u4: Mapped[int | None] = mapped_column(SmallInteger)
    u5: Mapped[int | None] = mapped_column(SmallInteger)
    u6: Mapped[int | None] = mapped_column(SmallInteger)
    u7: Mapped[int | None] = mapped_column(SmallInteger)
    u8: Mapped[int | None] = mapped_column(SmallInteger)
    u9: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)

    @property
    def answers(self) -> list[int | None]:
        return [getattr(self, f"u{i}") for i in range(1, 10)]
