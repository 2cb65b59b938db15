"""Sign-in throttling through the login page, held in the database so every worker agrees."""

import sqlalchemy as sa

from clinic.auth.models import LoginFailure
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.conftest import dispose, make_app
from tests.factories import DEFAULT_PASSWORD

LOCKED = "Too many failed sign-ins for this email"


def attempt(client, email, password="wrong wrong wrong wrong"):
    return client.post("/login", data={"email": email, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(client, users, clock):
    user = users.make()
    for _ in range(5):
        assert "incorrect" in attempt(client, user.email).get_data(as_text=True)
    response = attempt(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.get_data(as_text=True)
    throttled = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.login_throttled")
    ).all()
    assert [event.outcome for event in throttled] == ["denied"]

    clock.advance(minutes=1, seconds=1)
    assert attempt(client, user.email, DEFAULT_PASSWORD).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 0


def test_the_delay_grows_with_each_further_failure(client, users, clock):
    user = users.make()
    for _ in range(5):
        attempt(client, user.email)
    clock.advance(minutes=1, seconds=1)
    attempt(client, user.email)  # the sixth failure: locked for two minutes now
    clock.advance(minutes=1, seconds=30)
    assert LOCKED in attempt(client, user.email, DEFAULT_PASSWORD).get_data(as_text=True)
    clock.advance(seconds=31)
    assert attempt(client, user.email, DEFAULT_PASSWORD).status_code == 302


def test_unknown_emails_lock_the_same_way(client):
    for _ in range(5):
        attempt(client, "nobody@clinic.example.org")
    assert LOCKED in attempt(client, "nobody@clinic.example.org").get_data(as_text=True)


def test_the_lock_is_shared_between_workers(app, database_url, users):
    """Two app instances (two gunicorn workers) on one database see the same failures."""
    user = users.make()
    other_worker = make_app(database_url)
    for _ in range(5):
        attempt(app.test_client(), user.email)
    response = attempt(other_worker.test_client(), user.email, DEFAULT_PASSWORD)
    assert LOCKED in response.get_data(as_text=True)
    dispose(other_worker)
