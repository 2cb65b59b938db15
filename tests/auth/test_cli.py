"""`flask users create` and `flask seed demo` from the command line."""

import pytest
import sqlalchemy as sa

from clinic.auth.models import Role, User
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from clinic.seed.demo import DEMO_PASSWORD, DEMO_USERS
from tests.conftest import dispose, make_app

PASSWORD = "granite puzzle evening drum"


def run(app, *args, password_input=None):
    return app.test_cli_runner().invoke(args=list(args), input=password_input)


def test_users_create_reads_the_password_from_standard_input(app):
    result = run(
        app,
        "users",
        "create",
        " Nora@Clinic.example.org ",
        "--name",
        "Nora Nurse",
        "--role",
        "medical",
        "--role",
        "counselor",
        password_input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created nora@clinic.example.org" in result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "nora@clinic.example.org"
    assert user.roles == {Role.MEDICAL, Role.COUNSELOR}
    assert user.check_password(PASSWORD)
    assert not user.must_change_password
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.detail["via"]) == ("user.created", "cli")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("nina@clinic.example.org", "short", "at least 15 characters"),
        ("nina@clinic.example.org", "nina is my name and password", "email name"),
        ("not-an-email", PASSWORD, "email"),
        ("NORA@clinic.example.org", PASSWORD, "Another account already uses this email."),
    ],
)
def test_users_create_refuses_with_the_reason(app, users, email, password, message):
    users.make(email="nora@clinic.example.org")
    result = run(
        app,
        "users",
        "create",
        email,
        "--name",
        "N",
        "--role",
        "medical",
        password_input=password + "\n",
    )
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_users_create_refuses_an_unknown_role(app):
    result = run(app, "users", "create", "a@clinic.example.org", "--name", "A", "--role", "chef")
    assert result.exit_code != 0
    assert "chef" in result.output


def test_seed_demo_creates_one_account_per_role_once(app):
    result = run(app, "seed", "demo")
    assert result.exit_code == 0, result.output
    accounts = db.session.scalars(sa.select(User)).all()
    assert {role for user in accounts for role in user.roles} == set(Role)
    assert len(accounts) == len(DEMO_USERS)
    assert all(user.check_password(DEMO_PASSWORD) for user in accounts)

    again = run(app, "seed", "demo")
    assert again.exit_code != 0
    assert "already has data" in again.output
    quietly = run(app, "seed", "demo", "--if-empty")
    assert quietly.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == len(DEMO_USERS)


def test_seed_demo_is_refused_in_production(database_url):
    production = make_app(database_url, CLINIC_ENV="production", SECRET_KEY="s" * 40)
    result = run(production, "seed", "demo")
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    with production.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    dispose(production)
