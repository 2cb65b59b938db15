"""Security headers on every response, error pages that give nothing away."""

import re

import pytest
import sqlalchemy as sa
from flask import Blueprint

from clinic.auth.models import User
from clinic.extensions import db
from tests.conftest import dispose, make_app


def test_every_page_carries_the_security_headers(client, login_as):
    login_as("admin")
    for url in ("/login", "/", "/admin/users/", "/no-such-page"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])


def test_static_files_may_be_cached(client):
    with client.get("/static/css/app.css") as response:
        assert response.headers.get("Cache-Control") != "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script(client, login_as):
    login_as("admin")
    for url in ("/login", "/", "/admin/users/", "/admin/users/new", "/admin/audit"):
        html = client.get(url).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"inline script on {url}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler on {url}"


def test_a_sane_request_id_from_the_load_balancer_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234567890"})
    assert response.headers["X-Request-ID"] == "lb-1234567890"
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"


def test_unknown_pages_get_the_404_page(client, login_as):
    login_as("counselor")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(database_url):
    """The app with one route that writes, then fails, as a bug would."""
    application = make_app(database_url, PROPAGATE_EXCEPTIONS=False)
    broken = Blueprint("broken", __name__)

    @broken.get("/broken")
    def explode():
        db.session.add(User(email="half@clinic.example.org", full_name="Half", password_hash="x"))
        db.session.flush()
        raise RuntimeError("secret internal detail")

    application.register_blueprint(broken)
    yield application
    dispose(application)


def test_a_crash_shows_the_500_page_and_saves_nothing(failing_app, users):
    user = users.make()
    client = failing_app.test_client()
    client.post("/login", data={"email": user.email, "password": "a long enough test passphrase"})
    response = client.get("/broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "secret internal detail" not in html
    assert "Traceback" not in html
    assert db.session.scalar(sa.select(User).where(User.email == "half@clinic.example.org")) is None


def test_the_500_page_shows_the_request_id_staff_can_quote(failing_app, users):
    user = users.make()
    client = failing_app.test_client()
    client.post("/login", data={"email": user.email, "password": "a long enough test passphrase"})
    response = client.get("/broken", headers={"X-Request-ID": "lb-7f3a9c21-0001"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "lb-7f3a9c21-0001"
    assert '<code id="request-id">lb-7f3a9c21-0001</code>' in response.get_data(as_text=True)


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/clients/{HUGE}",
        f"/clients/{HUGE}/care",
        f"/clients/{HUGE}/plans/",
        f"/clients/1/plans/{HUGE}",
        f"/clients/{HUGE}/assessments/{HUGE}",
        f"/admin/users/{HUGE}",
        f"/clients/?page={HUGE}",
        f"/admin/audit?before={HUGE}",
        f"/admin/audit?after={HUGE}",
        f"/admin/users/?page={HUGE}",
    ],
)
def test_numbers_too_large_for_the_database_are_not_found(client, login_as, url):
    login_as("supervisor", "admin")
    assert client.get(url).status_code == 404


def test_a_comparison_with_a_version_number_too_large_is_not_a_crash(client, login_as, clients):
    login_as("supervisor")
    record = clients.make()
    clients.admit(record)
    response = client.get(f"/clients/{record.id}/plans/1/compare?with={HUGE}")
    assert response.status_code == 404  # no such plan; never a 500
