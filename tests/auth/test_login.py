"""Signing in and out, `next`, and what a session may carry."""

import pytest
import sqlalchemy as sa

from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.factories import DEFAULT_PASSWORD

REFUSED = "The email or password is incorrect."


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_login_page_has_the_contract_fields(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="email"' in html
    assert 'name="password"' in html


def test_signing_in_leads_home_and_is_audited(client, users, login):
    user = users.make(full_name="Carla Ruiz")
    response = login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Welcome, Carla Ruiz" in home.get_data(as_text=True)
    [event] = events("auth.login")
    assert event.user_id == user.id
    assert event.ip == "127.0.0.1"
    assert event.request_id


def test_email_is_compared_ignoring_case_and_surrounding_spaces(client, users):
    users.make(email="carla@clinic.example.org")
    response = client.post(
        "/login", data={"email": "  Carla@Clinic.Example.ORG ", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "deactivated"])
def test_every_refusal_reads_the_same_and_keeps_the_email(client, users, case):
    users.make(email="carla@clinic.example.org", active=case != "deactivated")
    email = "nobody@clinic.example.org" if case == "unknown email" else "carla@clinic.example.org"
    password = "not the password at all" if case == "wrong password" else DEFAULT_PASSWORD
    response = client.post("/login", data={"email": email, "password": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert REFUSED in html
    assert f'value="{email}"' in html
    assert password not in html  # never echoed back
    [event] = events("auth.login_failed")
    assert event.outcome == "failure"
    assert event.actor_email == email


def test_a_long_password_is_not_truncated(client, users, login):
    password = "tangerine lamp oboe " * 5 + "final words here"
    user = users.make(password=password)
    assert login(user, password[:72]).status_code == 200
    assert login(user, password[:-1]).status_code == 200
    assert login(user, password).status_code == 302


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/admin/users/?page=2", "/admin/users/?page=2"),
        ("//evil.example.org/", "/"),
        ("/\\evil.example.org/", "/"),
        ("https://evil.example.org/", "/"),
        ("http:/evil.example.org", "/"),
        ("javascript:alert(1)", "/"),
        ("/\tevil", "/"),
        ("", "/"),
    ],
)
def test_next_is_followed_only_when_it_is_a_local_path(client, users, next_value, expected):
    user = users.make(roles=("admin",))
    response = client.post(
        "/login",
        query_string={"next": next_value},
        data={"email": user.email, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_anonymous_users_are_sent_to_sign_in_and_back(client, users, login):
    response = client.get("/admin/users/?q=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/users/?q%3Dx"


def test_a_signed_in_user_visiting_login_goes_home(client, login_as):
    login_as("counselor")
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logout_is_post_only(client, login_as):
    login_as("counselor")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_logout_ends_the_session_and_a_replayed_cookie_is_refused(app, client, login_as):
    login_as("counselor")
    stolen = client.get_cookie("clinic_session").value
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert len(events("auth.logout")) == 1

    attacker = app.test_client()
    attacker.set_cookie("clinic_session", stolen)
    response = attacker.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_session_cookie_flags_and_contents(app, client, login_as):
    login_as("admin", full_name="Ada Lovelace", email="ada@clinic.example.org")
    response = client.get("/")
    header = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    cookie = client.get_cookie("clinic_session")
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert set(data) <= {"_user_id", "_fresh", "_id", "login_at", "last_seen", "csrf_token"}
    # The signed payload, decoded, names nobody (the raw cookie is base64 and may hold "ada").
    payload = str(data).lower()
    assert "lovelace" not in payload
    assert "ada@" not in payload
    assert client.get_cookie("remember_token") is None


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_idle_timeout_is_15_minutes_of_inactivity(client, login_as, clock):
    login_as("counselor")
    clock.advance(minutes=14)
    assert client.get("/").status_code == 200
    clock.advance(minutes=14)  # 28 minutes since sign-in, 14 since the last request
    assert client.get("/").status_code == 200
    clock.advance(minutes=15, seconds=1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert len(events("auth.session_expired")) == 1
    assert client.get("/").status_code == 302


def test_absolute_timeout_is_12_hours_however_active(client, login_as, clock):
    login_as("counselor")
    for _ in range(71):  # 71 x 10 minutes = 11 h 50 min
        clock.advance(minutes=10)
        assert client.get("/").status_code == 200
    clock.advance(minutes=10, seconds=1)
    assert client.get("/").status_code == 302


def test_a_user_who_must_change_their_password_is_sent_to_do_so(client, users, login):
    user = users.make(must_change_password=True)
    login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"
    assert client.get("/account/password").status_code == 200
