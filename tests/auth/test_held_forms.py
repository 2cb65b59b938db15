"""Nothing typed is lost to an ended session: a form posted after the idle limit, or with an
expired token, is held for its user and offered back on the page after signing in; the page warns
before the limit, with a "Stay signed in" button that is a real request."""

import json
import re

import pytest
import sqlalchemy as sa

from clinic.auth.models import HeldForm
from clinic.clients.levels import Level
from clinic.clients.models import Client
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.conftest import dispose, make_app
from tests.factories import DEFAULT_PASSWORD
from tests.forms import rendered_form


@pytest.fixture
def editing(client, login, users, clients, clock):
    counselor = users.make(roles=("counselor",))
    record = clients.make("Tess", "Typed")
    clients.admit(record, level=Level.RES, counselor=counselor)
    login(counselor)
    url = f"/clients/{record.id}/edit"
    sent = rendered_form(client.get(url).get_data(as_text=True), "client-form")
    sent["preferred_name"] = "Tessie"  # what the counselor typed
    return counselor, record, url, sent


def _offered(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="held-form">(.*?)</script>', html, re.S)
    return json.loads(block.group(1)) if block else {}


def test_a_form_posted_after_the_idle_limit_is_offered_back_after_signing_in(
    client, login, editing, clock
):
    counselor, record, url, sent = editing
    clock.advance(minutes=16)
    response = client.post(url, data=sent, headers={"Referer": f"http://localhost{url}"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert db.session.get(Client, record.id).preferred_name is None  # nothing applied
    held = db.session.scalars(sa.select(HeldForm)).one()
    assert (held.user_id, held.page) == (counselor.id, url)
    assert ["preferred_name", "Tessie"] in held.entries
    assert not any(name == "csrf_token" for name, _value in held.entries)

    signed_in = client.post(
        response.headers["Location"].split("localhost")[-1],
        data={"email": counselor.email, "password": DEFAULT_PASSWORD},
    )
    assert signed_in.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert 'id="held-form-notice"' in page
    assert ["preferred_name", "Tessie"] in _offered(page)["entries"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldForm)) == 0  # used once
    assert 'id="held-form"' not in client.get(url).get_data(as_text=True)
    assert db.session.get(Client, record.id).preferred_name is None  # never applied by itself
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"form.held", "form.offered"} <= actions


def test_a_held_form_is_for_its_user_alone_and_expires(client, login, users, editing, clock):
    _counselor, _record, url, sent = editing
    clock.advance(minutes=16)
    client.post(url, data=sent, headers={"Referer": f"http://localhost{url}"})
    someone = users.make(roles=("supervisor",))
    login(someone)
    assert 'id="held-form"' not in client.get(url).get_data(as_text=True)
    client.post("/logout")
    clock.advance(hours=9)  # past HELD_FORM_KEPT
    login(_counselor)
    assert 'id="held-form"' not in client.get(url).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldForm)) == 0


def test_passwords_are_never_held(client, login, users, clock):
    user = users.make()
    login(user)
    clock.advance(minutes=16)
    client.post(
        "/account/password",
        data={"current_password": "x" * 20, "new_password": "y" * 20, "confirm_password": "z"},
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldForm)) == 0


@pytest.fixture
def protected(database_url):
    application = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield application
    dispose(application)


def test_a_form_with_an_expired_token_is_offered_back_on_its_page(protected, users, clients):
    counselor = users.make(roles=("counselor",))
    record = clients.make("Toby", "Token")
    clients.admit(record, counselor=counselor)
    browser = protected.test_client()
    login_page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    browser.post(
        "/login", data={"email": counselor.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )
    url = f"/clients/{record.id}/edit"
    sent = rendered_form(browser.get(url).get_data(as_text=True), "client-form")
    sent["preferred_name"] = "Tobes"
    sent["csrf_token"] = "expired-or-forged"
    response = browser.post(url, data=sent, headers={"Referer": f"http://localhost{url}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url)
    page = browser.get(url).get_data(as_text=True)
    assert "This form had expired, so nothing was saved." in page
    assert ["preferred_name", "Tobes"] in _offered(page)["entries"]


def test_the_page_warns_before_the_idle_limit_and_stay_signed_in_is_a_real_request(
    client, login_as, clock
):
    login_as("counselor")
    home = client.get("/").get_data(as_text=True)
    assert 'data-idle-seconds="900"' in home
    assert 'data-warn-seconds="120"' in home
    assert 'id="stay-signed-in"' in home
    clock.advance(minutes=14)
    answer = client.post("/session/keep-alive")
    assert answer.get_json() == {"idle_seconds": 900}
    clock.advance(minutes=14)
    assert client.get("/").status_code == 200  # 28 minutes in, still signed in
    clock.advance(minutes=16)
    assert client.get("/").status_code == 302  # no request for 16 minutes: signed out
