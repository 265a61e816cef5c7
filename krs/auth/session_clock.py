"""Idle and absolute session timeouts, checked on every request by the guard in krs/__init__.py.

The session cookie is signed, so the two timestamps it carries cannot be changed by the client.
Idle: no request for KRS_IDLE_MINUTES (also the cookie's own lifetime, PERMANENT_SESSION_LIFETIME).
Absolute: KRS_ABSOLUTE_HOURS after sign-in, however busy the session, a new sign-in is needed.
"""

from __future__ import annotations

import time

from flask import current_app, session

LOGIN_AT = "_krs_login_at"
SEEN_AT = "_krs_seen_at"


def start(now: float | None = None) -> None:
    now = now or time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def expired(now: float | None = None) -> bool:
    """Whether the signed-in session has run out; otherwise marks this request as activity.

    A session from before these stamps existed is stamped now (bounded from here on).
    """
    now = now or time.time()
    idle = current_app.permanent_session_lifetime.total_seconds()
    absolute = float(current_app.config.get("KRS_ABSOLUTE_HOURS", 12)) * 3600
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        start(now)
        return False
    if now - login_at > absolute or now - seen_at > idle:
        return True
    if now - seen_at > 30:  # write the cookie at most every half minute
        session[SEEN_AT] = now
    return False
