"""Sign-in, sign-out, idle timeout and password change."""

import time
from datetime import timedelta

from krs.extensions import db
from krs.models import AuditLog, Role, User
from tests.support import TEST_PASSWORD


def test_sign_in_with_the_password_and_land_on_home(client, make_user):
    user = make_user(Role.STAFF, username="staf.uji")
    resp = client.post("/login", data={"username": "staf.uji", "password": TEST_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert "Selamat datang" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None
    assert db.session.query(AuditLog).filter_by(action="auth.login", actor_id=user.id).count() == 1


def test_unknown_user_and_wrong_password_get_the_same_message(client, make_user):
    make_user(Role.STAFF, username="staf.uji")
    wrong = client.post("/login", data={"username": "staf.uji", "password": "salah-sekali"})
    unknown = client.post("/login", data={"username": "tidak.ada", "password": "salah-sekali"})
    assert wrong.status_code == unknown.status_code == 401
    for resp in (wrong, unknown):
        assert "Nama pengguna atau kata sandi salah." in resp.get_data(as_text=True)


def test_inactive_account_cannot_sign_in(client, make_user):
    make_user(Role.STAFF, username="staf.nonaktif", active=False)
    resp = client.post("/login", data={"username": "staf.nonaktif", "password": TEST_PASSWORD})
    assert resp.status_code == 401


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    make_user(Role.STAFF, username="staf.uji")
    resp = client.post(
        "/login?next=//evil.example/x", data={"username": "staf.uji", "password": TEST_PASSWORD}
    )
    assert resp.headers["Location"] == "/"
    client.post("/logout")
    resp = client.post("/login?next=/cases", data={"username": "staf.uji", "password": TEST_PASSWORD})
    assert resp.headers["Location"] == "/cases"


def test_logout_is_post_only(client, make_user, login_as):
    login_as(make_user(Role.STAFF))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/cases").status_code == 302  # signed out: back to the sign-in page


def test_pages_need_a_signed_in_user_and_htmx_gets_a_redirect_header(client):
    resp = client.get("/cases")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    resp = client.get("/cases", headers={"HX-Request": "true"})
    assert resp.status_code == 401 and resp.headers["HX-Redirect"] == "/login"


def test_idle_session_expires(app, client, make_user, login_as):
    login_as(make_user(Role.STAFF))
    assert client.get("/").status_code == 200
    old = app.permanent_session_lifetime
    app.permanent_session_lifetime = timedelta(seconds=1)
    try:
        client.get("/")  # renews the cookie with the short lifetime
        time.sleep(2.1)
        resp = client.get("/")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    finally:
        app.permanent_session_lifetime = old


def test_forced_password_change_then_policy(client, make_user, login_as):
    user = make_user(Role.STAFF, username="baru.sekali", must_change_password=True)
    login_as(user)
    resp = client.get("/cases")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/password")
    body = client.post(
        "/password", data={"current": TEST_PASSWORD, "new": "pendek", "confirm": "pendek"}
    ).get_data(as_text=True)
    assert "minimal 10 karakter" in body
    body = client.post(
        "/password", data={"current": TEST_PASSWORD, "new": "baru.sekali", "confirm": "baru.sekali"}
    ).get_data(as_text=True)
    assert "mudah ditebak" in body
    resp = client.post(
        "/password", data={"current": TEST_PASSWORD, "new": "Rumah-Layak-2026", "confirm": "Rumah-Layak-2026"}
    )
    assert resp.status_code == 302
    assert client.get("/cases").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("Rumah-Layak-2026")


def test_security_headers(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
