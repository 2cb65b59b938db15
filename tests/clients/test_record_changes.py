"""Editing demographics, the restricted flag, care teams and emergency access."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.clients.models import CareTeamMember, Client, EmergencyAccess
from clinic.clients.vocabulary import TeamRole
from clinic.core.audit import AuditEvent
from clinic.extensions import db


def form_of(record: Client, **changes) -> dict:
    data = {
        "legal_first_name": record.legal_first_name,
        "legal_last_name": record.legal_last_name,
        "date_of_birth": record.date_of_birth.isoformat(),
        "sex_at_birth": record.sex_at_birth.value,
        "version": str(record.version),
    }
    return {**data, **changes}


@pytest.fixture
def team_client(users, clients):
    counselor = users.make()
    record = clients.make("Rosa", "Parks")
    clients.admit(record, counselor=counselor)
    return counselor, record


def test_a_counselor_edits_demographics_and_the_change_is_audited(client, login, team_client):
    counselor, record = team_client
    login(counselor)
    response = client.post(
        f"/clients/{record.id}/edit", data=form_of(record, pronouns="she/her", phone="406 555 0199")
    )
    assert response.status_code == 302
    db.session.refresh(record)
    assert (record.pronouns, record.phone) == ("she/her", "406 555 0199")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "client.updated"))
    assert event.detail == {"changed": ["pronouns", "phone"]}


def test_a_concurrent_edit_is_detected_and_both_versions_are_shown(client, login, team_client):
    counselor, record = team_client
    login(counselor)
    stale = form_of(record)
    assert (
        client.post(
            f"/clients/{record.id}/edit", data={**stale, "preferred_name": "Ro"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/clients/{record.id}/edit", data={**stale, "preferred_name": "<b>Rosie</b>"}
    )
    html = response.get_data(as_text=True)
    assert "Someone else changed this record" in html
    assert 'value="&lt;b&gt;Rosie&lt;/b&gt;"' in html  # mine, kept and escaped
    assert '<dd class="col-6">Ro</dd>' in html  # theirs, shown
    db.session.refresh(record)
    assert record.preferred_name == "Ro"


def test_a_client_id_in_the_form_body_is_ignored(client, login, team_client, clients):
    counselor, record = team_client
    other = clients.make("Other", "Person")
    login(counselor)
    data = form_of(record, legal_last_name="Renamed", client_id=str(other.id), id=str(other.id))
    assert client.post(f"/clients/{record.id}/edit", data=data).status_code == 302
    db.session.refresh(other)
    db.session.refresh(record)
    assert other.legal_last_name == "Person"
    assert record.legal_last_name == "Renamed"


def test_only_supervisors_set_the_restricted_flag(client, login, login_as, team_client):
    counselor, record = team_client
    login(counselor)
    assert (
        client.post(f"/clients/{record.id}/restricted", data={"restricted": "1"}).status_code == 403
    )
    client.post("/logout")
    login_as("supervisor")
    assert (
        client.post(f"/clients/{record.id}/restricted", data={"restricted": "1"}).status_code == 302
    )
    db.session.refresh(record)
    assert record.restricted


def test_a_supervisor_assigns_and_replaces_the_primary_counselor(
    client, login_as, users, team_client
):
    first, record = team_client
    second = users.make(full_name="Second Counselor")
    login_as("supervisor")
    response = client.post(
        f"/clients/{record.id}/care/team",
        data={"team_role": "primary_counselor", "user_id": str(second.id)},
    )
    assert response.status_code == 302
    primaries = db.session.scalars(
        sa.select(CareTeamMember).where(CareTeamMember.team_role == TeamRole.PRIMARY_COUNSELOR)
    ).all()
    assert [(m.user_id, m.removed_at is None) for m in primaries] == [
        (first.id, False),
        (second.id, True),
    ]
    assert "Second Counselor" in client.get(f"/clients/{record.id}").get_data(as_text=True)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "careteam.changed"))
    assert event.detail == {
        "added": second.id,
        "team_role": "primary_counselor",
        "removed": [first.id],
    }


def test_the_primary_counselor_cannot_simply_be_removed(client, login_as, team_client):
    _, record = team_client
    login_as("supervisor")
    member = db.session.scalar(sa.select(CareTeamMember))
    response = client.post(
        f"/clients/{record.id}/care/team/{member.id}/remove", follow_redirects=True
    )
    assert "always has a primary counselor" in response.get_data(as_text=True)
    db.session.refresh(member)
    assert member.removed_at is None


def test_a_member_of_another_clients_team_cannot_be_removed_through_this_client(
    client, login_as, users, clients, team_client
):
    _, record = team_client
    other = clients.make()
    other_episode = clients.admit(
        other, counselor=users.make(), team=[(users.make(), TeamRole.PEER_SUPPORT)]
    )
    peer = db.session.scalar(
        sa.select(CareTeamMember).where(
            CareTeamMember.episode_id == other_episode.id,
            CareTeamMember.team_role == TeamRole.PEER_SUPPORT,
        )
    )
    login_as("supervisor")
    assert client.post(f"/clients/{record.id}/care/team/{peer.id}/remove").status_code == 404
    db.session.refresh(peer)
    assert peer.removed_at is None


def test_a_medical_role_needs_medical_staff(client, login_as, users, team_client):
    _, record = team_client
    counselor = users.make()
    login_as("supervisor")
    html = client.post(
        f"/clients/{record.id}/care/team",
        data={"team_role": "medical", "user_id": str(counselor.id)},
    ).get_data(as_text=True)
    assert "cannot fill that role" in html


def test_emergency_access_opens_the_chart_for_an_hour(client, login, users, team_client, clock):
    _, record = team_client
    outsider = users.make(roles=("medical",))
    login(outsider)
    assert client.get(f"/clients/{record.id}").status_code == 404
    short = client.post(f"/clients/{record.id}/emergency-access", data={"reason": "urgent"})
    assert "in 10 to 1000 characters" in short.get_data(as_text=True)
    response = client.post(
        f"/clients/{record.id}/emergency-access",
        data={"reason": "Client collapsed in the lobby; need medication list"},
    )
    assert response.headers["Location"] == f"/clients/{record.id}"
    assert client.get(f"/clients/{record.id}").status_code == 200
    grant = db.session.scalar(sa.select(EmergencyAccess))
    assert grant.expires_at - grant.granted_at == timedelta(minutes=60)
    for _ in range(5):  # keep the session alive (15-minute idle limit) for 50 minutes
        clock.advance(minutes=10)
        assert client.get(f"/clients/{record.id}").status_code == 200
    clock.advance(minutes=9)
    assert client.get(f"/clients/{record.id}").status_code == 200
    clock.advance(minutes=2)
    assert client.get(f"/clients/{record.id}").status_code == 404
    events = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.client_id == record.id)
    ).all()
    assert "emergency.granted" in events


def test_emergency_access_is_refused_for_restricted_records(client, login_as, clients):
    record = clients.make(restricted=True)
    clients.admit(record)
    login_as("counselor")
    response = client.post(
        f"/clients/{record.id}/emergency-access", data={"reason": "A real emergency here"}
    )
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmergencyAccess)) == 0


def test_supervisors_review_emergency_access(client, login, login_as, users, team_client):
    _, record = team_client
    outsider = users.make(full_name="Night Nurse", roles=("medical",))
    login(outsider)
    client.post(
        f"/clients/{record.id}/emergency-access", data={"reason": "Overdose response at night"}
    )
    client.post("/logout")
    login_as("supervisor")
    home = client.get("/").get_data(as_text=True)
    assert "Emergency access to review</a></h3>" in home
    assert f"Review emergency access</a>: {record.display_name}" in home
    page = client.get("/reports/emergency-access").get_data(as_text=True)
    assert "Night Nurse" in page
    assert "Overdose response at night" in page
    grant = db.session.scalar(sa.select(EmergencyAccess))
    client.post(f"/reports/emergency-access/{grant.id}/review", data={"note": "Justified"})
    db.session.refresh(grant)
    assert grant.review_note == "Justified"
    assert "Review emergency access" not in client.get("/").get_data(as_text=True)
