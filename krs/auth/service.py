"""Sign-in rules: password check, last login, password policy, an intern's placement period; the
server-side record of each signed-in session (issue 13: sign-out and a password change end
sessions for good, a copied cookie included)."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, select

from krs import audit
from krs.extensions import db
from krs.models import LoginThrottle, Placement, Role, User, UserSession, end_sessions_of, utcnow
from krs.passwords import password_problem
from krs.workdays import today_in

# Temporary lock per account name: this many failures inside the window lock it for LOCK_MINUTES.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_MINUTES = 15

# the key of the session record's id in the (signed) session cookie
SESSION_KEY = "_krs_sid"


class AuthError(Exception):
    pass


class LockedError(AuthError):
    """Too many failed attempts for this account name: refused even with the right password."""


class RefusedError(AuthError):
    """The right password for an account that may not sign in (inactive, placement over)."""


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # SQLite drops the offset; we store UTC
    return value


def _lock_settings() -> tuple[int, int]:
    if has_app_context():
        cfg = current_app.config
        return cfg.get("KRS_LOGIN_MAX_FAILURES", MAX_FAILURES), cfg.get(
            "KRS_LOGIN_LOCK_MINUTES", LOCK_MINUTES
        )
    return MAX_FAILURES, LOCK_MINUTES


def _throttle(key: str) -> LoginThrottle | None:
    return db.session.get(LoginThrottle, key) if key else None


def _record_failure(key: str, now: datetime) -> None:
    if not key:
        return
    max_failures, lock_minutes = _lock_settings()
    row = _throttle(key) or LoginThrottle(username=key, failures=0)
    first = _aware(row.first_failure_at)
    if first is None or now - first > FAILURE_WINDOW:
        row.failures, row.first_failure_at = 0, now
    row.failures += 1
    if row.failures >= max_failures:
        row.locked_until = now + timedelta(minutes=lock_minutes)
        row.failures, row.first_failure_at = 0, None
        audit.record(None, "auth.locked", "login", None, None, {"username": key[:60]})
    db.session.add(row)
    db.session.commit()


def authenticate(
    username: str, password: str, today: date | None = None, now: datetime | None = None
) -> User:
    """The user for these credentials; one message for unknown user and wrong password.

    After MAX_FAILURES failures in FAILURE_WINDOW the account name is locked for LOCK_MINUTES,
    whether or not such an account exists (so the lock reveals nothing either).
    """
    now = now or utcnow()
    key = (username or "").strip().lower()[:60]
    row = _throttle(key)
    locked_until = _aware(row.locked_until) if row else None
    if locked_until and locked_until > now:
        _max, minutes = _lock_settings()
        raise LockedError(
            _l(
                "Terlalu banyak percobaan masuk yang gagal. Akun dikunci sementara; "
                "coba lagi dalam %(minutes)s menit atau hubungi admin unit Anda.",
                minutes=minutes,
            )
        )
    user = db.session.execute(select(User).where(func.lower(User.username) == key)).scalar_one_or_none()
    if user is None or not user.check_password(password or ""):
        _record_failure(key, now)
        raise AuthError(_l("Nama pengguna atau kata sandi salah."))
    if not user.active:
        raise RefusedError(_l("Akun ini dinonaktifkan. Hubungi supervisor atau admin unit Anda."))
    if refusal := sign_in_refusal(user, today):  # an intern outside their placement period
        raise RefusedError(refusal)
    if row is not None:
        db.session.delete(row)
    user.last_login_at = now
    audit.record(user, "auth.login", "user", user.id)
    db.session.commit()
    return user


def sign_in_refusal(user: User, today: date | None = None) -> str | None:
    """Why an intern may not sign in today (outside every placement period), or None.

    Only interns are concerned. An intern account without any placement yet is not refused: the
    supervisor creates the account first and records the placement afterwards. Nothing is deleted
    when a period ends; the account simply stops working until a placement covers today again.
    """
    if user.role != Role.INTERN:
        return None
    placements = list(
        db.session.scalars(
            select(Placement).where(Placement.user_id == user.id).order_by(Placement.start_date)
        )
    )
    if not placements:
        return None
    today = today or today_in(user.unit.timezone)
    if any(p.covers(today) for p in placements):
        return None
    upcoming = [p for p in placements if p.start_date > today]
    if upcoming:
        return _(
            "Masa magang Anda baru dimulai %(date)s; akun magang dapat dipakai mulai tanggal itu.",
            date=format_date(upcoming[0].start_date, "d MMM y"),
        )
    last = max(p.end_date for p in placements)
    return _(
        "Masa magang Anda berakhir %(date)s, sehingga akun magang ini tidak dapat dipakai lagi. "
        "Logbook Anda tetap tersimpan; hubungi supervisor unit bila masa magang diperpanjang.",
        date=format_date(last, "d MMM y"),
    )


def change_password(user: User, current: str, new: str, session_id: str | None = None) -> None:
    """A new password ends every other session of the user; `session_id` (the one asking) stays."""
    if not user.check_password(current):
        raise AuthError(_l("Kata sandi saat ini salah."))
    problem = password_problem(user, new)
    if problem:
        raise AuthError(problem)
    user.set_password(new)
    user.must_change_password = False
    ended = db.session.execute(end_sessions_of(user.id, keep=session_id)).rowcount
    audit.record(user, "auth.change_password", "user", user.id, None, {"other_sessions_ended": ended})
    db.session.commit()


def sign_out(user: User, session_id: str | None) -> None:
    """Sign-out ends the session on the server: its cookie, copied or not, signs nobody in again."""
    end_session(session_id, commit=False)
    audit.record(user, "auth.logout", "user", user.id)
    db.session.commit()


# ---------------------------------------------------------------- server-side sessions


def start_session(user: User, now: datetime | None = None) -> str:
    """A new session record for a sign-in; its id goes into the session cookie. The user's records
    older than the absolute session lifetime (dead anyway) are removed on the way."""
    now = now or utcnow()
    hours = float(current_app.config.get("KRS_ABSOLUTE_HOURS", 12)) if has_app_context() else 12.0
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at < now - timedelta(hours=hours)
        )
    )
    record = UserSession(id=secrets.token_urlsafe(32), user_id=user.id, created_at=now)
    db.session.add(record)
    db.session.commit()
    return record.id


# built once (issue 17): every signed-in request runs it, and building the statement cost as much
# as running it; the values are bound per request
_USER_OF_SESSION = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), UserSession.id == bindparam("session_id"))
)


def user_of_session(user_id: int, session_id) -> User | None:
    """The user of a live session record (one query: the user, its unit and the record), or None
    when the record is gone (signed out, password changed, sessions ended by an admin)."""
    if not isinstance(session_id, str) or not session_id:
        return None
    return db.session.execute(
        _USER_OF_SESSION, {"user_id": user_id, "session_id": session_id}
    ).scalar_one_or_none()


def end_session(session_id: str | None, commit: bool = True) -> None:
    if isinstance(session_id, str) and session_id:
        db.session.execute(delete(UserSession).where(UserSession.id == session_id))
        if commit:
            db.session.commit()
