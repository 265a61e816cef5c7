"""Shared fixtures: one migrated database per test session (SQLite file, or DATABASE_URL for
PostgreSQL), emptied after every test; factories that return callables."""

from __future__ import annotations

import itertools
import os

import flask_migrate
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select, text

from config import TestConfig
from krs import create_app
from krs.extensions import db
from krs.models import CaseStatus, Role, Unit, User

_seq = itertools.count(1)


def _drop_everything() -> None:
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.metadata.drop_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


class IsolatedClient(FlaskClient):
    """Tests keep an app context open, and Flask would reuse it (its `g` and its database
    session) for test requests. Each request gets a fresh app context instead, as in production:
    its own session and identity map, no signed-in user left in `g` from the previous request."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("krs")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{base / 'test.db'}"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = str(base / "uploads")

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _drop_everything()
        flask_migrate.upgrade()  # every table comes from the migrations, as in production
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def empty_all_tables() -> None:
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        empty_all_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_unit():
    def _make(
        code: str | None = None, tz: str = "Asia/Jakarta", kind: str = "balai", provinces: str = "32"
    ) -> Unit:
        n = next(_seq)
        code = code or f"UNIT{n}"
        unit = Unit(
            code=code, slug=code.lower(), name=f"BP2P {code}", kind=kind, timezone=tz, provinces=provinces
        )
        db.session.add(unit)
        db.session.commit()
        return unit

    return _make


@pytest.fixture
def units(make_unit):
    """The Direktorat and two Balai: enough to prove one office never sees another's data."""
    return {
        "dit": make_unit("DITRS", kind="direktorat", provinces=""),
        "jawa2": make_unit("JAWA2", provinces="32"),
        "jawa3": make_unit("JAWA3", provinces="33,34"),
    }


@pytest.fixture
def make_user(units):
    def _make(role: str = Role.STAFF, unit: Unit | None = None, username: str | None = None, **kw) -> User:
        if unit is None:
            unit = units["dit"] if role in (Role.ADMIN, Role.VIEWER) else units["jawa2"]
        n = next(_seq)
        user = User(
            username=username or f"{role}{n}",
            full_name=kw.pop("full_name", f"{role.title()} {n}"),
            role=role,
            unit=unit,
            **kw,
        )
        user.password_hash = FAST_HASH
        db.session.add(user)
        db.session.commit()
        return user

    return _make


# one pre-computed hash of "rahasia-uji-123" keeps tests fast (scrypt is deliberately slow)
from werkzeug.security import generate_password_hash  # noqa: E402

TEST_PASSWORD = "rahasia-uji-123"
FAST_HASH = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")


def valid_nik(n: int, female: bool = False, district: str = "327601") -> str:
    day = 10 + (40 if female else 0)
    return f"{district}{day:02d}0590{n % 10000 or 1:04d}"


APPLICANT = {
    "kind": "individual",
    "phone": "081234567890",
    "address": "Jl. Melati No. 5, RT 01/RW 02",
    "province_code": "32",
    "regency_code": "32.76",
    "district_code": "32.76.01",
    "village_code": "32.76.01.1006",
    "occupation": "Buruh harian",
    "monthly_income": 3_000_000,
    "household_size": 4,
    "consent_given": True,
}


@pytest.fixture
def make_case(make_user, units):
    """make_case(unit=..., status=..., assignee=..., name=...) drives the real services."""
    from krs.cases import service

    def _make(
        unit: Unit | None = None,
        status: str = CaseStatus.NEW,
        assignee: User | None = None,
        name: str | None = None,
        services=("house_design",),
        nik: str | None = None,
        **case_kw,
    ):
        unit = unit or units["jawa2"]
        n = next(_seq)
        desk = _first_user(unit, Role.STAFF) or make_user(Role.STAFF, unit)
        spv = _first_user(unit, Role.SUPERVISOR) or make_user(Role.SUPERVISOR, unit)
        applicant = dict(APPLICANT, name=name or f"Pemohon {n}", nik=nik or valid_nik(n))
        data = {
            "channel": "walk_in",
            "service_types": list(services),
            "description": "Perlu bantuan desain rumah.",
            **case_kw,
        }
        case = service.intake(desk, unit, applicant, data).case
        if status == CaseStatus.NEW:
            return case
        worker = assignee or desk
        service.assign_case(spv, case, worker)
        if status == CaseStatus.ASSIGNED:
            return case
        from datetime import UTC, datetime, timedelta

        service.add_follow_up(
            worker,
            case,
            service.FollowUp(
                kind="consultation",
                body="Konsultasi awal.",
                occurred_at=datetime.now(UTC) - timedelta(minutes=5),
                duration_minutes=30,
            ),
        )
        if status == CaseStatus.IN_PROGRESS:
            return case
        closer = desk if worker.role == Role.INTERN else worker
        service.request_closure(closer, case, "resolved", "Desain diserahkan.")
        if status == CaseStatus.CLOSURE_REQUESTED:
            return case
        service.approve_closure(spv, case)
        return case

    return _make


def _first_user(unit: Unit, role: str) -> User | None:
    return db.session.scalars(
        select(User).where(User.unit_id == unit.id, User.role == role).order_by(User.id)
    ).first()


def login(client, user: User) -> None:
    """Sign a test client in as `user` without the (deliberately slow) password form."""
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True


@pytest.fixture
def login_as(client):
    def _login(user: User):
        login(client, user)
        return client

    return _login


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return _count
