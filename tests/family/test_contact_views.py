"""The Family tab: the client's family members and other contacts, recorded by intake,
counselors and supervisors, read by medical staff, never by admins; another client's contact is
never reached through this client's URL."""

import pytest

from clinic.clients.contacts import Contact
from clinic.clients.vocabulary import Relationship, TeamRole
from clinic.core.audit import AuditEvent
from clinic.extensions import db
from tests.access import ROLES, assert_answers
from tests.forms import rendered_form


def fill(form, values: dict) -> None:
    for name, value in values.items():
        form[name] = value


@pytest.fixture
def patient(clients, staff):
    client = clients.make("Pat", "Family")
    clients.admit(client, counselor=staff["counselor"], team=[(staff["medical"], TeamRole.MEDICAL)])
    return client


def make_contact(client, name="Linda Family", **fields) -> Contact:
    fields.setdefault("relationship", Relationship.PARENT)
    contact = Contact(client_id=client.id, name=name, **fields)
    db.session.add(contact)
    db.session.commit()
    return contact


ROUTES = [
    (
        "GET",
        "/clients/{c}/family/",
        {"admin": 403, "other_counselor": 404, "*": 200},
    ),
    (
        "GET",
        "/clients/{c}/family/new",
        {"admin": 403, "medical": 403, "other_counselor": 404, "*": 200},
    ),
    (
        "POST",
        "/clients/{c}/family/new",
        {"admin": 403, "medical": 403, "other_counselor": 404, "*": 200},
    ),
    (
        "GET",
        "/clients/{c}/family/{k}",
        {"admin": 403, "medical": 403, "other_counselor": 404, "*": 200},
    ),
    (
        "POST",
        "/clients/{c}/family/{k}/set-aside",
        {"admin": 403, "medical": 403, "other_counselor": 404, "*": 302},
    ),
    (
        "POST",
        "/clients/{c}/family/{k}/restore",
        {"admin": 403, "medical": 403, "other_counselor": 404, "*": 302},
    ),
    (
        "GET",
        "/clients/{c}/family/999999",
        {"admin": 403, "medical": 403, "*": 404},
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_family_routes_answer_each_role_as_the_table_says(client, login, staff, patient, role):
    contact = make_contact(patient)
    login(staff[role])
    assert_answers(client, role, ROUTES, c=patient.id, k=contact.id)


def test_a_contact_is_added_from_the_rendered_form_and_audited(client, login, staff, patient):
    login(staff["counselor"])
    url = f"/clients/{patient.id}/family/new"
    form = rendered_form(client.get(url).get_data(as_text=True), "contact-form")
    fill(
        form,
        {
            "name": "Linda Family",
            "relationship": "parent",
            "relationship_detail": "mother",
            "phone": "(406) 555-0101",
            "emergency_contact": "y",
            "notes": "Calls on Sundays.",
        },
    )
    response = client.post(url, data=form)
    assert response.status_code == 302
    contact = db.session.scalars(db.select(Contact)).one()
    assert (contact.client_id, contact.relationship, contact.emergency_contact) == (
        patient.id,
        Relationship.PARENT,
        True,
    )
    assert contact.relationship_text == "Parent: mother"
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "contact.added")
    ).one()
    assert event.client_id == patient.id
    listing = client.get(response.location).get_data(as_text=True)
    assert "Linda Family" in listing
    assert "Emergency contact" in listing
    # The overview shows the emergency contact.
    overview = client.get(f"/clients/{patient.id}").get_data(as_text=True)
    assert "Linda Family (Parent: mother) (406) 555-0101" in overview


