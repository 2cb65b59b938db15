"""The care pages offer only what can happen: no Approve before a required clearance or to the
supervisor who asked, no move to the level the client is at, a full level said at the request,
and no move request while a discharge waits."""

from clinic.assessments.vocabulary import AssessmentKind
from clinic.care.models import BedCapacity
from clinic.clients.levels import Level
from clinic.extensions import db
from tests.care.test_discharge import request_form
from tests.care.test_transition_views import ask
from tests.factories import pending_move, signed_assessment
from tests.forms import rendered_form


def moves_page(client, ward) -> str:
    return client.get(f"/clients/{ward.client.id}/care/moves").get_data(as_text=True)


def test_the_supervisor_who_asked_is_not_offered_approve_and_another_is(client, login, ward):
    login(ward.supervisor)
    assert ask(client, ward).status_code == 302
    html = moves_page(client, ward)
    assert ">Approve<" not in html
    assert "Another supervisor approves a move you asked for." in html
    assert ">Decline<" in html
    client.post("/logout")
    login(ward.second_supervisor)
    assert ">Approve<" in moves_page(client, ward)


def test_approve_waits_for_the_medical_clearance_when_leaving_withdrawal_management(
    client, login, users, clients, ward
):
    patient = clients.make("Wes", "Withdrawing")
    episode = clients.admit(patient, level=Level.WM, counselor=ward.counselor)
    assessment = signed_assessment(episode, ward.counselor, Level.RES)
    move = pending_move(episode, Level.RES, by=ward.counselor, assessment=assessment)
    login(ward.supervisor)
    url = f"/clients/{patient.id}/care/moves"
    html = client.get(url).get_data(as_text=True)
    assert ">Approve<" not in html
    assert "Approval waits for the medical clearance." in html
    client.post("/logout")
    login(ward.medical)
    client.post(f"{url}/{move.id}/clear", data={"note": "COWS 3, vitals stable."})
    client.post("/logout")
    login(ward.supervisor)
    assert ">Approve<" in client.get(url).get_data(as_text=True)


def test_a_move_to_the_level_the_client_is_at_is_refused_beside_the_level(client, login, ward):
    login(ward.counselor)
    page = moves_page(client, ward)
    sent = rendered_form(page, "request-move")
    sent["to_level"] = "RES"  # where the ward's client is now
    sent["assessment_id"] = str(ward.assessment.id)
    sent["justification"] = "Another unit."
    response = client.post(f"/clients/{ward.client.id}/care/moves", data=sent)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The client is at RES already: choose another level." in html
    assert 'value="Another unit."' in html or "Another unit." in html  # what was typed stays


def test_a_full_level_is_said_when_the_move_is_requested(client, login, clients, ward):
    db.session.add(BedCapacity(level=Level.RES, beds=1))  # the ward's client holds it
    db.session.commit()
    patient = clients.make("Polly", "Partial")
    episode = clients.admit(patient, level=Level.PHP, counselor=ward.counselor)
    assessment = signed_assessment(episode, ward.counselor, Level.RES)
    login(ward.counselor)
    url = f"/clients/{patient.id}/care/moves"
    assert "Residential treatment (full: 1 of 1 beds)" in client.get(url).get_data(as_text=True)
    response = client.post(
        url,
        data={"to_level": "RES", "assessment_id": str(assessment.id), "justification": "Relapse."},
        follow_redirects=True,
    )
    assert "Residential treatment is full (1 of 1 beds)" in response.get_data(as_text=True)


def test_no_move_is_offered_while_a_discharge_waits(client, login, ward):
    signed_assessment(ward.episode, ward.counselor, Level.OP, kind=AssessmentKind.DISCHARGE)
    login(ward.counselor)
    client.post(f"/clients/{ward.client.id}/care/discharge", data=request_form())
    html = moves_page(client, ward)
    assert 'id="request-move"' not in html
    assert "A discharge is waiting for a decision" in html


def test_the_supervisor_who_asked_for_a_discharge_is_not_offered_its_approval(client, login, ward):
    signed_assessment(ward.episode, ward.supervisor, Level.OP, kind=AssessmentKind.DISCHARGE)
    login(ward.supervisor)
    client.post(f"/clients/{ward.client.id}/care/discharge", data=request_form())
    html = client.get(f"/clients/{ward.client.id}/care/discharge").get_data(as_text=True)
    assert "Approve the discharge" not in html
    assert "Another supervisor approves a discharge you asked for." in html
    client.post("/logout")
    login(ward.second_supervisor)
    page = client.get(f"/clients/{ward.client.id}/care/discharge").get_data(as_text=True)
    assert "Approve the discharge" in page
