"""Issue 13 point 3: sign-out, a password change and an admin's "end all sessions" end sessions on
the server, so a copied session cookie stops working too."""

from __future__ import annotations

from sqlalchemy import func, select

from krs.extensions import db
from krs.models import AuditLog, Role, UserSession
from tests.support import TEST_PASSWORD, login

NEW_PASSWORD = "Rumah-swadaya-2026!"


def _sign_in(app, username: str, password: str = TEST_PASSWORD):
    """A client signed in through the real form (as a browser would)."""
    client = app.test_client()
    resp = client.post("/login", data={"username": username, "password": password})
    assert resp.status_code == 302, resp.status_code
    return client


def _copy_of(app, client):
    """Another client holding a copy of `client`'s session cookie (a stolen cookie)."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def _signed_in(client) -> bool:
    resp = client.get("/cases")
    if resp.status_code == 200:
        return True
    assert resp.status_code == 302 and "/login" in resp.headers["Location"], resp.status_code
    return False


def test_a_copied_cookie_is_dead_after_logout(app, make_user):
    make_user(Role.STAFF, username="budi")
    client = _sign_in(app, "budi")
    thief = _copy_of(app, client)
    assert _signed_in(thief)  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    assert not _signed_in(thief)
    assert not _signed_in(client)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, make_user):
    make_user(Role.STAFF, username="sari")
    desk, phone = _sign_in(app, "sari"), _sign_in(app, "sari")
    resp = desk.post(
        "/password", data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:400]
    assert _signed_in(desk)
    assert not _signed_in(phone)
    follow = phone.get("/login").get_data(as_text=True)
    assert "Sesi Anda berakhir" in follow


def test_an_admin_ends_every_session_of_a_user_and_it_is_audited(app, make_user):
    admin = make_user(Role.ADMIN)
    staff = make_user(Role.STAFF, username="andi")
    desk, phone = _sign_in(app, "andi"), _sign_in(app, "andi")
    admin_client = app.test_client()
    login(admin_client, admin)
    page = admin_client.get(f"/admin/users/{staff.id}")
    assert f"/admin/users/{staff.id}/end-sessions" in page.get_data(as_text=True)
    resp = admin_client.post(f"/admin/users/{staff.id}/end-sessions", data={"confirm": "1"})
    assert resp.status_code == 302
    assert not _signed_in(desk) and not _signed_in(phone)
    assert _signed_in(admin_client)
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "user.end_sessions")).one()
    assert row.actor_id == admin.id and row.entity_id == staff.id and row.after == {"sessions_ended": 2}
    assert _signed_in(_sign_in(app, "andi"))  # signing in again works


def test_a_supervisor_ends_sessions_of_own_unit_staff_only(app, make_user, units):
    spv = make_user(Role.SUPERVISOR)
    own = make_user(Role.STAFF, username="dewi")
    other = make_user(Role.STAFF, unit=units["jawa3"], username="eko")
    peer = make_user(Role.SUPERVISOR, username="fajar")  # supervisors manage staff and interns only
    clients = {u.username: _sign_in(app, u.username) for u in (own, other, peer)}
    client = app.test_client()
    login(client, spv)
    assert client.post(f"/admin/users/{other.id}/end-sessions", data={"confirm": "1"}).status_code == 404
    assert client.post(f"/admin/users/{peer.id}/end-sessions", data={"confirm": "1"}).status_code == 404
    assert client.post(f"/admin/users/{own.id}/end-sessions", data={"confirm": "1"}).status_code == 302
    assert not _signed_in(clients["dewi"])
    assert _signed_in(clients["eko"]) and _signed_in(clients["fajar"])


def test_a_password_reset_and_deactivation_end_every_session(app, make_user):
    admin = make_user(Role.ADMIN)
    reset, leaving = make_user(Role.STAFF, username="gita"), make_user(Role.STAFF, username="hadi")
    clients = {u.username: _sign_in(app, u.username) for u in (reset, leaving)}
    client = app.test_client()
    login(client, admin)
    assert client.post(f"/admin/users/{reset.id}/reset-password", data={"confirm": "1"}).status_code == 200
    assert client.post(f"/admin/users/{leaving.id}/active", data={"active": "0"}).status_code == 302
    assert not _signed_in(clients["gita"]) and not _signed_in(clients["hadi"])


def test_a_cookie_without_a_session_record_signs_nobody_in(app, make_user):
    """A cookie made with the secret key but no record (or one from before this change)."""
    user = make_user(Role.STAFF)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
    assert not _signed_in(client)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_krs_sid"] = "made-up"
    assert not _signed_in(client)
