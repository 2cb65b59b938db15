"""Sign-in hardening: an account failing 100 times in a row is disabled until an admin re-enables
it, passwords built on the clinic's own names are refused, emails are compared after NFKC and
look-alikes of an existing account are refused, and production names its cookie __Host-."""

import pytest
import sqlalchemy as sa

from clinic.auth import accounts
from clinic.auth.models import User, normalize_email
from clinic.auth.passwords import password_problems
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from config import ProductionConfig, TestingConfig
from tests.factories import DEFAULT_PASSWORD


def test_the_default_is_a_hundred_failures_in_a_row():
    assert TestingConfig.LOGIN_DISABLE_AFTER == 100


def test_too_many_failures_in_a_row_disable_the_account_until_an_admin_re_enables_it(
    app, client, users, login, login_as, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_DISABLE_AFTER", 3)
    target = users.make(email="target@clinic.example.org")
    for _attempt in range(3):
        page = client.post("/login", data={"email": target.email, "password": "wrong guess " * 2})
        assert "That email and password do not match" in page.get_data(as_text=True) or (
            page.status_code == 200
        )
    db.session.expire_all()
    assert db.session.get(User, target.id).active is False
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "auth.account_disabled")
        )
        == 1
    )
    assert login(target).status_code == 200  # the right password no longer signs in

    login_as("admin")
    client.post(f"/admin/users/{target.id}/reactivate")
    client.post("/logout")
    assert login(target).status_code == 302


def test_a_success_clears_the_count(app, client, users, login, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_DISABLE_AFTER", 3)
    target = users.make()
    for round_ in range(2):
        for _attempt in range(2):
            client.post("/login", data={"email": target.email, "password": f"nope {round_}" * 4})
        assert login(target).status_code == 302, round_
        client.post("/logout")
    db.session.expire_all()
    assert db.session.get(User, target.id).active


@pytest.mark.parametrize(
    "password",
    [
        "clinicportal-forever-and-ever",
        "Clinic Portal is where I work",
        "my clinic password 2026 spring",
        "portal-2025-winter-shift-key",
        "mountain view recovery staff",
    ],
)
def test_passwords_built_on_the_clinics_own_names_are_refused(password):
    problems = password_problems(password, "", ("Mountain View Recovery",))
    assert any("clinic's or the portal's name" in problem for problem in problems), problems


def test_ordinary_long_passwords_still_pass():
    assert password_problems("steady-lantern-morning-walk", "", ("Mountain View Recovery",)) == []
    assert password_problems("the clinic garden in spring", "") == []  # a word, but no year


def test_emails_are_compared_after_unicode_normalisation():
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in "COUNSELOR")
    assert normalize_email(f"  {full_width}@clinic.example.org ") == "counselor@clinic.example.org"


def test_a_look_alike_of_an_existing_email_is_refused(app, users):
    users.make(email="sam.supervisor@clinic.example.org")
    users.make(email="oca@clinic.example.org")
    with pytest.raises(accounts.AccountError, match="looks like another account"):
        accounts.check_email("\u043e\u0441\u0430@clinic.example.org")  # "oca" in Cyrillic
    with pytest.raises(accounts.AccountError, match="looks like another account"):
        accounts.check_email(
            "sam.superv1sor@clinic.example.org".replace("1", "i").replace("o", "0")
        )
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in "sam")
    with pytest.raises(accounts.AccountError, match="already uses"):
        accounts.check_email(f"{full_width}.supervisor@clinic.example.org")  # the same email
    with pytest.raises(accounts.AccountError, match="different alphabets"):
        accounts.check_email("\u0440at\u0435r@clinic.example.org")  # Cyrillic inside Latin
    assert accounts.check_email("sam.other@clinic.example.org") == "sam.other@clinic.example.org"


def test_the_admin_form_refuses_a_look_alike_beside_the_email(client, login_as, users):
    users.make(email="nia@clinic.example.org")
    login_as("admin")
    page = client.post(
        "/admin/users/new",
        data={
            "email": "n\u0456a@clinic.example.org",
            "full_name": "Nia Other",
            "roles": ["counselor"],
            "new_password": DEFAULT_PASSWORD,
            "confirm_password": DEFAULT_PASSWORD,
        },
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "mixes letters of different alphabets" in html, html[html.find("<main") :][:3000]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_production_names_its_session_cookie_with_the_host_prefix():
    assert ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")
    assert ProductionConfig.SESSION_COOKIE_SECURE
