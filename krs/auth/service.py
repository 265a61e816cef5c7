"""Sign-in rules: password check, last login, password policy, an intern's placement period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from krs import audit
from krs.extensions import db
from krs.models import LoginThrottle, Placement, Role, User, utcnow
from krs.passwords import password_problem
from krs.workdays import today_in

# Temporary lock per account name: this many failures inside the window lock it for LOCK_MINUTES.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_MINUTES = 15


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


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AuthError(_l("Kata sandi saat ini salah."))
    problem = password_problem(user, new)
    if problem:
        raise AuthError(problem)
    user.set_password(new)
    user.must_change_password = False
    audit.record(user, "auth.change_password", "user", user.id)
    db.session.commit()


def sign_out(user: User) -> None:
    audit.record(user, "auth.logout", "user", user.id)
    db.session.commit()
