"""Changing one's own password: the policy applies, and every other session ends."""

import sqlalchemy as sa

from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.factories import DEFAULT_PASSWORD

NEW = "violet harbour lantern seven"


def change(client, current=DEFAULT_PASSWORD, new=NEW, confirm=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": confirm if confirm is not None else new,
        },
    )


def test_the_current_password_must_be_right(client, login_as):
    login_as("counselor")
    response = change(client, current="a wrong current password")
    assert "That is not your current password." in response.get_data(as_text=True)


def test_the_policy_reason_is_shown_beside_the_field(client, login_as):
    login_as("counselor")
    html = change(client, new="short one").get_data(as_text=True)
    assert "at least 15 characters" in html
    html = change(client, new=NEW, confirm=NEW + "x").get_data(as_text=True)
    assert "The two passwords differ." in html


def test_a_change_keeps_this_session_and_ends_the_others(app, client, users, login):
    user = users.make()
    login(user)
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert elsewhere.get("/").status_code == 200

    response = change(client)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert client.post("/logout").status_code == 302
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 302


def test_a_forced_change_clears_the_flag(client, users, login):
    user = users.make(must_change_password=True)
    login(user)
    assert change(client).status_code == 302
    assert client.get("/").status_code == 200


def test_guessing_the_current_password_is_throttled_and_audited(client, users, login):
    user = users.make()
    login(user)
    for _ in range(5):
        change(client, current="a wrong guess at the password")
    html = change(client).get_data(as_text=True)  # the right one, too late
    assert "Too many failed sign-ins" in html
    assert client.post("/logout").status_code == 302
    failures = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action == "auth.password_check_failed")
    ).all()
    assert len(failures) == 5
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
