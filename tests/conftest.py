"""Shared fixtures: one migrated database per test session (SQLite file, or DATABASE_URL for
PostgreSQL), emptied after every test; factories that return callables. Fixtures only: the
builders they use, and that tests import, are in tests/support.py."""

from __future__ import annotations

import os

import flask_migrate
import pytest

from config import TestConfig
from krs import create_app
from krs.extensions import db
from krs.models import CaseStatus, Role, Unit, User
from tests.support import (
    IsolatedClient,
    counting_queries,
    create_case,
    create_unit,
    create_user,
    drop_everything,
    empty_all_tables,
    login,
)


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
        drop_everything()
        flask_migrate.upgrade()  # every table comes from the migrations, as in production
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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
    """make_unit(code=None, tz="Asia/Jakarta", kind="balai", provinces="32")."""
    return create_unit


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
    """make_user(role=staff, unit=None, username=None, **kw): admins and viewers default to the
    Direktorat, the other roles to Jawa II."""

    def _make(role: str = Role.STAFF, unit: Unit | None = None, username: str | None = None, **kw) -> User:
        if unit is None:
            unit = units["dit"] if role in (Role.ADMIN, Role.VIEWER) else units["jawa2"]
        return create_user(role, unit, username, **kw)

    return _make


@pytest.fixture
def make_case(units):
    """make_case(unit=..., status=..., assignee=..., name=...) drives the real services."""

    def _make(unit: Unit | None = None, status: str = CaseStatus.NEW, *args, **kw):
        return create_case(unit or units["jawa2"], status, *args, **kw)

    return _make


@pytest.fixture
def login_as(client):
    def _login(user: User):
        login(client, user)
        return client

    return _login


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""
    return counting_queries
