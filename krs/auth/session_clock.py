"""Idle and absolute session timeouts, checked on every request by the guard in krs/__init__.py.

The session cookie is signed, so the two timestamps it carries cannot be changed by the client.
Idle: no request for KRS_IDLE_MINUTES. Absolute: KRS_ABSOLUTE_HOURS after sign-in, however busy
the session, a new sign-in is needed. The cookie itself lives as long as the absolute limit: the
server ends an idle session, and a form posted after that still reaches it with its user, so what
was typed is kept as a draft (krs/drafts.py, issue 14) instead of being refused.

A minute before the idle limit the page warns (the session-status fragment, polled without
counting as activity) and "Tetap masuk" extends the session.
"""

from __future__ import annotations

import time

from flask import current_app, session

LOGIN_AT = "_krs_login_at"
SEEN_AT = "_krs_seen_at"
# polled by the page: they never count as activity, and an ended session is answered in place
# (no redirect that would take the tab, and what is typed in it, to the sign-in page)
PASSIVE_ENDPOINTS = frozenset({"main.session_status", "notifications.count"})
# answered in place too when the session has ended: "Tetap masuk" clicked a moment too late
IN_PLACE_ENDPOINTS = PASSIVE_ENDPOINTS | {"main.stay_signed_in"}


def start(now: float | None = None) -> None:
    now = now or time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def idle_seconds() -> float:
    minutes = current_app.config.get("KRS_IDLE_MINUTES")
    if minutes:
        return float(minutes) * 60
    return current_app.permanent_session_lifetime.total_seconds()


def absolute_seconds() -> float:
    return float(current_app.config.get("KRS_ABSOLUTE_HOURS", 12)) * 3600


def warning_seconds() -> float:
    """How long before the end the page warns: a minute (half the idle time when that is shorter)."""
    return min(60.0, idle_seconds() / 2)


def seconds_left(now: float | None = None) -> float:
    """Until the session ends (idle or absolute, whichever first); 0 when it has."""
    now = now or time.time()
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        return idle_seconds()
    return max(0.0, min(seen_at + idle_seconds(), login_at + absolute_seconds()) - now)


def expired(now: float | None = None, passive: bool = False) -> bool:
    """Whether the signed-in session has run out; otherwise marks this request as activity
    (unless `passive`: a poll).

    A session from before these stamps existed is stamped now (bounded from here on).
    """
    now = now or time.time()
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        start(now)
        return False
    if now - login_at > absolute_seconds() or now - seen_at > idle_seconds():
        return True
    # write the cookie at most every half minute (sooner with a very short idle limit)
    if not passive and now - seen_at > min(30.0, idle_seconds() / 4):
        session[SEEN_AT] = now
    return False


def extend(now: float | None = None) -> None:
    """Tetap masuk: this counts as activity, whenever the last stamp was written."""
    session[SEEN_AT] = now or time.time()
