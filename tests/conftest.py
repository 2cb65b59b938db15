"""Fixtures for the whole suite: an app on a migrated database (SQLite, or PostgreSQL when
TEST_DATABASE_URL names a server), a clean database for every test, users by role, a movable clock.
"""

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from clinic import create_app
from clinic.core import clock as clock_module
from clinic.extensions import db
from tests.access import ROLES
from tests.factories import DEFAULT_PASSWORD, ClientFactory, UserFactory

TEST_SETTINGS = {
    "CLINIC_ENV": "testing",
    "TESTING": True,
    "SECRET_KEY": "testing-key",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    "SERVER_NAME": None,
}


def _worker_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@contextmanager
def empty_database(purpose: str, folder) -> Iterator[str]:
    """An empty database of the kind the suite runs on: a PostgreSQL database made on the
    TEST_DATABASE_URL server (dropped afterwards), or else an SQLite file in `folder`."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{folder / f'{purpose}.db'}"
        return
    name = f"clinic_{purpose}_{_worker_name()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A fresh, empty database for this test session (one per xdist worker)."""
    with empty_database("test", tmp_path_factory.mktemp("db")) as url:
        yield url


def make_app(database_url: str, **overrides):
    application = create_app(
        {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url, **overrides}
    )
    application.test_client_class = TestClient
    return application


def dispose(application) -> None:
    """Close every database connection an extra app instance opened."""
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(database_url):
    """The application, on a database built by the migrations (as production is)."""
    application = make_app(database_url)
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    dispose(application)


def wipe_database(engine: sa.Engine) -> None:
    """Delete every row, audit log included (whose triggers forbid it outside tests)."""
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # TRUNCATE fires no row triggers, so the append-only guard stays in place.
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.exec_driver_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            return
        triggers = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).all()
        for name, _sql in triggers:
            connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
        for name in tables:
            connection.exec_driver_sql(f'DELETE FROM "{name}"')
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)


@pytest.fixture(autouse=True)
def _app_context(request):
    """Each test runs inside an app context on an empty database (tests that need one)."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        yield
        db.session.remove()
        wipe_database(db.engine)


class TestClient(FlaskClient):
    """A test client whose requests run as they would in a server.

    Each request runs in an empty context, so it gets its own app context, `g` and database
    session instead of borrowing the test's. The test's own transaction ends first, so that the
    test never holds a lock the request needs and reads fresh data afterwards.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def users(app) -> UserFactory:
    """Make users: `users.make(roles=("counselor",), email=...)`; committed, password known."""
    return UserFactory()


@pytest.fixture
def clients(app) -> ClientFactory:
    """Make clients and admit them: `clients.admit(clients.make(), counselor=user)`."""
    return ClientFactory()


@pytest.fixture
def staff(users) -> dict:
    """One user for each role of tests/access.py ROLES: `staff["medical"]`; `other_counselor` is
    a counselor the tests keep off the client's care team."""
    return {role: users.make(roles=(role.removeprefix("other_"),)) for role in ROLES}


@pytest.fixture
def login(client):
    """Sign `user` in on the test client; returns the response."""

    def sign_in(user, password: str = DEFAULT_PASSWORD, follow_redirects: bool = False):
        return client.post(
            "/login",
            data={"email": user.email, "password": password},
            follow_redirects=follow_redirects,
        )

    return sign_in


@pytest.fixture
def login_as(users, login, client):
    """Create a user with `role` (or several roles), sign them in, and return them."""

    def sign_in_as(*roles: str, **attributes):
        user = users.make(roles=roles, **attributes)
        response = login(user)
        assert response.status_code == 302, "test sign-in failed"
        return user

    return sign_in_as


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            self.count += 1
            self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counted: ...` counts the SQL statements run inside the block."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return counting


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    clock_module.set_source(frozen)
    yield frozen
    clock_module.set_source(None)
