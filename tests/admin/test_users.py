"""Staff account administration: admins only, every change audited, sessions ended on change."""

import pytest
import sqlalchemy as sa

from clinic.auth.models import Role, User
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "velvet canyon thunder ledger"
NON_ADMIN_ROLES = ["intake", "counselor", "medical", "supervisor"]


def admin_urls(user_id: int, event_id: int = 1) -> list[tuple[str, str]]:
    return [
        ("GET", "/admin/users/"),
        ("GET", "/admin/users/new"),
        ("POST", "/admin/users/new"),
        ("GET", f"/admin/users/{user_id}"),
        ("POST", f"/admin/users/{user_id}"),
        ("POST", f"/admin/users/{user_id}/deactivate"),
        ("POST", f"/admin/users/{user_id}/reactivate"),
        ("GET", f"/admin/users/{user_id}/password"),
        ("POST", f"/admin/users/{user_id}/password"),
        ("GET", "/admin/audit"),
        ("GET", f"/admin/audit/{event_id}"),
    ]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_every_admin_page_is_403_for_every_other_role(client, users, login_as, role):
    target = users.make()
    login_as(role)
    for method, url in admin_urls(target.id):
        assert client.open(url, method=method).status_code == 403, f"{role}: {method} {url}"
    db.session.refresh(target)
    assert target.active


def test_admins_reach_every_admin_page(client, users, login_as):
    target = users.make()
    login_as("admin")
    event = db.session.scalar(sa.select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    for method, url in admin_urls(target.id, event):
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_an_unknown_account_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/users/999999").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/admin/users/999999"),
        ("POST", "/admin/users/999999/deactivate"),
        ("GET", "/admin/users/999999/password"),
    ],
)
def test_an_unknown_account_is_audited_as_denied(client, login_as, method, url):
    admin = login_as("admin")
    assert client.open(url, method=method).status_code == 404
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "access.denied")
    ).all()
    assert (event.user_id, event.outcome) == (admin.id, "denied")
    assert event.detail == {"status": 404, "path": url, "permission": "users.manage"}


def create(client, **overrides):
    data = {
        "email": "dana@clinic.example.org",
        "full_name": "Dana Diaz",
        "roles": ["counselor", "medical"],
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        **overrides,
    }
    return client.post("/admin/users/new", data=data)


def test_an_admin_creates_an_account(client, login_as):
    admin = login_as("admin")
    response = create(client)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "dana@clinic.example.org"))
    assert user.roles == {Role.COUNSELOR, Role.MEDICAL}
    assert user.must_change_password
    assert user.check_password(NEW_PASSWORD)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event.user_id == admin.id
    assert event.object_id == str(user.id)
    assert event.detail == {"roles": ["counselor", "medical"], "via": "admin"}


@pytest.mark.parametrize("email", ["Dana@Clinic.example.org ", " dana@clinic.example.org"])
def test_an_email_cannot_become_a_second_account(client, users, login_as, email):
    users.make(email="dana@clinic.example.org")
    login_as("admin")
    html = create(client, email=email, full_name="Another Dana").get_data(as_text=True)
    assert "Another account already uses this email." in html
    assert 'value="Another Dana"' in html
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email == "dana@clinic.example.org")
    )
    assert count == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"new_password": "short", "confirm_password": "short"}, "at least 15 characters"),
        (
            {"new_password": "password123456789", "confirm_password": "password123456789"},
            "too common",
        ),
        (
            {"new_password": "dana's very own password", "confirm_password": "x"},
            "must not contain your email name",
        ),
        ({"roles": []}, "Choose at least one role."),
        ({"email": "not an email"}, "email"),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_bad_input_is_refused_beside_the_field_keeping_what_was_typed(
    client, login_as, overrides, message
):
    login_as("admin")
    response = create(client, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    if overrides.get("full_name", "x"):
        assert 'value="Dana Diaz"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def edit(client, user, **overrides):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "roles": [role.value for role in user.roles],
        "version": str(user.version),
        **overrides,
    }
    return client.post(f"/admin/users/{user.id}", data=data)


def test_changing_roles_ends_that_users_sessions_and_is_audited(app, client, users, login_as):
    target = users.make(roles=("counselor",))
    theirs = app.test_client()
    theirs.post("/login", data={"email": target.email, "password": DEFAULT_PASSWORD})
    assert theirs.get("/").status_code == 200

    login_as("admin")
    assert edit(client, target, roles=["counselor", "supervisor"]).status_code == 302
    db.session.refresh(target)
    assert target.roles == {Role.COUNSELOR, Role.SUPERVISOR}
    assert theirs.get("/").status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.updated"))
    assert event.detail == {
        "changed": ["roles"],
        "roles_added": ["supervisor"],
        "roles_removed": [],
    }


