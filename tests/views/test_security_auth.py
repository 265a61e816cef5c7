"""Sign-in: one message for unknown user and wrong password, a lock per account name, a rate
limit per address, a new session on login, idle and absolute timeouts, password policy and
change, and the forced change on first login."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from krs import passwords
from krs.auth import service, session_clock
from krs.extensions import db
from krs.models import AuditLog, LoginThrottle, Role, User, utcnow
from tests.support import TEST_PASSWORD, login

WRONG = "Nama pengguna atau kata sandi salah."
LOCKED = "Terlalu banyak percobaan masuk yang gagal"


def _post_login(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def test_unknown_user_and_wrong_password_get_the_same_answer(client, make_user):
    make_user(Role.STAFF, username="budi")
    unknown = _post_login(client, "tidak-ada", "salah-sekali-123")
    wrong = _post_login(client, "budi", "salah-sekali-123")
    assert unknown.status_code == wrong.status_code == 401
    assert WRONG in unknown.get_data(as_text=True) and WRONG in wrong.get_data(as_text=True)


def test_good_credentials_sign_in_and_are_audited(client, make_user):
    user = make_user(Role.STAFF, username="budi")
    resp = _post_login(client, "Budi", TEST_PASSWORD)
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "auth.login")) == 1
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_account_locks_after_repeated_failures_even_with_the_right_password(client, make_user):
    make_user(Role.STAFF, username="budi")
    for _ in range(service.MAX_FAILURES):
        assert _post_login(client, "budi", "salah-sekali-123").status_code == 401
    resp = _post_login(client, "budi", TEST_PASSWORD)
    assert resp.status_code == 401
    assert LOCKED in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "auth.locked")) == 1


def test_unknown_account_names_lock_the_same_way(client, make_user):
    """The lock must not tell an attacker which usernames exist."""
    for _ in range(service.MAX_FAILURES):
        _post_login(client, "hantu", "salah-sekali-123")
    assert LOCKED in _post_login(client, "hantu", "apa-saja-123").get_data(as_text=True)


def test_lock_expires_and_success_clears_the_counter(make_user):
    user = make_user(Role.STAFF, username="budi")
    now = utcnow()
    for _ in range(service.MAX_FAILURES):
        with pytest.raises(service.AuthError):
            service.authenticate("budi", "salah", now=now)
    with pytest.raises(service.LockedError):
        service.authenticate("budi", TEST_PASSWORD, now=now + timedelta(minutes=1))
    later = now + timedelta(minutes=service.LOCK_MINUTES + 1)
    assert service.authenticate("budi", TEST_PASSWORD, now=later).id == user.id
    assert db.session.get(LoginThrottle, "budi") is None


def test_failures_spread_over_time_do_not_lock(make_user):
    make_user(Role.STAFF, username="budi")
    start = utcnow()
    for i in range(service.MAX_FAILURES * 2):
        with pytest.raises(service.AuthError) as exc:
            service.authenticate("budi", "salah", now=start + i * (service.FAILURE_WINDOW / 2))
        assert not isinstance(exc.value, service.LockedError)


def _limited_app(app, **settings):
    from config import TestConfig
    from krs import create_app

    class Limited(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        RATELIMIT_ENABLED = True

    for key, value in settings.items():
        setattr(Limited, key, value)
    return create_app(Limited)  # Flask-Limiter is one shared object: restore it afterwards


def test_rate_limit_per_address(app, make_user):
    """Flask-Limiter: 30 wrong passwords a minute from one address, then 429 with an Indonesian page."""
    from krs.auth.routes import LOGIN_RATE_LIMIT
    from krs.extensions import limiter

    per_minute = int(LOGIN_RATE_LIMIT.split(" per minute")[0])
    # isolate the per-address limit from the per-account lock
    limited = _limited_app(app, KRS_LOGIN_MAX_FAILURES=1000)
    codes = []
    try:
        _fire(limited, codes, per_minute + 2)
    finally:
        limiter.reset()
        limiter.enabled = False
    assert codes[:per_minute] == [401] * per_minute and codes[per_minute:] == [429, 429]


def _fire(limited, codes, n):
    with limited.app_context():
        client = limited.test_client()
        for i in range(n):
            resp = client.post("/login", data={"username": f"orang{i}", "password": "salah-sekali"})
            codes.append(resp.status_code)
        assert "Terlalu banyak percobaan" in resp.get_data(as_text=True)
        # another address is not affected
        other = client.post(
            "/login", data={"username": "x", "password": "y"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
        )
        assert other.status_code == 401
        db.session.remove()


def test_one_person_locks_their_account_not_the_office(app, make_user):
    """Issue 13: 30 wrong passwords for one account from the office's address, then twelve
    colleagues from the same address sign in; and an office of 50 signing in at 08:00 is never
    slowed. Only wrong passwords count against an address."""
    from krs.extensions import limiter

    colleagues = [make_user(Role.STAFF, username=f"kolega{i}") for i in range(50)]
    make_user(Role.STAFF, username="lupa")
    limited = _limited_app(app)
    try:
        with limited.app_context():
            client = limited.test_client()
            codes = [
                client.post("/login", data={"username": "lupa", "password": "salah-lagi"}).status_code
                for _ in range(30)
            ]
            assert set(codes) == {401}  # wrong, then locked: never 429 for the office
            for user in colleagues:
                office = limited.test_client()
                resp = office.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
                assert resp.status_code == 302, user.username
            db.session.remove()
    finally:
        limiter.reset()
        limiter.enabled = False


def test_login_starts_a_new_session(client, make_user):
    make_user(Role.STAFF, username="budi")
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"  # session fixation: a value set before sign-in
    _post_login(client, "budi", TEST_PASSWORD)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess[session_clock.LOGIN_AT] > 0


def test_logout_ends_the_session_and_is_audited(client, make_user):
    user = make_user(Role.STAFF)
    login(client, user)
    assert client.post("/logout").status_code == 302
    assert client.get("/cases").status_code == 302
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "auth.logout")) == 1


def _age_session(client, login_age: float, idle_age: float):
    now = time.time()
    with client.session_transaction() as sess:
        sess[session_clock.LOGIN_AT] = now - login_age
        sess[session_clock.SEEN_AT] = now - idle_age


def test_idle_timeout(client, app, make_user):
    login(client, make_user(Role.STAFF))
    idle = session_clock.idle_seconds()
    _age_session(client, idle - 60, idle - 60)
    assert client.get("/").status_code == 200  # still inside the window: and it renews
    _age_session(client, idle + 120, idle + 1)
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get("/").status_code == 302  # really signed out


def test_absolute_timeout_even_for_a_busy_session(client, app, make_user):
    login(client, make_user(Role.STAFF))
    absolute = app.config["KRS_ABSOLUTE_HOURS"] * 3600
    _age_session(client, absolute + 1, 5)
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    follow = client.get("/login")
    assert "Sesi Anda berakhir" in follow.get_data(as_text=True)


def test_htmx_request_after_timeout_asks_for_a_full_redirect(client, app, make_user):
    login(client, make_user(Role.STAFF))
    _age_session(client, app.config["KRS_ABSOLUTE_HOURS"] * 3600 + 1, 5)
    resp = client.get("/cases", headers={"HX-Request": "true"})
    assert resp.status_code == 401 and resp.headers["HX-Redirect"].endswith("/login")


@pytest.mark.parametrize(
    "password",
    [
        "pendek",
        "password123",
        "Rahasia2024!",
        "qwerty12345",
        "aaaaaaaaaaaa",
        "xxbudi-santoso99",
        "1212121212",
    ],
)
def test_password_policy_refuses_guessable_passwords(make_user, password):
    user = make_user(Role.STAFF, username="budi-santoso")
    assert passwords.password_problem(user, password)


@pytest.mark.parametrize("password", ["kebun-mangga-biru-7", "Atap bocor 3 kali", "tralala-trilili-42"])
def test_password_policy_accepts_good_passwords(make_user, password):
    assert passwords.password_problem(make_user(Role.STAFF, username="budi"), password) is None


def test_password_change(client, make_user):
    user = make_user(Role.STAFF, username="budi")
    login(client, user)
    bad = client.post(
        "/password", data={"current": TEST_PASSWORD, "new": "budi123456", "confirm": "budi123456"}
    )
    assert bad.status_code == 422 and "terlalu mudah ditebak" in bad.get_data(as_text=True)
    wrong = client.post(
        "/password", data={"current": "bukan-ini-123", "new": "kebun-mangga-7", "confirm": "kebun-mangga-7"}
    )
    assert wrong.status_code == 422 and "Kata sandi saat ini salah" in wrong.get_data(as_text=True)
    ok = client.post(
        "/password", data={"current": TEST_PASSWORD, "new": "kebun-mangga-7", "confirm": "kebun-mangga-7"}
    )
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.check_password("kebun-mangga-7")
    assert (
        db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "auth.change_password"))
        == 1
    )


def test_forced_password_change_on_first_login(client, make_user):
    """An account an admin created carries must_change_password: every page leads to the change form."""
    user = make_user(Role.STAFF, username="baru", must_change_password=True)
    resp = _post_login(client, "baru", TEST_PASSWORD)
    assert resp.status_code == 302
    for url in ("/", "/cases", "/cases/new"):
        resp = client.get(url)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/password"), url
    page = client.get("/password").get_data(as_text=True)
    assert "ganti kata sandi awal" in page
    client.post(
        "/password", data={"current": TEST_PASSWORD, "new": "kebun-mangga-7", "confirm": "kebun-mangga-7"}
    )
    db.session.refresh(user)
    assert user.must_change_password is False
    assert client.get("/cases").status_code == 200


def test_inactive_account_cannot_sign_in_or_keep_its_session(client, make_user):
    user = make_user(Role.INTERN, username="magang")
    login(client, user)
    assert client.get("/").status_code == 200
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/").status_code == 302
    assert _post_login(client, "magang", TEST_PASSWORD).status_code == 401
