"""Who sees which client (docs/access-and-workflows.md §2), checked against real records."""

from datetime import timedelta

import pytest

from clinic.clients.levels import Level
from clinic.clients.vocabulary import TeamRole
from clinic.core.clock import clinic_today
from clinic.core.permissions import can


def test_supervisors_and_admins_see_every_client(staff, clients):
    client = clients.make()
    clients.admit(client)
    assert can(staff["supervisor"], "client.view", client)
    assert can(staff["admin"], "client.view", client)


def test_a_counselor_sees_only_clients_on_their_care_team(staff, users, clients):
    mine, theirs = clients.make(), clients.make()
    clients.admit(mine, counselor=staff["counselor"])
    clients.admit(theirs, counselor=users.make())
    assert can(staff["counselor"], "client.view", mine)
    assert not can(staff["counselor"], "client.view", theirs)


def test_any_team_role_gives_access(staff, users, clients):
    client = clients.make()
    clients.admit(client, counselor=users.make(), team=[(staff["counselor"], TeamRole.THERAPIST)])
    assert can(staff["counselor"], "client.view", client)


def test_a_counselor_keeps_access_30_days_after_discharge(staff, clients):
    today = clinic_today()
    recent, old = clients.make(), clients.make()
    clients.admit(
        recent,
        admitted_on=today - timedelta(days=60),
        discharged_on=today - timedelta(days=30),
        counselor=staff["counselor"],
    )
    clients.admit(
        old,
        admitted_on=today - timedelta(days=90),
        discharged_on=today - timedelta(days=31),
        counselor=staff["counselor"],
    )
    assert can(staff["counselor"], "client.view", recent)
    assert not can(staff["counselor"], "client.view", old)


def test_medical_staff_see_withdrawal_management_and_their_own_teams(staff, users, clients):
    detox, residential, on_team = clients.make(), clients.make(), clients.make()
    clients.admit(detox, level=Level.WM, counselor=users.make())
    clients.admit(residential, level=Level.RES, counselor=users.make())
    clients.admit(on_team, level=Level.OP, team=[(staff["medical"], TeamRole.MEDICAL)])
    assert can(staff["medical"], "client.view", detox)
    assert not can(staff["medical"], "client.view", residential)
    assert can(staff["medical"], "client.view", on_team)
    assert not can(staff["counselor"], "client.view", detox)


def test_intake_sees_new_and_recently_entered_admissions_only(staff, clients):
    today = clinic_today()
    waiting, fresh, settled = clients.make(), clients.make(), clients.make()
    clients.admit(fresh, admitted_on=today - timedelta(days=2))
    clients.admit(settled, admitted_on=today - timedelta(days=5))
    assert can(staff["intake"], "client.view", waiting)
    assert can(staff["intake"], "client.view", fresh)
    assert not can(staff["intake"], "client.view", settled)


def test_a_backdated_admission_stays_with_intake(client, login, staff, clients, clock):
    record = clients.make()
    login(staff["intake"])
    response = client.post(
        f"/clients/{record.id}/episodes/new",
        data={
            "admitted_on": "2026-02-20",  # ten days before the clock's today
            "referral_source": "self",
            "level": "RES",
            "substance_1": "heroin",
            "route_1": "injection",
            "frequency_1": "daily",
        },
    )
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


def test_restricted_records_are_for_the_team_and_supervisors(staff, clients):
    client = clients.make(restricted=True)
    clients.admit(client, level=Level.WM, counselor=staff["counselor"])
    assert can(staff["counselor"], "client.view", client)
    assert can(staff["supervisor"], "client.view", client)
    assert not can(staff["medical"], "client.view", client)  # WM alone is not enough
    unadmitted = clients.make(restricted=True)
    assert not can(staff["intake"], "client.view", unadmitted)


def test_admins_see_operational_fields_not_clinical_content(staff, clients):
    client = clients.make()
    clients.admit(client, counselor=staff["counselor"])
    assert not can(staff["admin"], "client.clinical", client)
    assert can(staff["supervisor"], "client.clinical", client)
    assert can(staff["counselor"], "client.clinical", client)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("client.edit", {"intake", "counselor", "supervisor"}),
        ("client.restrict", {"supervisor"}),
        ("episode.admit", {"intake", "supervisor"}),
        ("careteam.manage", {"supervisor"}),
    ],
)
def test_actions_on_a_visible_client_follow_the_role(staff, clients, action, allowed):
    client = clients.make()  # no episode: visible to intake, supervisors, admins
    clients.admit(client, counselor=staff["counselor"], team=[(staff["medical"], TeamRole.MEDICAL)])
    client_visible_to_intake = clients.make()
    for role, user in staff.items():
        target = client_visible_to_intake if role == "intake" else client
        assert can(user, action, target) is (role in allowed), role
