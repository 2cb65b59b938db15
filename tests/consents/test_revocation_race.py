"""A revocation racing a release, against a real gunicorn with two workers on the test database
(SQLite, or PostgreSQL under TEST_DATABASE_URL): whichever lands first, no disclosure is ever
recorded after the revocation of its consent, and neither request fails."""

import threading

import sqlalchemy as sa

from clinic.consents.models import Consent, Disclosure
from clinic.extensions import db
from tests.care.test_parallel_approval import Session, gunicorn  # noqa: F401 (the fixture)
from tests.consents import make_consent
from tests.directory.test_provider_views import make_provider
from tests.factories import DEFAULT_PASSWORD

ROUNDS = 6


def signed_in(port: int, user) -> Session:
    browser = Session(port)
    token = browser.token("/login")
    status, _ = browser.send(
        "POST", "/login", {"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )
    assert status == 302
    return browser


def test_a_release_never_lands_after_the_revocation_of_its_consent(clients, staff, gunicorn):  # noqa: F811
    patient = clients.make("Rae", "Race")
    clients.admit(patient, counselor=staff["counselor"])
    provider = make_provider("Harbor Outpatient")
    releaser = signed_in(gunicorn, staff["supervisor"])
    revoker = signed_in(gunicorn, staff["counselor"])
    release = f"/clients/{patient.id}/consents/releases/new"
    provider_id = provider.id
    answers = []
    for _round in range(ROUNDS):
        db.session.rollback()  # no snapshot older than the server's last write
        consent = make_consent(patient, staff["counselor"], provider=provider)
        revoke = f"/clients/{patient.id}/consents/{consent.id}/revoke"
        release_form = {
            "csrf_token": releaser.token(release),
            "recipient": f"provider:{provider_id}",
            "recipient_name": "",
            "recipient_address": "",
            "purpose": "care_coordination",
            "items": "levels",
        }
        revoke_form = {
            "csrf_token": revoker.token(revoke),
            "received_on": consent.signed_on.isoformat(),
            "method": "writing",
            "note": "",
        }
        db.session.rollback()  # nothing held open while the server writes
        start = threading.Barrier(2)

        def send(browser, path, form, start=start):
            start.wait()
            answers.append((path, browser.send("POST", path, form)[0]))

        threads = [
            threading.Thread(target=send, args=(releaser, release, release_form)),
            threading.Thread(target=send, args=(revoker, revoke, revoke_form)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert all(status in (200, 302) for _path, status in answers), answers
    assert len(answers) == 2 * ROUNDS
    db.session.rollback()  # a fresh snapshot: what the server wrote
    rows = db.session.execute(
        sa.select(Disclosure.disclosed_at, Consent.revoked_at).join(
            Consent, Consent.id == Disclosure.consent_id
        )
    ).all()
    revoked = db.session.scalar(
        sa.select(sa.func.count()).select_from(Consent).where(Consent.revoked_at.is_not(None))
    )
    assert revoked == ROUNDS  # every revocation was recorded
    assert all(disclosed < revoked_at for disclosed, revoked_at in rows), rows
