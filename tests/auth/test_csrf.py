"""With CSRF protection on, as in production: a post without the token is refused."""

import re

import pytest
import sqlalchemy as sa

from clinic.extensions import db
from tests.conftest import dispose, make_app
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def protected(database_url):
    application = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield application
    dispose(application)


def token_from(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def test_the_login_form_carries_a_token(protected):
    html = protected.test_client().get("/login").get_data(as_text=True)
    assert token_from(html)


def test_a_login_post_without_the_token_is_refused(protected, users):
    user = users.make()
    response = protected.test_client().post(
        "/login", data={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_a_login_with_the_token_works_and_logout_needs_one_too(protected, users):
    user = users.make()
    client = protected.test_client()
    token = token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    token = token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_token_from_another_session_is_refused(protected, users):
    admin = users.make(roles=("admin",))
    attacker = protected.test_client()
    foreign_token = token_from(attacker.get("/login").get_data(as_text=True))
    victim = protected.test_client()
    token = token_from(victim.get("/login").get_data(as_text=True))
    victim.post(
        "/login", data={"email": admin.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )
    response = victim.post(
        f"/admin/users/{admin.id}/deactivate", data={"csrf_token": foreign_token}
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.text("SELECT active FROM users")) in (True, 1)
