"""The Consents tab: recording every element of a consent, its document, revocation, the privacy
notice, releases through the gate, emergency disclosures and the accounting, for each role."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.clients.contacts import Contact
from clinic.clients.vocabulary import Relationship, TeamRole
from clinic.consents.models import Consent, Disclosure, PrivacyNotice, ReleasePacket
from clinic.consents.vocabulary import ConsentKind, ExpiryKind, RecipientKind
from clinic.core.audit import AuditEvent
from clinic.core.clock import clinic_today
from clinic.extensions import db
from tests.access import ROLES, assert_answers
from tests.consents import make_consent, release_form
from tests.directory.test_provider_views import make_provider
from tests.forms import rendered_form


@pytest.fixture
def patient(clients, staff):
    client = clients.make("Pat", "Consent")
    clients.admit(client, counselor=staff["counselor"], team=[(staff["medical"], TeamRole.MEDICAL)])
    return client


@pytest.fixture
def provider():
    return make_provider("Harbor Outpatient", address="12 Harbor Way, Springfield")


def make_contact(client, name="Linda Consent") -> Contact:
    contact = Contact(client_id=client.id, name=name, relationship=Relationship.PARENT)
    db.session.add(contact)
    db.session.commit()
    return contact


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


# --- Who may do what ---------------------------------------------------------------------------

READ = {"admin": 403, "other_counselor": 404, "*": 200}
MANAGE = {"admin": 403, "medical": 403, "other_counselor": 404, "*": 200}
RELEASE = {"admin": 403, "intake": 403, "other_counselor": 404, "*": 200}
EMERGENCY = {"admin": 403, "intake": 403, "other_counselor": 404, "*": 200}
ROUTES = [
    ("GET", "/clients/{c}/consents/", READ),
    ("GET", "/clients/{c}/consents/new", MANAGE),
    ("POST", "/clients/{c}/consents/new", MANAGE),
    ("GET", "/clients/{c}/consents/{k}", READ),
    ("GET", "/clients/{c}/consents/{k}/print", READ),
    ("GET", "/clients/{c}/consents/{k}/revoke", MANAGE),
    ("GET", "/clients/{c}/consents/999999", {"admin": 403, "*": 404}),
    ("GET", "/clients/{c}/consents/releases/new", RELEASE),
    ("GET", "/clients/{c}/consents/emergency/new", EMERGENCY),
    ("GET", "/clients/{c}/consents/disclosures", READ),
    ("GET", "/clients/{c}/consents/disclosures/print", READ),
    ("GET", "/clients/{c}/consents/disclosures/{d}", READ),
    ("GET", "/disclosures/emergency", {"supervisor": 200, "*": 403}),
]


@pytest.mark.parametrize("role", ROLES)
def test_consent_routes_answer_each_role_as_the_table_says(
    client, login, staff, patient, provider, role
):
    consent = make_consent(patient, staff["counselor"], provider=provider)
    login(staff["supervisor"])
    url, form = release_form(client, patient, f"provider:{provider.id}")
    assert client.post(url, data=form).status_code == 302
    disclosure = db.session.scalars(sa.select(Disclosure)).one()
    client.post("/logout")
    login(staff[role])
    assert_answers(client, role, ROUTES, c=patient.id, k=consent.id, d=disclosure.id)


def test_a_counselor_with_emergency_access_reads_consents_but_releases_nothing(
    client, login, staff, patient, provider
):
    from clinic.clients import services as clients_services

    outsider = staff["other_counselor"]
    clients_services.grant_emergency_access(
        patient, "Client collapsed in the lobby", actor=outsider
    )
    db.session.commit()
    make_consent(patient, staff["counselor"], provider=provider)
    login(outsider)
    assert client.get(f"/clients/{patient.id}/consents/").status_code == 200
    assert client.get(f"/clients/{patient.id}/consents/releases/new").status_code == 403


# --- Recording a consent -------------------------------------------------------------------


def consent_form(client, patient):
    url = f"/clients/{patient.id}/consents/new"
    return url, rendered_form(client.get(url).get_data(as_text=True), "consent-form")


def fill_disclosure(form, provider):
    form["kind"] = "disclosure"
    form["recipient"] = f"provider:{provider.id}"
    form.setlist("categories", ["plan", "attendance"])
    form["information_detail"] = "The current plan and attendance since admission."
    form["purpose"] = "care_coordination"
    form["revocation_explained"] = "y"
    form["expiry"] = "one_year"
    form["signer"] = "client"
    form["signature_method"] = "on_screen"


def test_a_consent_is_recorded_from_the_rendered_form_with_every_element(
    client, login, staff, patient, provider
):
    login(staff["intake"])
    url, form = consent_form(client, patient)
    assert form["disclosing_party"] == "Clinic Portal"  # the program's name, from configuration
    assert form["signed_on"] == clinic_today().isoformat()
    fill_disclosure(form, provider)
    response = client.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    consent = db.session.scalars(sa.select(Consent)).one()
    assert consent.kind == ConsentKind.DISCLOSURE
    assert (consent.recipient_kind, consent.provider_id, consent.recipient_name) == (
        RecipientKind.PROVIDER,
        provider.id,
        "Harbor Outpatient",
    )
    assert consent.recipient_address == "12 Harbor Way, Springfield"
    assert consent.categories == ["attendance", "plan"]
    assert consent.expiry == ExpiryKind.ONE_YEAR
    assert consent.expires_on == clinic_today().replace(year=clinic_today().year + 1) - timedelta(1)
    assert consent.witness_id == staff["intake"].id
    assert consent.episode_id is not None
    assert [event.client_id for event in audited("consent.recorded")] == [patient.id]
    document = client.get(response.location).get_data(as_text=True)
    for text in ("Harbor Outpatient", "Treatment plan", "Care coordination", "You may revoke"):
        assert text in document
    printed = client.get(response.location + "/print").get_data(as_text=True)
    assert "Signature of the client" in printed
    assert "You may revoke this consent" in printed


def test_every_missing_element_is_named_beside_its_field_keeping_what_was_typed(
    client, login, staff, patient
):
    login(staff["counselor"])
    url, form = consent_form(client, patient)
    form["disclosing_party"] = ""
    form["signed_on"] = ""
    form["information_detail"] = "typed <details>"
    page = client.post(url, data=form).get_data(as_text=True)
    for field in (
        "kind",
        "disclosing_party",
        "categories",
        "recipient",
        "purpose",
        "revocation_explained",
        "expiry",
        "signer",
        "signature_method",
        "signed_on",
    ):
        assert f'id="{field}-errors"' in page, field
    assert "typed &lt;details&gt;</textarea>" in page
    assert count(Consent) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"expiry": "date", "expires_on": "2020-01-01"}, "expires_on", "before the date signed"),
        ({"signed_on": "2099-01-01"}, "signed_on", "cannot be in the future"),
        ({"expiry": "none"}, "expiry", "Only a TPO consent"),
        ({"all_records": "y"}, "all_records", "only on a TPO consent"),
        ({"recipient": "tpo_class"}, "recipient", "only on a TPO consent"),
        ({"recipient": "named", "recipient_name": ""}, "recipient_name", "Type the name"),
        ({"purpose": "other"}, "purpose_detail", "Describe the purpose"),
        ({"signer": "representative"}, "representative_name", "representative&#39;s name"),
        ({"signed_on": "not a date"}, "signed_on", "Not a valid date"),
        ({"signed_on": "1900-01-01"}, "signed_on", "before the client&#39;s date of birth"),
        ({"signed_on": "2020-01-01"}, "signed_on", "expired already"),
        (
            {"expiry": "date", "signed_on": "2026-01-02", "expires_on": "2026-02-01"},
            "expires_on",
            "expired already",
        ),
    ],
)
def test_an_invalid_element_is_refused_beside_its_field(
    client, login, staff, patient, provider, changes, field, message
):
    login(staff["counselor"])
    url, form = consent_form(client, patient)
    fill_disclosure(form, provider)
    for name, value in changes.items():
        form[name] = value
    response = client.post(url, data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    errors = page.split(f'id="{field}-errors"', 1)[1].split("</div>\n", 1)[0]
    assert message in errors
    assert count(Consent) == 0


def test_the_same_consent_sent_twice_is_recorded_once(client, login, staff, patient, provider):
    login(staff["counselor"])
    url, form = consent_form(client, patient)
    fill_disclosure(form, provider)
    assert client.post(url, data=form).status_code == 302
    page = client.post(url, data=form).get_data(as_text=True)  # the browser's back, and send
    assert "This consent is recorded already" in page
    assert count(Consent) == 1


def test_a_date_typed_wrong_is_said_once(client, login, staff, patient, provider):
    login(staff["counselor"])
    url, form = consent_form(client, patient)
    fill_disclosure(form, provider)
    form["signed_on"] = "12/01/2026"
    page = client.post(url, data=form).get_data(as_text=True)
    errors = page.split('id="signed_on-errors"', 1)[1].split("</div>\n  </div>", 1)[0]
    assert "Not a valid date value" in errors
    assert "Enter the date signed" not in errors
    assert 'id="consent-problems"' in page  # the summary at the top, linking to the fields


def test_a_contact_of_another_client_is_refused_and_nothing_is_written(
    client, login, staff, patient, clients
):
    other = clients.make("Other", "Person")
    theirs = make_contact(other, name="Not Yours")
    login(staff["counselor"])
    url, form = consent_form(client, patient)
    form["kind"] = "family"
    form["recipient"] = f"contact:{theirs.id}"  # not among this client's choices
    form.setlist("categories", ["attendance"])
    form["purpose"] = "family_involvement"
    form["revocation_explained"] = "y"
    form["expiry"] = "end_of_treatment"
    form["signer"] = "client"
    form["signature_method"] = "paper"
    page = client.post(url, data=form).get_data(as_text=True)
    assert 'id="recipient-errors"' in page
    assert count(Consent) == 0


def test_a_family_consent_names_a_contact_and_ends_with_treatment(client, login, staff, patient):
    mother = make_contact(patient)
    login(staff["counselor"])
    url, form = consent_form(client, patient)
    form["kind"] = "family"
    form["recipient"] = f"contact:{mother.id}"
    form.setlist("categories", ["attendance"])
    form["purpose"] = "family_involvement"
    form["revocation_explained"] = "y"
    form["expiry"] = "end_of_treatment"
    form["signer"] = "client"
    form["signature_method"] = "paper"
    assert client.post(url, data=form).status_code == 302
    consent = db.session.scalars(sa.select(Consent)).one()
    assert (consent.contact_id, consent.expires_on) == (mother.id, None)
    listing = client.get(f"/clients/{patient.id}/consents/").get_data(as_text=True)
    assert "End of treatment" in listing
    assert "Active" in listing


# --- Revocation ------------------------------------------------------------------------------


def test_a_revocation_is_recorded_once_from_the_rendered_form(
    client, login, staff, patient, provider
):
    consent = make_consent(patient, staff["counselor"], provider=provider)
    login(staff["counselor"])
    url = f"/clients/{patient.id}/consents/{consent.id}/revoke"
    form = rendered_form(client.get(url).get_data(as_text=True), "revoke-form")
    assert form["received_on"] == clinic_today().isoformat()
    form["method"] = "writing"
    form["note"] = "Letter received at the front desk."
    response = client.post(url, data=form)
    assert response.status_code == 302
    db.session.refresh(consent)
    assert consent.revoked_at is not None
    assert consent.revoked_by_id == staff["counselor"].id
    page = client.get(response.location).get_data(as_text=True)
    assert "Revoked" in page
    again = client.post(url, data=form).get_data(as_text=True)
    assert 'id="already-revoked"' in again
    assert 'id="revoke-form"' not in again
    assert len(audited("consent.revoked")) == 1


def test_a_revocation_dated_before_the_signature_is_refused(
    client, login, staff, patient, provider
):
    consent = make_consent(patient, staff["counselor"], provider=provider)
    login(staff["counselor"])
    url = f"/clients/{patient.id}/consents/{consent.id}/revoke"
    form = rendered_form(client.get(url).get_data(as_text=True), "revoke-form")
    form["received_on"] = (consent.signed_on - timedelta(days=1)).isoformat()
    form["method"] = "oral"
    page = client.post(url, data=form).get_data(as_text=True)
    assert "cannot be revoked before it was signed" in page
    form["received_on"] = (clinic_today() + timedelta(days=1)).isoformat()
    assert "cannot be dated in the future" in client.post(url, data=form).get_data(as_text=True)
    db.session.refresh(consent)
    assert consent.revoked_at is None


def test_the_database_refuses_to_change_or_delete_a_consent(staff, patient, provider):
    consent = make_consent(patient, staff["counselor"], provider=provider)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Consent).where(Consent.id == consent.id).values(purpose="payment")
        )
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.delete(Consent).where(Consent.id == consent.id))
    db.session.rollback()
    # The revocation is recorded once...
    db.session.execute(
        sa.update(Consent)
        .where(Consent.id == consent.id)
        .values(revoked_at=sa.func.current_timestamp(), revoked_by_id=staff["counselor"].id)
    )
    db.session.commit()
    # ...and never again.
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Consent).where(Consent.id == consent.id).values(revocation_note="later")
        )
    db.session.rollback()


# --- Releases through the gate ---------------------------------------------------------------


def test_a_release_under_a_consent_prints_the_notice_and_scope_and_is_accounted(
    client, login, staff, patient, provider
):
    consent = make_consent(patient, staff["counselor"], provider=provider)
    login(staff["counselor"])
    url, form = release_form(client, patient, f"provider:{provider.id}")
    response = client.post(url, data=form)
    assert response.status_code == 302
    disclosure = db.session.scalars(sa.select(Disclosure)).one()
    assert (disclosure.consent_id, disclosure.provider_id, disclosure.categories) == (
        consent.id,
        provider.id,
        ["attendance"],
    )
    assert disclosure.recipient_address == "12 Harbor Way, Springfield"
    packet = db.session.get(ReleasePacket, disclosure.artefact_id)
    assert packet.items == ["levels"]
    page = client.get(response.location).get_data(as_text=True)
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in page
    assert "Disclosed under the client's consent" in page
    assert "Residential" in page  # the level-of-care history
    assert "Treatment plan" in page  # the consent's scope
    accounting = client.get(f"/clients/{patient.id}/consents/disclosures").get_data(as_text=True)
    assert "Harbor Outpatient" in accounting
    assert "Level-of-care history and attendance" in accounting
    assert len(audited("disclosure.made")) == 1


def test_printing_again_is_a_new_disclosure(client, login, staff, patient, provider):
    make_consent(patient, staff["counselor"], provider=provider)
    login(staff["supervisor"])
    url, form = release_form(client, patient, f"provider:{provider.id}")
    first = client.post(url, data=form).location
    page = client.get(first).get_data(as_text=True)
    again = rendered_form(page, None)
    action = page.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    response = client.post(action, data=again)
    assert response.status_code == 302
    rows = db.session.scalars(sa.select(Disclosure).order_by(Disclosure.id)).all()
    assert len(rows) == 2
    assert rows[0].artefact_id == rows[1].artefact_id  # the same packet, sent twice


def test_a_release_without_consent_is_refused_with_the_reason_and_writes_nothing_else(
    client, login, staff, patient, provider
):
    login(staff["counselor"])
    url, form = release_form(client, patient, f"provider:{provider.id}")
    response = client.post(url, data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not sent." in page
    assert "None of the client&#39;s consents names Harbor Outpatient" in page
    assert "Record a consent" in page
    assert count(Disclosure) == count(ReleasePacket) == 0
    (denied,) = audited("disclosure.denied")
    assert (denied.client_id, denied.outcome, denied.detail["reason"]) == (
        patient.id,
        "denied",
        "no_consent",
    )


def test_a_category_the_consent_does_not_cover_is_refused(client, login, staff, patient, provider):
    make_consent(patient, staff["counselor"], provider=provider, categories=["plan"])
    login(staff["counselor"])
    url, form = release_form(client, patient, f"provider:{provider.id}", items=("levels",))
    page = client.post(url, data=form).get_data(as_text=True)
    assert "Not covered by the client&#39;s consent" in page
    assert "Attendance and level of care" in page
    beside = page.split('id="items-errors"', 1)[1].split("</div>\n  </div>", 1)[0]
    assert "level-of-care history and attendance" in beside
    assert count(Disclosure) == 0


def test_after_revocation_the_next_release_is_refused_and_the_first_stays_listed(
    client, login, staff, patient, provider
):
    consent = make_consent(patient, staff["counselor"], provider=provider)
    login(staff["counselor"])
    url, form = release_form(client, patient, f"provider:{provider.id}")
    assert client.post(url, data=form).status_code == 302
    revoke = f"/clients/{patient.id}/consents/{consent.id}/revoke"
    revocation = rendered_form(client.get(revoke).get_data(as_text=True), "revoke-form")
    revocation["method"] = "oral"
    assert client.post(revoke, data=revocation).status_code == 302
    url, form = release_form(client, patient, f"provider:{provider.id}")
    page = client.post(url, data=form).get_data(as_text=True)
    assert "was revoked" in page
    assert count(Disclosure) == 1
    accounting = client.get(f"/clients/{patient.id}/consents/disclosures").get_data(as_text=True)
    assert accounting.count("Harbor Outpatient") == 1


def test_a_release_goes_to_a_name_on_a_consent_chosen_from_the_list(client, login, staff, patient):
    consent = make_consent(
        patient,
        staff["counselor"],
        recipient_kind=RecipientKind.NAMED,
        recipient_name="Dr. Ana Ruiz",
        recipient_address="4 Elm St",
    )
    login(staff["counselor"])
    url, form = release_form(client, patient, f"named:{consent.id}")
    assert client.post(url, data=form).status_code == 302
    disclosure = db.session.scalars(sa.select(Disclosure)).one()
    assert (disclosure.recipient_name, disclosure.recipient_address) == ("Dr. Ana Ruiz", "4 Elm St")
    accounting = client.get(f"/clients/{patient.id}/consents/disclosures").get_data(as_text=True)
    assert f"Consent signed {consent.signed_on.isoformat()}" in accounting


def test_the_tpo_class_does_not_cover_a_name_typed_at_the_release(client, login, staff, patient):
    make_consent(
        patient,
        staff["counselor"],
        kind=ConsentKind.TPO,
        recipient_kind=RecipientKind.TPO_CLASS,
        recipient_name="TPO class",
        purpose="tpo",
        categories=[],
        all_records=True,
        expiry=ExpiryKind.NONE,
        expires_on=None,
    )
    login(staff["counselor"])
    url, form = release_form(client, patient, "named", purpose="treatment")
    form["recipient_name"] = "Joe Bloggs, the neighbour"
    page = client.post(url, data=form).get_data(as_text=True)
    assert "None of the client&#39;s consents names Joe Bloggs" in page
    assert count(Disclosure) == 0


def test_nothing_to_send_is_said_beside_the_field(client, login, staff, patient, provider):
    make_consent(patient, staff["counselor"], provider=provider)
    login(staff["counselor"])
    url, form = release_form(client, patient, f"provider:{provider.id}", items=("plan",))
    page = client.post(url, data=form).get_data(as_text=True)
    assert 'id="items-errors"' in page
    assert "nothing to send yet for: the active treatment plan" in page
    assert count(Disclosure) == 0
    assert audited("disclosure.denied") == []


def test_disclosures_are_append_only_in_the_database(client, login, staff, patient, provider):
    make_consent(patient, staff["counselor"], provider=provider)
    login(staff["counselor"])
    url, form = release_form(client, patient, f"provider:{provider.id}")
    client.post(url, data=form)
    for statement in (
        sa.update(Disclosure).values(information="changed"),
        sa.delete(Disclosure),
        sa.update(ReleasePacket).values(items=[]),
        sa.delete(ReleasePacket),
    ):
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(statement)
        db.session.rollback()


# --- Emergencies, the privacy notice ---------------------------------------------------------


def test_an_emergency_disclosure_is_accounted_and_reviewed_by_a_supervisor(
    client, login, staff, patient
):
    login(staff["medical"])
    url = f"/clients/{patient.id}/consents/emergency/new"
    form = rendered_form(client.get(url).get_data(as_text=True), "emergency-form")
    form["recipient_name"] = "Dr. A. Lee, emergency physician"
    form["recipient_address"] = "Mercy Hospital ED"
    form["nature"] = "Unresponsive after a suspected overdose."
    form.setlist("categories", ["medications"])
    form["information"] = "Buprenorphine 16 mg daily; last dose this morning."
    response = client.post(url, data=form)
    assert response.status_code == 302
    disclosure = db.session.scalars(sa.select(Disclosure)).one()
    assert (disclosure.emergency, disclosure.consent_id) == (True, None)
    assert "Mercy Hospital ED" in client.get(response.location).get_data(as_text=True)
    client.post("/logout")
    login(staff["supervisor"])
    home = client.get("/").get_data(as_text=True)
    assert "Emergency disclosure to review" in home
    listing = client.get("/disclosures/emergency").get_data(as_text=True)
    assert "Unresponsive after a suspected overdose." in listing
    review = rendered_form(listing, None)
    action = listing.split(f'action="/disclosures/emergency/{disclosure.id}/review"', 1)
    assert len(action) == 2
    review["note"] = "Appropriate."
    assert (
        client.post(f"/disclosures/emergency/{disclosure.id}/review", data=review).status_code
        == 302
    )
    assert "Reviewed" in client.get("/disclosures/emergency").get_data(as_text=True)
    assert "Emergency disclosure to review" not in client.get("/").get_data(as_text=True)


def test_an_emergency_disclosure_in_the_future_is_refused(client, login, staff, patient):
    login(staff["counselor"])
    url = f"/clients/{patient.id}/consents/emergency/new"
    form = rendered_form(client.get(url).get_data(as_text=True), "emergency-form")
    form["disclosed_at"] = "2099-01-01T10:00"
    form["nature"] = "x"
    page = client.post(url, data=form).get_data(as_text=True)
    for field in ("recipient_name", "categories", "information", "disclosed_at"):
        assert f'id="{field}-errors"' in page, field
    assert count(Disclosure) == 0


def test_an_emergency_disclosure_before_the_record_was_opened_is_refused(
    client, login, staff, patient
):
    login(staff["medical"])
    url = f"/clients/{patient.id}/consents/emergency/new"
    form = rendered_form(client.get(url).get_data(as_text=True), "emergency-form")
    form["disclosed_at"] = "1900-01-01T10:00"
    page = client.post(url, data=form).get_data(as_text=True)
    assert "before the client&#39;s record was opened here" in page
    assert count(Disclosure) == 0


def test_the_privacy_notice_address_asked_again_shows_the_card(client, login, staff, patient):
    login(staff["counselor"])
    response = client.get(f"/clients/{patient.id}/consents/privacy-notice")
    assert response.status_code == 302
    assert response.location.endswith(f"/clients/{patient.id}/consents/#privacy-notice")


def test_admins_see_no_emergency_contact_on_the_overview(client, login, staff, patient):
    make_contact(patient, name="Linda Consent")
    db.session.execute(sa.update(Contact).values(emergency_contact=True))
    db.session.commit()
    login(staff["admin"])
    assert "Linda Consent" not in client.get(f"/clients/{patient.id}").get_data(as_text=True)
    client.post("/logout")
    login(staff["intake"])
    assert "Linda Consent" in client.get(f"/clients/{patient.id}").get_data(as_text=True)


def test_the_privacy_notice_is_due_until_recorded_as_given(client, login, staff, patient):
    login(staff["counselor"])
    assert "Give the privacy notice" in client.get("/").get_data(as_text=True)
    page = client.get(f"/clients/{patient.id}/consents/").get_data(as_text=True)
    form = rendered_form(page, "privacy-notice-form")
    form["outcome"] = "pending"
    form["reason"] = ""
    page = client.post(f"/clients/{patient.id}/consents/privacy-notice", data=form)
    assert 'id="reason-errors"' in page.get_data(as_text=True)
    form["reason"] = "the client lacked capacity at admission"
    assert (
        client.post(f"/clients/{patient.id}/consents/privacy-notice", data=form).status_code == 302
    )
    assert "not yet, the client lacked capacity" in client.get("/").get_data(as_text=True)
    page = client.get(f"/clients/{patient.id}/consents/").get_data(as_text=True)
    form = rendered_form(page, "privacy-notice-form")
    assert form["outcome"] == "given"
    assert (
        client.post(f"/clients/{patient.id}/consents/privacy-notice", data=form).status_code == 302
    )
    notice = db.session.scalars(sa.select(PrivacyNotice)).one()
    assert notice.given_by_id == staff["counselor"].id
    assert "Give the privacy notice" not in client.get("/").get_data(as_text=True)


def test_consent_needed_and_expiring_are_due_for_the_primary_counselor(
    client, login, staff, patient, provider
):
    login(staff["counselor"])
    assert "Ask the client about consents" in client.get("/").get_data(as_text=True)
    make_consent(
        patient, staff["counselor"], provider=provider, expires_on=clinic_today() + timedelta(3)
    )
    home = client.get("/").get_data(as_text=True)
    assert "Ask the client about consents" not in home
    assert "Consent for Harbor Outpatient expires in 3 days" in home


# --- Markup, queries -----------------------------------------------------------------------------


def test_markup_in_any_field_is_shown_as_text(client, login, staff, patient):
    make_consent(
        patient,
        staff["counselor"],
        recipient_kind=RecipientKind.NAMED,
        recipient_name="<b>Evil</b>",
        information_detail="<script>alert(1)</script>",
    )
    login(staff["supervisor"])
    url, form = release_form(client, patient, "named")
    form["recipient_name"] = "<b>Evil</b>"
    location = client.post(url, data=form).location
    for page in (
        client.get(f"/clients/{patient.id}/consents/").get_data(as_text=True),
        client.get(f"/clients/{patient.id}/consents/1").get_data(as_text=True),
        client.get(f"/clients/{patient.id}/consents/1/print").get_data(as_text=True),
        client.get(location).get_data(as_text=True),
        client.get(f"/clients/{patient.id}/consents/disclosures/print").get_data(as_text=True),
    ):
        assert "<b>Evil</b>" not in page
        assert "<script>alert(1)</script>" not in page
        assert "&lt;b&gt;Evil&lt;/b&gt;" in page


def test_the_pages_run_a_fixed_number_of_queries(
    client, login, staff, patient, provider, count_queries
):
    def counts():
        found = {}
        for page in ("", "disclosures", "disclosures/print", "new", "releases/new"):
            with count_queries() as counted:
                assert client.get(f"/clients/{patient.id}/consents/{page}").status_code == 200
            found[page] = counted.count
        return found

    def add(many: int):
        for number in range(many):
            make_consent(patient, staff["counselor"], provider=provider)
            make_contact(patient, name=f"Contact {number}")
            url, form = release_form(client, patient, f"provider:{provider.id}")
            assert client.post(url, data=form).status_code == 302

    login(staff["supervisor"])
    add(1)
    few = counts()
    add(11)
    assert counts() == few
