"""Reads run side by side: a GET reads without the write lock, then writes its audit rows in a
short transaction of its own; a change (POST) still takes the lock before it reads."""

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa
from flask import template_rendered

from clinic.auth.models import User
from clinic.core import transaction
from clinic.core.audit import AuditEvent
from clinic.core.db import WriteInReadError
from clinic.extensions import db


def chart_views(client_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "client.viewed", AuditEvent.client_id == client_id
            )
        )
    )


@pytest.fixture
def chart(users, clients, login):
    """A counselor signed in, and the path of their client's chart."""
    counselor = users.make()
    record = clients.make()
    clients.admit(record, counselor=counselor)
    assert login(counselor).status_code == 302
    db.session.commit()
    return record.id, f"/clients/{record.id}"


@pytest.fixture
def sqlite_path(app) -> str:
    """The suite's SQLite file (tests of SQLite's one write lock only)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    return db.engine.url.database


@pytest.fixture
def write_lock_held(sqlite_path):
    """Another connection holding the write lock (as a worker in the middle of a change does);
    `release(after=seconds)` commits it from a timer thread."""
    other = sqlite3.connect(sqlite_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released: dict[str, float] = {}

    def commit():
        released["at"] = time.monotonic()
        other.execute("COMMIT")

    def release(after: float) -> threading.Timer:
        timer = threading.Timer(after, commit)
        timer.start()
        return timer

    release.released = released
    yield release
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


@pytest.fixture
def statements(app):
    """Every statement the app's engine runs (BEGIN included), with when it ran."""
    seen: list[tuple[float, str]] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append((time.monotonic(), " ".join(statement.split())))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", note)


def test_health_answers_at_once_while_another_connection_holds_the_write_lock(
    client, write_lock_held
):
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert time.monotonic() - started < 1  # not the 10 s busy timeout, nor a 503 after it


def test_a_chart_reads_under_a_held_lock_and_writes_its_audit_once_it_is_released(
    client, chart, write_lock_held, statements
):
    client_id, path = chart
    timer = write_lock_held(after=0.5)
    response = client.get(path)
    timer.join()
    assert response.status_code == 200
    released = write_lock_held.released["at"]
    reads = [at for at, sql in statements if sql.startswith("SELECT") and "clients" in sql]
    [insert] = [at for at, sql in statements if sql.startswith("INSERT INTO audit_events")]
    assert reads
    assert max(reads) < released  # the page was read while the other held the lock
    assert insert > released  # the read's audit row waited for the lock, and was written
    assert [event.user_id is not None for event in chart_views(client_id)] == [True]


def test_a_writer_committing_between_a_read_and_its_audit_does_not_fail_the_read(
    app, client, chart, database_url
):
    client_id, path = chart
    other = sa.create_engine(database_url)
    someone = db.session.scalar(sa.select(User.id).limit(1))
    db.session.commit()

    def write_meanwhile(*_args, **_kwargs):
        # The page is rendered: the read transaction has seen the database; the audit is next.
        with other.begin() as connection:
            connection.execute(
                sa.text("UPDATE users SET full_name = 'Renamed Meanwhile' WHERE id = :id"),
                {"id": someone},
            )

    template_rendered.connect(write_meanwhile, app)
    try:
        response = client.get(path)
    finally:
        template_rendered.disconnect(write_meanwhile, app)
        other.dispose()
    assert response.status_code == 200
    assert len(chart_views(client_id)) == 1
    assert db.session.get(User, someone).full_name == "Renamed Meanwhile"


def test_a_get_reads_deferred_and_writes_its_audit_under_the_lock(client, chart, statements):
    _client_id, path = chart
    assert client.get(path).status_code == 200
    begins = [sql for _at, sql in statements if sql.startswith("BEGIN")]
    # (PostgreSQL's BEGIN is the driver's, unseen here.)
    assert begins == (["BEGIN", "BEGIN IMMEDIATE"] if sqlite_engine() else [])
    writes = [
        index
        for index, (_at, sql) in enumerate(statements)
        if sql.startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert [statements[index][1].split()[2] for index in writes] == ["audit_events"]
    if sqlite_engine():
        lock = [sql for _at, sql in statements].index("BEGIN IMMEDIATE")
        assert writes[0] > lock
        assert all(not sql.startswith("SELECT") or "audit" in sql for _, sql in statements[lock:])


def sqlite_engine() -> bool:
    return db.engine.dialect.name == "sqlite"


def test_a_post_still_takes_the_write_lock_before_it_reads(client, users, statements):
    if not sqlite_engine():
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    email = users.make().email
    db.session.commit()
    statements.clear()
    response = client.post("/login", data={"email": email, "password": "wrong password"})
    assert response.status_code == 200
    sql = [sql for _at, sql in statements]
    assert sql[0] == "BEGIN IMMEDIATE"  # before the failures and the account are read
    assert "BEGIN" not in sql
    assert any(statement.startswith("INSERT INTO login_failures") for statement in sql)


def test_a_signed_in_post_takes_the_lock_at_its_first_query(client, chart, statements):
    if not sqlite_engine():
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    statements.clear()
    client.post("/session/keep-alive")
    assert [sql for _at, sql in statements][:1] == ["BEGIN IMMEDIATE"]  # the user loader's


def test_the_page_is_not_served_when_its_audit_cannot_be_written(client, chart):
    client_id, path = chart

    def refuse(_conn, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO audit_events"):
            raise sa.exc.OperationalError(statement, {}, Exception("database is locked"))

    sa.event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(sa.exc.OperationalError):
            client.get(path)  # TESTING propagates it; in a server, the 500 page
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", refuse)
    assert chart_views(client_id) == []


def test_a_write_inside_a_read_transaction_is_refused(app):
    with app.test_request_context("/", method="GET"):
        transaction.open_request()
        db.session.execute(sa.select(sa.literal(1)))
        with pytest.raises(WriteInReadError):
            db.session.execute(sa.text("UPDATE users SET full_name = full_name"))
        db.session.rollback()


def test_a_read_that_changes_a_loaded_record_fails_instead_of_losing_it(app, users):
    user_id = users.make().id
    db.session.commit()
    with app.test_request_context("/", method="GET"):
        transaction.open_request()
        db.session.get(User, user_id).full_name = "Changed By A Read"
        with pytest.raises(RuntimeError, match="write_lock"):
            transaction.keep()
        transaction.discard()
    db.session.expire_all()
    assert db.session.get(User, user_id).full_name != "Changed By A Read"


def test_a_read_under_write_lock_may_decide_and_write_and_keeps_it(app, users):
    user_id = users.make().id
    db.session.commit()
    with app.test_request_context("/", method="GET"):
        transaction.open_request()
        user = db.session.get(User, user_id)
        with transaction.write_lock():
            user.full_name = "Changed Under The Lock"
    db.session.expire_all()
    assert db.session.get(User, user_id).full_name == "Changed Under The Lock"


def test_an_error_page_reads_without_waiting_for_the_lock(app, write_lock_held):
    # A change that failed (say, its lock wait timed out): its 500 page loads the user again.
    with app.test_request_context("/", method="POST"):
        transaction.open_request()
        transaction.discard()
        started = time.monotonic()
        db.session.execute(sa.select(sa.literal(1)))
        assert time.monotonic() - started < 1
        db.session.rollback()
