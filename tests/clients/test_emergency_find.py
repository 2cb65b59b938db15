"""Emergency access reached by name: a reason first, then the exact name and date of birth;
nothing is shown before the reason, every search is audited, and the chart says until when."""

from datetime import date

import sqlalchemy as sa

from clinic.clients.models import EmergencyAccess
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.forms import rendered_form

URL = "/clients/emergency-access"


def _search(client, **typed):
    sent = rendered_form(client.get(URL).get_data(as_text=True), "emergency-find")
    for name, value in typed.items():
        sent[name] = value
    return client.post(URL, data=sent)


def test_a_counselor_finds_a_client_by_exact_name_and_birth_date_and_gets_an_hour(
    client, login_as, clients, clock
):
    record = clients.make("Zoë", "O'Connor", date_of_birth=date(1991, 6, 2))
    clients.admit(record)
    counselor = login_as("counselor")
    response = _search(
        client,
        reason="Client collapsed in the lobby; need allergies now.",
        legal_first_name="zoe",
        legal_last_name="O'Connor",
        date_of_birth="1991-06-02",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/{record.id}")
    grant = db.session.scalars(sa.select(EmergencyAccess)).one()
    assert grant.user_id == counselor.id
    chart = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "Emergency access: it ends at" in chart
    searched = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "emergency.searched")
    ).one()
    assert searched.detail["client_ids"] == [record.id]
    assert "Connor" not in str(searched.detail)  # the name searched for is not logged


def test_nothing_is_shown_or_searched_before_a_reason_is_given(client, login_as, clients):
    record = clients.make("Ann", "Exact", date_of_birth=date(1980, 1, 1))
    clients.admit(record)
    login_as("medical")
    response = _search(
        client,
        reason="",
        legal_first_name="Ann",
        legal_last_name="Exact",
        date_of_birth="1980-01-01",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="reason-errors"' in html
    assert 'id="emergency-matches"' not in html
    assert 'id="emergency-no-match"' not in html
    assert not db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "emergency.searched")
    ).all()
    assert not db.session.scalars(sa.select(EmergencyAccess)).all()


def test_a_near_miss_or_a_restricted_record_is_not_found(client, login_as, clients):
    near = clients.make("Ann", "Exact", date_of_birth=date(1980, 1, 1))
    clients.admit(near)
    hidden = clients.make("Rae", "Restricted", date_of_birth=date(1980, 1, 1))
    hidden.restricted = True
    db.session.commit()
    login_as("counselor")
    for first, last, born in (("Ann", "Exact", "1980-01-02"), ("Rae", "Restricted", "1980-01-01")):
        html = _search(
            client,
            reason="Need the record for a crisis call.",
            legal_first_name=first,
            legal_last_name=last,
            date_of_birth=born,
        ).get_data(as_text=True)
        assert 'id="emergency-no-match"' in html
    assert not db.session.scalars(sa.select(EmergencyAccess)).all()


def test_the_client_list_leads_there_for_counselors_and_medical_staff_only(client, login_as):
    login_as("counselor")
    assert 'id="emergency-link"' in client.get("/clients/").get_data(as_text=True)
    client.post("/logout")
    login_as("intake")
    assert 'id="emergency-link"' not in client.get("/clients/").get_data(as_text=True)
    assert client.get(URL).status_code == 403
