"""The working calendar the admin governs: per year, whether collective leave counts as off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer
from sqlalchemy.orm import Mapped, mapped_column

from krs.extensions import db
from krs.models.base import utcnow


class WorkCalendarYear(db.Model):
    """Whether the *cuti bersama* days of a year (the `holidays` package's `government` category
    for Indonesia) are non-working days. No row: they are (the default, issue 13 point 8)."""

    __tablename__ = "work_calendar_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    collective_leave_off: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
