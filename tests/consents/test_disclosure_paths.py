"""Every path that sends client information outside the program passes the gate: the app's
routes marked as disclosure paths are found from the URL map, and each one is proved to refuse
without consent, so that a new export cannot forget the gate; and nothing but the gate creates a
Disclosure."""

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from clinic.consents import gate
from clinic.consents.models import Consent, Disclosure
from clinic.core.audit import AuditEvent
from clinic.core.clock import utcnow
from clinic.extensions import db
from tests.consents import make_consent, release_form
from tests.directory.test_provider_views import make_provider
from tests.forms import rendered_form

CLINIC = Path(__file__).resolve().parents[2] / "clinic"


def marked(app, kind: str) -> set[str]:
    return {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "discloses", None) == kind
    }


@pytest.fixture
def setting(clients, staff):
    patient = clients.make("Dee", "Gate")
    clients.admit(patient, counselor=staff["counselor"])
    return patient, make_provider("Harbor Outpatient")


def refuse_a_release(client, patient, provider, staff):
    url, form = release_form(client, patient, f"provider:{provider.id}")
    return lambda: client.post(url, data=form)


def refuse_a_second_print(client, patient, provider, staff):
    consent = make_consent(patient, staff["counselor"], provider=provider)
    url, form = release_form(client, patient, f"provider:{provider.id}")
    first = client.post(url, data=form)
    assert first.status_code == 302
    counselor_id = staff["counselor"].id
    db.session.execute(
        sa.update(Consent)
        .where(Consent.id == consent.id)
        .values(revoked_at=utcnow(), revoked_by_id=counselor_id)
    )
    db.session.commit()
    page = client.get(first.location).get_data(as_text=True)
    action = page.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    again = rendered_form(page, None)
    return lambda: client.post(action, data=again, follow_redirects=True)


# Each marked route, and how to ready a request for a disclosure no consent covers.
PROBES = {
    "consents.new_release": refuse_a_release,
    "consents.disclose_again": refuse_a_second_print,
}


def test_the_marked_disclosure_paths_are_exactly_those_probed_here(app):
    assert marked(app, gate.CONSENTED) == set(PROBES)
    # The one way out without a consent: a medical emergency (42 CFR 2.51).
    assert marked(app, gate.EMERGENCY) == {"consents.emergency"}


@pytest.mark.parametrize("endpoint", sorted(PROBES))
def test_every_disclosure_path_refuses_without_consent(client, login, staff, setting, endpoint):
    patient, provider = setting
    login(staff["supervisor"])
    ask = PROBES[endpoint](client, patient, provider, staff)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Disclosure))
    response = ask()
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not sent" in page
    assert "None of the client&#39;s consents names" in page or "was revoked" in page
    after = db.session.scalar(sa.select(sa.func.count()).select_from(Disclosure))
    assert after == before
    denied = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == gate.DISCLOSURE_DENIED)
    ).all()
    assert [event.client_id for event in denied] == [patient.id]


def test_the_gate_refuses_to_run_in_a_view_not_marked(app, staff, setting):
    patient, provider = setting
    recipient = Consent(
        recipient_kind="provider", provider_id=provider.id, recipient_name=provider.name
    ).recipient
    # The consents list is a view like any other: not a way out of the program.
    with app.test_request_context(f"/clients/{patient.id}/consents/"):
        assert not getattr(app.view_functions["consents.index"], "discloses", None)
        with pytest.raises(RuntimeError, match="not marked"):
            gate.disclose(
                patient, recipient, "treatment", [], staff["supervisor"], None, information=""
            )
        with pytest.raises(RuntimeError, match="not marked"):
            gate.disclose_in_emergency(
                patient,
                recipient,
                [],
                staff["supervisor"],
                nature="",
                information="",
                disclosed_at=utcnow(),
            )


def test_nothing_but_the_gate_creates_a_disclosure():
    makers = []
    for path in CLINIC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Disclosure":
                makers.append(str(path.relative_to(CLINIC)))
    assert sorted(set(makers)) == ["consents/gate.py"]
