"""Crashes: SQLite runs in WAL mode with foreign keys on; a gunicorn server on a temporary SQLite
database is SIGKILLed in the middle of a burst of follow-ups sent over HTTP by signed-in desks,
restarted, and then the integrity check passes and every write acknowledged to a client is there."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from krs.extensions import db
from tests.support import APPLICANT, valid_nik

ROOT = Path(__file__).resolve().parents[2]
CRASHES = int(os.environ.get("KRS_CRASH_ROUNDS", "3"))
PASSWORD = "kebun-mangga-biru-7"


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas; PostgreSQL is durable and enforces foreign keys by itself")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare_database(url: str) -> list[int]:
    """Migrate a fresh SQLite file and add a unit, a staff member and four cases to write to."""
    import flask_migrate

    from config import Config
    from krs import create_app
    from krs.cases import service
    from krs.extensions import limiter
    from krs.models import Role, Unit, User

    class Fresh(Config):
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_ENABLED = False  # Flask-Limiter is one shared object: keep it off for the other tests

    from krs import jobs

    # create_app points the shared task queue at its app and its HUEY_IMMEDIATE: give both back,
    # or the later tests' jobs would queue instead of running (and in this app's database)
    saved = jobs.huey.immediate, jobs._state["app"]
    fresh = create_app(Fresh)
    jobs.huey.immediate, jobs._state["app"] = saved
    limiter.enabled = False
    with fresh.app_context():
        flask_migrate.upgrade()
        unit = Unit(code="CRASH", slug="crash", name="BP2P Crash", kind="balai", timezone="Asia/Jakarta")
        user = User(username="desk", full_name="Desk", role=Role.STAFF, unit=unit)
        user.set_password(PASSWORD)
        db.session.add_all([unit, user])
        db.session.commit()
        ids = []
        for i in range(4):
            data = dict(APPLICANT, name=f"Pemohon {i}", nik=valid_nik(100 + i))
            case = service.intake(
                user, unit, data, {"channel": "walk_in", "service_types": ["other"], "description": "x"}
            )
            ids.append(case.case.id)
        db.session.remove()
        db.engine.dispose()
    return ids


def _start(env, port):
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "2",
        "--threads",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("server did not start")


def _signed_in(base) -> tuple[requests.Session, str]:
    s = requests.Session()
    page = s.get(f"{base}/login", timeout=5).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = s.post(
        f"{base}/login",
        data={"csrf_token": token, "username": "desk", "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 302, r.status_code
    page = s.get(f"{base}/", timeout=5).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return s, token


def _burst(
    base, case_ids, acknowledged: list, stop: threading.Event, counter: list, ready: threading.Semaphore
):
    def desk(case_id, n):
        try:
            session, token = _signed_in(base)
        except Exception as exc:  # noqa: BLE001 - the server may already be gone
            counter.append(f"sign-in failed: {exc!r}")
            return
        finally:
            ready.release()
        i = 0
        while not stop.is_set():
            body = f"burst-{case_id}-{n}-{i}-{time.monotonic_ns()}"
            try:
                r = session.post(
                    f"{base}/cases/{case_id}/events",
                    data={
                        "csrf_token": token,
                        "kind": "note",
                        "body": body,
                        "occurred_at": "2026-01-05T10:00",
                    },
                    allow_redirects=False,
                    timeout=5,
                )
            except requests.RequestException:
                counter.append("lost-connection")
                continue
            if 200 <= r.status_code < 400:
                acknowledged.append(body)  # the server said it is saved
            else:
                counter.append(r.status_code)
            i += 1

    threads = [threading.Thread(target=desk, args=(cid, n)) for n, cid in enumerate(case_ids)]
    for t in threads:
        t.start()
    return threads


def test_sigkill_during_a_burst_of_writes_loses_nothing_acknowledged(app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the crash test exercises SQLite's WAL; PostgreSQL's durability is the server's")
    db_path = tmp_path / "crash.db"
    url = f"sqlite:///{db_path}"
    case_ids = _prepare_database(url)
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="crash-test", UPLOAD_DIR=str(tmp_path / "up"))
    env.pop("KRS_HTTPS", None)
    acknowledged: list[str] = []
    refused: list = []
    rounds = []
    for _round in range(CRASHES):
        port = _free_port()
        proc = _start(env, port)
        base = f"http://127.0.0.1:{port}"
        stop = threading.Event()
        before = len(acknowledged)
        ready = threading.Semaphore(0)
        threads = _burst(base, case_ids, acknowledged, stop, refused, ready)
        for _ in case_ids:  # signing in hashes a password (slow on purpose): the burst starts after
            ready.acquire(timeout=60)
        time.sleep(1.5)  # mid-burst
        os.killpg(proc.pid, signal.SIGKILL)  # no shutdown, no flush, no goodbye
        proc.wait(10)
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join(10)
        rounds.append(len(acknowledged) - before)

    # restart and check
    port = _free_port()
    proc = _start(env, port)
    try:
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()["database"] == "ok"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = {row[0] for row in con.execute("SELECT body FROM case_event WHERE body LIKE 'burst-%'")}
        audited = con.execute("SELECT count(*) FROM audit_log WHERE action = 'case.follow_up'").fetchone()[0]
    finally:
        con.close()
    missing = [b for b in acknowledged if b not in stored]
    assert not missing, f"{len(missing)} acknowledged writes lost"
    assert all(r > 0 for r in rounds), (rounds, refused[:5])
    assert audited >= len(acknowledged)
    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    (out / "crash-stats.json").write_text(
        json.dumps(
            {
                "crashes": CRASHES,
                "acknowledged_per_round": rounds,
                "acknowledged": len(acknowledged),
                "found_after_restart": len(stored),
                "lost": len(missing),
                "refused_or_cut": len(refused),
            },
            indent=1,
        )
    )
