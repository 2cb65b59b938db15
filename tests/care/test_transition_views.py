"""Moves between levels through the Flask test client: requests, clearance, decisions, beds,
replays, the census and who may do what."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.care.models import BedCapacity, RequestStatus, TransitionRequest
from clinic.clients.levels import Level
from clinic.clients.models import Episode
from clinic.clients.stays import LevelOfCareStay
from clinic.core.clock import utcnow
from clinic.extensions import db
from tests.access import ROLES, assert_answers
from tests.factories import signed_assessment


def ask(client, ward, to_level="PHP", **changes):
    form = {
        "to_level": to_level,
        "assessment_id": str(ward.assessment.id),
        "justification": "Stable three weeks; wants to go home to his kids.",
        "override_reason": "",
    } | changes
    return client.post(f"/clients/{ward.client.id}/care/moves", data=form)


def pending(ward) -> TransitionRequest:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(TransitionRequest).where(TransitionRequest.episode_id == ward.episode.id)
    ).one()


def stays(ward) -> list[tuple[str, str | None]]:
    db.session.expire_all()
    return [
        (stay.level.value, stay.ended_by)
        for stay in db.session.scalars(
            sa.select(LevelOfCareStay)
            .where(LevelOfCareStay.episode_id == ward.episode.id)
            .order_by(LevelOfCareStay.started_at, LevelOfCareStay.id)
        )
    ]


def test_a_step_down_from_request_to_the_new_level(client, login, ward):
    login(ward.counselor)
    assert ask(client, ward).status_code == 302
    request_row = pending(ward)
    assert (request_row.status, request_row.from_level, request_row.to_level) == (
        RequestStatus.PENDING,
        Level.RES,
        Level.PHP,
    )
    client.post("/logout")
    login(ward.supervisor)
    assert "Move to decide: RES → PHP" in client.get("/").get_data(as_text=True)
    response = client.post(
        f"/clients/{ward.client.id}/care/moves/{request_row.id}/approve", data={"note": "Agreed."}
    )
    assert response.status_code == 302
    assert stays(ward) == [("RES", "transition"), ("PHP", None)]
    decided = pending(ward)
    assert decided.status == RequestStatus.APPROVED
    assert decided.decided_by_id == ward.supervisor.id
    assert db.session.get(Episode, ward.episode.id).current_level == Level.PHP
    new_stay = db.session.get(LevelOfCareStay, decided.new_stay_id)
    assert (new_stay.reason.value, new_stay.approved_by_id) == ("step_down", ward.supervisor.id)


def test_a_replayed_approval_changes_nothing_more(client, login, ward):
    login(ward.counselor)
    ask(client, ward)
    client.post("/logout")
    login(ward.supervisor)
    url = f"/clients/{ward.client.id}/care/moves/{pending(ward).id}/approve"
    assert client.post(url, data={"note": ""}).status_code == 302
    again = client.post(url, data={"note": ""})
    assert again.status_code == 409
    assert "no longer waiting" in again.get_data(as_text=True)
    assert stays(ward) == [("RES", "transition"), ("PHP", None)]


def test_another_level_than_the_assessment_recommends_needs_a_reason(client, login, ward):
    login(ward.counselor)
    page = ask(client, ward, to_level="IOP")
    assert page.status_code == 200
    assert 'id="override_reason-errors"' in page.get_data(as_text=True)
    assert (
        ask(client, ward, to_level="IOP", override_reason="Payer authorized IOP only").status_code
        == 302
    )


def test_a_request_rests_on_a_recent_signed_assessment(client, login, ward):
    old = signed_assessment(ward.episode, ward.counselor, Level.PHP, age=timedelta(days=8))
    login(ward.counselor)
    page = ask(client, ward, assessment_id=str(old.id))
    assert page.status_code == 200  # not offered: older than 7 days
    assert 'id="assessment_id-errors"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TransitionRequest)) == 0


def test_the_requester_does_not_approve_their_own_request(client, login, ward):
    login(ward.supervisor)
    assert ask(client, ward).status_code == 302
    refused = client.post(
        f"/clients/{ward.client.id}/care/moves/{pending(ward).id}/approve", data={"note": ""}
    )
    assert refused.status_code == 409
    assert "another supervisor" in refused.get_data(as_text=True)
    client.post("/logout")
    login(ward.second_supervisor)
    assert (
        client.post(
            f"/clients/{ward.client.id}/care/moves/{pending(ward).id}/approve", data={"note": ""}
        ).status_code
        == 302
    )


def test_leaving_withdrawal_management_needs_medical_clearance(client, login, users, clients, ward):
    patient = clients.make("Wes", "Withers")
    episode = clients.admit(
        patient, level=Level.WM, counselor=ward.counselor, level_since=utcnow() - timedelta(days=5)
    )
    assessment = signed_assessment(episode, ward.counselor, Level.RES)
    login(ward.counselor)
    client.post(
        f"/clients/{patient.id}/care/moves",
        data={
            "to_level": "RES",
            "assessment_id": str(assessment.id),
            "justification": "COWS under 5.",
        },
    )
    request_row = db.session.scalars(
        sa.select(TransitionRequest).where(TransitionRequest.episode_id == episode.id)
    ).one()
    client.post("/logout")
    login(ward.supervisor)
    url = f"/clients/{patient.id}/care/moves/{request_row.id}"
    refused = client.post(f"{url}/approve", data={"note": ""})
    assert "needs medical clearance" in refused.get_data(as_text=True)
    assert client.post(f"{url}/clear", data={"note": "x"}).status_code == 403
    client.post("/logout")
    login(ward.medical)
    assert "Medical clearance to leave WM" in client.get("/").get_data(as_text=True)
    assert (
        client.post(f"{url}/clear", data={"note": "COWS 2 and 3, vitals stable."}).status_code
        == 302
    )
    client.post("/logout")
    login(ward.supervisor)
    assert client.post(f"{url}/approve", data={"note": ""}).status_code == 302
    assert db.session.get(Episode, episode.id).current_level == Level.RES


def test_a_full_level_refuses_the_move(client, login, users, clients, ward):
    db.session.add(BedCapacity(level=Level.RES, beds=1))  # the ward's client holds it
    patient = clients.make("Polly", "Partial")
    episode = clients.admit(patient, level=Level.PHP, counselor=ward.counselor)
    assessment = signed_assessment(episode, ward.counselor, Level.RES)
    login(ward.counselor)
    client.post(
        f"/clients/{patient.id}/care/moves",
        data={"to_level": "RES", "assessment_id": str(assessment.id), "justification": "Relapsed."},
    )
    request_row = db.session.scalars(
        sa.select(TransitionRequest).where(TransitionRequest.episode_id == episode.id)
    ).one()
    client.post("/logout")
    login(ward.supervisor)
    refused = client.post(
        f"/clients/{patient.id}/care/moves/{request_row.id}/approve", data={"note": ""}
    )
    assert "Residential treatment is full (1 of 1 beds)" in refused.get_data(as_text=True)
    assert db.session.get(Episode, episode.id).current_level == Level.PHP


def test_declining_needs_a_note_and_keeps_the_level(client, login, ward):
    login(ward.counselor)
    ask(client, ward)
    client.post("/logout")
    login(ward.supervisor)
    url = f"/clients/{ward.client.id}/care/moves/{pending(ward).id}/decline"
    assert "Say why" in client.post(url, data={"note": ""}).get_data(as_text=True)
    assert client.post(url, data={"note": "Not yet: housing unsure."}).status_code == 302
    assert pending(ward).status == RequestStatus.DECLINED
    assert stays(ward) == [("RES", None)]


def test_the_census_follows_the_moves(client, login, users, ward):
    admin = users.make(roles=("admin",))
    login(admin)
    client.post("/admin/beds", data={"level": "RES", "beds": "10"})
    html = client.get("/reports/census").get_data(as_text=True)
    assert 'id="census-total">1<' in html
    row = html[html.index('id="census-RES"') :]
    assert '<td class="clients">1</td>' in row[:400]
    assert '<td class="free">9</td>' in row[:400]
    client.post("/logout")
    login(ward.counselor)
    ask(client, ward)
    client.post("/logout")
    login(ward.supervisor)
    client.post(
        f"/clients/{ward.client.id}/care/moves/{pending(ward).id}/approve", data={"note": ""}
    )
    html = client.get("/reports/census").get_data(as_text=True)
    row = html[html.index('id="census-PHP"') :]
    assert '<td class="clients">1</td>' in row[:400]
    assert '<td class="free">10</td>' in html[html.index('id="census-RES"') :][:400]


MOVE_ROUTES = [
    # Intake coordinators see the client (admitted in the last three days); admins do not read
    # the clinical reasons for moves.
    ("GET", "/clients/{c}/care/moves", {"other_counselor": 404, "admin": 403, "*": 200}),
    ("GET", "/clients/{c}/care/discharge", {"other_counselor": 404, "admin": 403, "*": 200}),
    (
        "POST",
        "/clients/{c}/care/moves",
        {"counselor": 200, "medical": 200, "supervisor": 200, "other_counselor": 404, "*": 403},
    ),
    ("GET", "/reports/census", {"supervisor": 200, "admin": 200, "*": 403}),
    ("GET", "/admin/beds", {"admin": 200, "*": 403}),
]


@pytest.mark.parametrize("role", ROLES)
def test_move_routes_answer_each_role_as_the_table_says(client, login, staff, ward, role):
    people = {"counselor": ward.counselor, "medical": ward.medical, "supervisor": ward.supervisor}
    login(people.get(role) or staff[role])
    assert_answers(client, role, MOVE_ROUTES, c=ward.client.id)


def test_the_census_counts_a_hand_built_clinic(app, users, clients, clock):
    from clinic.care.census import census as count_census
    from clinic.core.clock import clinic_today

    today = clinic_today()  # Monday 2 March 2026: the week starts today
    now = utcnow()
    clients.admit(
        clients.make(),
        level=Level.RES,
        admitted_on=today - timedelta(days=10),
        level_since=now - timedelta(days=10),
    )
    clients.admit(
        clients.make(), level=Level.RES, admitted_on=today, level_since=now - timedelta(days=4)
    )
    clients.admit(
        clients.make(),
        level=Level.WM,
        admitted_on=today - timedelta(days=1),
        level_since=now - timedelta(days=1),
    )
    gone_today = clients.admit(
        clients.make(), level=Level.OP, admitted_on=today - timedelta(days=30)
    )
    clients.discharge(gone_today, on=today)
    gone_before = clients.admit(
        clients.make(), level=Level.OP, admitted_on=today - timedelta(days=40)
    )
    clients.discharge(gone_before, on=today - timedelta(days=1))
    db.session.add_all([BedCapacity(level=Level.RES, beds=2), BedCapacity(level=Level.WM, beds=3)])
    db.session.commit()

    census = count_census()
    rows = {row.level: row for row in census.rows}
    assert (rows[Level.RES].clients, rows[Level.RES].beds, rows[Level.RES].free) == (2, 2, 0)
    assert (rows[Level.WM].clients, rows[Level.WM].free) == (1, 2)
    assert (rows[Level.OP].clients, rows[Level.OP].beds, rows[Level.OP].free) == (0, None, None)
    assert rows[Level.RES].average_days == pytest.approx(7.0)
    assert rows[Level.WM].average_days == pytest.approx(1.0)
    assert rows[Level.OP].average_days is None
    assert census.total == 3
    assert (census.admitted_today, census.admitted_this_week) == (1, 1)
    assert (census.discharged_today, census.discharged_this_week) == (1, 1)


def test_a_supervisor_corrects_the_level_with_a_new_entry(client, login, ward):
    url = f"/clients/{ward.client.id}/care/corrections"
    login(ward.counselor)
    assert client.post(url, data={"level": "PHP", "reason": "x"}).status_code == 403
    client.post("/logout")
    login(ward.supervisor)
    missing = client.post(url, data={"level": "PHP", "reason": ""})
    assert 'id="reason-errors"' in missing.get_data(as_text=True)
    done = client.post(
        url, data={"level": "PHP", "reason": "Entered as RES by mistake on admission."}
    )
    assert done.status_code == 302
    assert stays(ward) == [("RES", "transition"), ("PHP", None)]
    care = client.get(f"/clients/{ward.client.id}/care").get_data(as_text=True)
    assert "Entered as RES by mistake on admission." in care
