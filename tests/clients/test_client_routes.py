"""Every client route for every role: 200, 302, 403 (no role) or 404 (outside access)."""

import pytest

from clinic.clients.levels import Level
from clinic.clients.vocabulary import TeamRole
from tests.access import ROLES, assert_answers

# (method, url, {role: expected status}); {c} is the client, {m} a care team member.
TABLE = [
    ("GET", "/clients/", {"*": 200}),
    ("GET", "/clients/new", {"intake": 200, "supervisor": 200, "*": 403}),
    ("POST", "/clients/new", {"intake": 200, "supervisor": 200, "*": 403}),
    ("GET", "/clients/{c}", {"other_counselor": 404, "medical": 404, "*": 200}),
    ("GET", "/clients/{c}/care", {"other_counselor": 404, "medical": 404, "*": 200}),
    (
        "GET",
        "/clients/{c}/edit",
        {"other_counselor": 404, "medical": 404, "admin": 403, "*": 200},
    ),
    (
        "POST",
        "/clients/{c}/restricted",
        {"other_counselor": 404, "medical": 404, "supervisor": 302, "*": 403},
    ),
    (
        "GET",
        "/clients/{c}/episodes/new",
        {"other_counselor": 404, "medical": 404, "intake": 302, "supervisor": 302, "*": 403},
    ),
    (
        "GET",
        "/clients/{c}/care/team",
        {"other_counselor": 404, "medical": 404, "supervisor": 200, "*": 403},
    ),
    (
        "POST",
        "/clients/{c}/care/team/{m}/remove",
        {"other_counselor": 404, "medical": 404, "supervisor": 302, "*": 403},
    ),
    (
        "GET",
        "/clients/{c}/emergency-access",
        {"counselor": 200, "other_counselor": 200, "medical": 200, "*": 403},
    ),
    (
        "GET",
        "/clients/emergency-access",
        {"counselor": 200, "other_counselor": 200, "medical": 200, "*": 403},
    ),
    ("GET", "/reports/caseload", {"supervisor": 200, "admin": 200, "*": 403}),
    ("GET", "/reports/caseload?format=csv", {"supervisor": 200, "admin": 200, "*": 403}),
    ("GET", "/reports/emergency-access", {"supervisor": 200, "*": 403}),
]


@pytest.fixture
def world(users, clients, staff):
    client = clients.make()
    episode = clients.admit(
        client,
        level=Level.RES,
        counselor=staff["counselor"],
        team=[(users.make(), TeamRole.PEER_SUPPORT)],
    )
    from clinic.clients.services import active_team

    peer = next(m for m in active_team(episode.id) if m.team_role == TeamRole.PEER_SUPPORT)
    return staff, client, peer


@pytest.mark.parametrize("role", ROLES)
def test_client_routes_answer_each_role_as_the_table_says(client, login, world, role):
    staff, record, member = world
    login(staff[role])
    assert_answers(client, role, TABLE, c=record.id, m=member.id)


def test_a_missing_client_is_404_for_everyone(client, login_as):
    login_as("supervisor")
    assert client.get("/clients/999999").status_code == 404
    assert client.get("/clients/999999/edit").status_code == 404
