"""Sign-in rules: password check, last login, password policy."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from krs import audit
from krs.extensions import db
from krs.models import User, utcnow

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


class AuthError(Exception):
    pass


def authenticate(username: str, password: str, today: date | None = None) -> User:
    """The user for these credentials; one message for unknown user and wrong password."""
    user = db.session.execute(
        select(User).where(func.lower(User.username) == (username or "").strip().lower())
    ).scalar_one_or_none()
    if user is None or not user.check_password(password or ""):
        raise AuthError(_l("Nama pengguna atau kata sandi salah."))
    if not user.active:
        raise AuthError(_l("Akun ini dinonaktifkan. Hubungi supervisor atau admin unit Anda."))
    from krs.worklog.service import sign_in_refusal

    if refusal := sign_in_refusal(user, today):  # an intern outside their placement period
        raise AuthError(refusal)
    user.last_login_at = utcnow()
    audit.record(user, "auth.login", "user", user.id)
    db.session.commit()
    return user


def password_problem(user: User, password: str) -> str | None:
    if len(password) < 10:
        return str(_l("Kata sandi minimal 10 karakter."))
    if password.lower() in COMMON_PASSWORDS or password.lower() == user.username.lower():
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
