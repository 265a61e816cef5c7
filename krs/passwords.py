"""The password policy: long enough, not a common password, not the username.

Used where a password is set: a user changing their own (krs.auth), an admin setting one
(krs.admin), the `create-admin` command.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from krs.models import User

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
