"""Helpers for the consents tests: a consent as recorded, a release posted from its page."""

from datetime import date

from clinic.consents.models import Consent
from clinic.consents.vocabulary import (
    ConsentKind,
    ExpiryKind,
    Purpose,
    RecipientKind,
    SignatureMethod,
    Signer,
)
from clinic.core.clock import clinic_today
from clinic.extensions import db
from tests.forms import rendered_form


def make_consent(client, witness, *, provider=None, contact=None, **fields) -> Consent:
    """A signed consent of the client's for `provider` (or `contact`): care coordination, the
    treatment plan and attendance, for a year, unless `fields` say otherwise."""
    values = {
        "kind": ConsentKind.DISCLOSURE,
        "disclosing_party": "Clinic Portal",
        "categories": ["attendance", "plan"],
        "purpose": Purpose.CARE_COORDINATION,
        "revocation_explained": True,
        "expiry": ExpiryKind.DATE,
        "expires_on": date(clinic_today().year + 1, 1, 31),
        "signer": Signer.CLIENT,
        "signature_method": SignatureMethod.PAPER,
        "signed_on": clinic_today(),
    }
    if provider is not None:
        values.update(
            recipient_kind=RecipientKind.PROVIDER,
            provider_id=provider.id,
            recipient_name=provider.name,
            recipient_address=provider.address,
        )
    elif contact is not None:
        values.update(
            recipient_kind=RecipientKind.CONTACT, contact_id=contact.id, recipient_name=contact.name
        )
    values.update(fields)
    consent = Consent(client_id=client.id, witness_id=witness.id, **values)
    db.session.add(consent)
    db.session.commit()
    return consent


def release_form(client, patient, recipient: str, items=("levels",), purpose="care_coordination"):
    """The release page's form as rendered, filled in as a user would."""
    url = f"/clients/{patient.id}/consents/releases/new"
    form = rendered_form(client.get(url).get_data(as_text=True), "release-form")
    form["recipient"] = recipient
    form["purpose"] = purpose
    form.setlist("items", list(items))
    return url, form
