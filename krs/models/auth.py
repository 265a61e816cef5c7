"""Failed sign-in counters, keyed by the (lower-cased) username that was typed.

Keyed by name, not by user id, so an unknown username is counted and locked exactly like a real
one: the lock itself never tells an attacker which accounts exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from krs.extensions import db


class LoginThrottle(db.Model):
    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
