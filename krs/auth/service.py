"""Sign-in rules: password check, last login, password policy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from krs import audit
from krs.extensions import db
from krs.models import LoginThrottle, User, utcnow

# Temporary lock per account name: this many failures inside the window lock it for LOCK_MINUTES.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_MINUTES = 15

COMMON_PASSWORDS = {
    "password",
    "password1",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty123",
    "admin123",
    "rahasia123",
    "indonesia",
    "bismillah",
    "krs-demo",
    "passw0rd",
    "iloveyou",
    "11111111",
}


# Words that, with only digits or symbols added, make a password that is guessed first.
COMMON_WORDS = {
    "password",
    "passw0rd",
    "qwerty",
    "admin",
    "rahasia",
    "indonesia",
    "bismillah",
    "krs",
    "jakarta",
    "sayang",
    "rumah",
    "swadaya",
    "welcome",
    "letmein",
    "abc",
    "123",
    "",
}


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
    from krs.worklog.service import sign_in_refusal

    if refusal := sign_in_refusal(user, today):  # an intern outside their placement period
        raise RefusedError(refusal)
    if row is not None:
        db.session.delete(row)
    user.last_login_at = now
    audit.record(user, "auth.login", "user", user.id)
    db.session.commit()
    return user


def password_problem(user: User, password: str) -> str | None:
    """Length, not a common password (also with digits or symbols tacked on), not the username."""
    if len(password) < 10:
        return str(_l("Kata sandi minimal 10 karakter."))
    if len(password) > 200:
        return str(_l("Kata sandi maksimal 200 karakter."))
    lowered = password.lower()
    core = lowered.rstrip("0123456789!@#$%^&*.?-_ ")
    username = (user.username or "").lower()
    guessable = (
        lowered in COMMON_PASSWORDS
        or core in COMMON_PASSWORDS
        or core in COMMON_WORDS
        or (len(username) >= 3 and username in lowered)
        or len(set(lowered)) < 4
    )
    if guessable:
        return str(_l("Kata sandi terlalu mudah ditebak; jangan gunakan nama pengguna atau kata umum."))
    return None


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
