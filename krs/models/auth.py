"""Failed sign-in counters, keyed by the (lower-cased) username that was typed; the server-side
record of every signed-in session.

Keyed by name, not by user id, so an unknown username is counted and locked exactly like a real
one: the lock itself never tells an attacker which accounts exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Delete, ForeignKey, Integer, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from krs.extensions import db
from krs.models.base import utcnow


class LoginThrottle(db.Model):
    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserSession(db.Model):
    """One signed-in session (issue 13): created at sign-in, its id held in the signed session
    cookie. A cookie whose row is gone signs nobody in: sign-out deletes the row, a password change
    or reset, deactivation and an admin's "end all sessions" delete the user's rows."""

    __tablename__ = "user_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # secrets.token_urlsafe(32)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def end_sessions_of(user_id: int, keep: str | None = None) -> Delete:
    """The statement ending every session of a user, but `keep` (the one making a password change)."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    return stmt.where(UserSession.id != keep) if keep else stmt