def test_a_name_change_does_not_end_sessions(app, client, users, login_as):
    target = users.make()
    theirs = app.test_client()
    theirs.post("/login", data={"email": target.email, "password": DEFAULT_PASSWORD})
    login_as("admin")
    assert edit(client, target, full_name="New Name").status_code == 302
    assert theirs.get("/").status_code == 200


def test_an_admin_cannot_remove_their_own_admin_role(client, login_as):
    admin = login_as("admin", "counselor")
    html = edit(client, admin, roles=["counselor"]).get_data(as_text=True)
    assert "You cannot remove your own administrator role." in html
    db.session.refresh(admin)
    assert Role.ADMIN in admin.roles


def test_an_admin_cannot_deactivate_themselves(client, login_as):
    admin = login_as("admin")
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_deactivation_ends_sessions_and_sign_in(app, client, users, login_as):
    target = users.make()
    theirs = app.test_client()
    theirs.post("/login", data={"email": target.email, "password": DEFAULT_PASSWORD})
    login_as("admin")
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 302
    assert theirs.get("/").status_code == 302
    response = theirs.post("/login", data={"email": target.email, "password": DEFAULT_PASSWORD})
    assert "The email or password is incorrect." in response.get_data(as_text=True)

    assert client.post(f"/admin/users/{target.id}/reactivate").status_code == 302
    response = theirs.post("/login", data={"email": target.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("user.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["user.deactivated", "user.reactivated"]


def test_a_password_reset_forces_a_change_and_ends_sessions(app, client, users, login_as):
    target = users.make()
    theirs = app.test_client()
    theirs.post("/login", data={"email": target.email, "password": DEFAULT_PASSWORD})
    login_as("admin")
    response = client.post(
        f"/admin/users/{target.id}/password",
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert theirs.get("/").status_code == 302
    theirs.post("/login", data={"email": target.email, "password": NEW_PASSWORD})
    assert theirs.get("/").headers["Location"] == "/account/password"


def test_a_reset_password_must_meet_the_policy_for_that_user(client, users, login_as):
    target = users.make(email="frederick@clinic.example.org")
    login_as("admin")
    password = "Frederick password 2026!"
    response = client.post(
        f"/admin/users/{target.id}/password",
        data={"new_password": password, "confirm_password": password},
    )
    assert "must not contain your email name" in response.get_data(as_text=True)


def test_a_concurrent_edit_is_detected_and_nothing_is_lost(client, users, login_as):
    target = users.make(full_name="Original Name")
    login_as("admin")
    stale_version = target.version
    assert edit(client, target, full_name="First Edit").status_code == 302

    response = edit(client, target, full_name="Second Edit", version=str(stale_version))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this record" in html
    assert 'value="Second Edit"' in html  # what the second admin typed is kept
    assert '<dd class="col-sm-9" id="conflict-name">First Edit</dd>' in html  # and what is saved
    db.session.refresh(target)
    assert target.full_name == "First Edit"

    # Saving again, having seen the saved values, applies the second edit deliberately.
    assert edit(client, target, full_name="Second Edit").status_code == 302
    db.session.refresh(target)
    assert target.full_name == "Second Edit"


def test_the_list_searches_filters_and_escapes(client, users, login_as):
    users.make(full_name='<script>alert("x")</script> Evil', roles=("medical",))
    users.make(full_name="Quiet Person", roles=("intake",), active=False)
    login_as("admin", full_name="Ada Admin")
    html = client.get("/admin/users/").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Evil" in html
    assert '<script>alert("x")' not in html
    html = client.get("/admin/users/?role=intake").get_data(as_text=True)
    assert "Quiet Person" in html
    assert ">Ada Admin</a></td>" not in html
    html = client.get("/admin/users/?status=active&q=quiet").get_data(as_text=True)
    assert "No account matches this search." in html


def test_the_list_is_paginated_in_a_fixed_number_of_queries(client, users, login_as, count_queries):
    login_as("admin")
    with count_queries() as few:
        assert client.get("/admin/users/").status_code == 200
    for _ in range(30):
        users.make(roles=("counselor", "medical"))
    with count_queries() as many:
        page_one = client.get("/admin/users/").get_data(as_text=True)
    assert many.count == few.count
    assert "31 in all." in page_one
    assert page_one.count('href="/admin/users/?page=2"') >= 1