def test_bad_input_is_refused_beside_the_field_keeping_what_was_typed(
    client, login, staff, patient
):
    login(staff["intake"])
    url = f"/clients/{patient.id}/family/new"
    form = rendered_form(client.get(url).get_data(as_text=True), "contact-form")
    fill(form, {"name": "", "phone": "call me", "email": "nope", "notes": "typed <notes>"})
    response = client.post(url, data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for field in ("name", "relationship", "phone", "email"):
        assert f'id="{field}-errors"' in page, field
    assert "typed &lt;notes&gt;</textarea>" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 0


def test_saving_a_contact_unchanged_changes_nothing(client, login, staff, patient):
    contact = make_contact(patient, phone="(406) 555-0101", emergency_contact=True, notes="a\nb")
    login(staff["counselor"])
    url = f"/clients/{patient.id}/family/{contact.id}"
    form = rendered_form(client.get(url).get_data(as_text=True), "contact-form")
    response = client.post(url, data=form, follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    db.session.refresh(contact)
    assert (contact.version, contact.notes, contact.emergency_contact) == (1, "a\nb", True)


def test_a_concurrent_edit_is_shown_not_overwritten(client, login, staff, patient):
    contact = make_contact(patient)
    login(staff["counselor"])
    url = f"/clients/{patient.id}/family/{contact.id}"
    form = rendered_form(client.get(url).get_data(as_text=True), "contact-form")
    contact.phone = "(406) 555-0199"
    db.session.commit()
    form["name"] = "Linda Changed"
    page = client.post(url, data=form).get_data(as_text=True)
    assert "Someone else changed this record" in page
    assert "(406) 555-0199" in page
    db.session.refresh(contact)
    assert contact.name == "Linda Family"


def test_another_clients_contact_is_not_reached_through_this_clients_url(
    client, login, staff, patient, clients
):
    other = clients.make("Other", "Person")
    clients.admit(other, counselor=staff["counselor"])
    theirs = make_contact(other, name="Not Yours")
    login(staff["counselor"])
    assert client.get(f"/clients/{patient.id}/family/{theirs.id}").status_code == 404
    response = client.post(f"/clients/{patient.id}/family/{theirs.id}/set-aside")
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.active


def test_a_contact_set_aside_is_kept_and_can_be_made_current(client, login, staff, patient):
    contact = make_contact(patient, emergency_contact=True)
    login(staff["counselor"])
    client.post(f"/clients/{patient.id}/family/{contact.id}/set-aside")
    db.session.refresh(contact)
    assert not contact.active
    assert contact.emergency_contact
    overview = client.get(f"/clients/{patient.id}").get_data(as_text=True)
    shown = overview.split('id="emergency-contacts">', 1)[1].split("</dd>", 1)[0]
    assert shown == "—"  # no longer offered as the emergency contact
    assert "Set aside" in client.get(f"/clients/{patient.id}/family/").get_data(as_text=True)
    client.post(f"/clients/{patient.id}/family/{contact.id}/restore")
    db.session.refresh(contact)
    assert contact.active


def test_markup_in_a_contact_is_shown_as_text(client, login, staff, patient):
    make_contact(patient, name="<img src=x onerror=alert(1)>", notes="<script>x</script>")
    login(staff["medical"])
    page = client.get(f"/clients/{patient.id}/family/").get_data(as_text=True)
    assert "<img src=x" not in page
    assert "<script>x</script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_family_tab_runs_the_same_queries_whatever_the_number_of_contacts(
    client, login, staff, patient, count_queries
):
    make_contact(patient)
    login(staff["counselor"])
    url = f"/clients/{patient.id}/family/"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for number in range(15):
        make_contact(patient, name=f"Friend {number}", relationship=Relationship.FRIEND)
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_the_emergency_contact_given_at_intake_becomes_the_first_contact(client, login, staff):
    login(staff["intake"])
    page = client.get("/clients/new?first=Ann&last=Intake&dob=1991-02-03").get_data(as_text=True)
    form = rendered_form(page, "client-form")
    fill(
        form,
        {
            "sex_at_birth": "female",
            "emergency_name": "Bo Intake",
            "emergency_relationship": "sibling",
            "emergency_phone": "(406) 555-0177",
        },
    )
    response = client.post("/clients/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    contact = db.session.scalars(db.select(Contact)).one()
    assert (contact.name, contact.relationship, contact.phone, contact.emergency_contact) == (
        "Bo Intake",
        Relationship.SIBLING,
        "(406) 555-0177",
        True,
    )


def test_an_emergency_phone_without_a_name_is_refused_at_intake(client, login, staff):
    login(staff["intake"])
    page = client.get("/clients/new?first=Ann&last=Intake&dob=1991-02-03").get_data(as_text=True)
    form = rendered_form(page, "client-form")
    fill(form, {"sex_at_birth": "female", "emergency_phone": "(406) 555-0177"})
    page = client.post("/clients/new", data=form).get_data(as_text=True)
    assert 'id="emergency_name-errors"' in page
    assert 'value="(406) 555-0177"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 0
