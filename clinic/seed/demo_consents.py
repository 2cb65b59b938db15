"""The demo clinic's people outside the program and what the clients allow them to know.

Most clients gave a second contact (a sponsor, a sibling...). Most admissions have the privacy
notice given and a TPO consent signed on the day; some a family involvement consent with their
emergency contact. The newest admissions are still waiting for theirs (due on the home pages).
One care-coordination consent expires this week; one, to a sober living house, was revoked
after a release made under it (which stays in the accounting); a few releases were made under
TPO consents; one disclosure was made in a medical emergency and waits for review.
"""

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from clinic.auth.models import User
from clinic.clients.contacts import Contact
from clinic.clients.models import Client, Episode
from clinic.consents import gate, rules, services
from clinic.consents.models import Consent, PrivacyNotice
from clinic.consents.vocabulary import Category, Purpose, RecipientKind, RevocationMethod
from clinic.core.clock import at, clinic_today, local_to_utc, utcnow
from clinic.directory.models import Provider
from clinic.directory.vocabulary import ProviderKind
from clinic.extensions import db
from clinic.seed import consent_rows

DEMO_SEED = 20261202
EMERGENCY_NATURE = (
    "Found unresponsive in the courtyard; suspected fentanyl overdose. Naloxone given, taken to "
    "the emergency department."
)
EMERGENCY_INFORMATION = (
    "Current buprenorphine dose (16 mg daily), last dose this morning; opioid use disorder, severe."
)


def _morning(day, hour=10) -> datetime:
    return local_to_utc(
        datetime(day.year, day.month, day.day, hour), current_app.config["CLINIC_TIMEZONE"]
    )


def _provider(kind: ProviderKind) -> Provider:
    return db.session.scalar(
        sa.select(Provider)
        .where(Provider.kind == kind, Provider.active.is_(True))
        .order_by(Provider.id)
        .limit(1)
    )


def _as_recipient(provider: Provider) -> rules.Recipient:
    return rules.Recipient(
        RecipientKind.PROVIDER,
        provider_id=provider.id,
        name=provider.name,
        address=provider.address,
    )


def load_demo_consents(*, intake: User, counselor: User, medical: User) -> None:
    """Add the demo's contacts, notices, consents and disclosures; the caller commits."""
    rng = random.Random(DEMO_SEED)  # noqa: S311 (reproducible demo data)
    program = current_app.config["CLINIC_NAME"]
    now = utcnow()
    today = clinic_today()
    episodes = db.session.execute(
        sa.select(Episode, Contact.id, Contact.name)
        .join(Contact, sa.and_(Contact.client_id == Episode.client_id, Contact.emergency_contact))
        .order_by(Episode.created_at)
    ).all()
    seen: set[int] = set()
    newest_open = [episode.id for episode, *_ in episodes if episode.discharged_on is None][-2:]
    for episode, contact_id, contact_name in episodes:
        if episode.client_id not in seen and rng.random() < 0.6:
            db.session.add(
                Contact(**consent_rows.second_contact_row(rng, episode.client_id, intake.id, now))
            )
        seen.add(episode.client_id)
        admitted = min(now, episode.created_at + timedelta(minutes=30))
        if episode.id in newest_open:
            if episode.id == newest_open[0]:
                db.session.add(
                    PrivacyNotice(
                        episode_id=episode.id,
                        client_id=episode.client_id,
                        pending_reason="the client was in acute withdrawal at admission",
                        recorded_at=admitted,
                        recorded_by_id=intake.id,
                    )
                )
            continue  # consents not yet asked: due on the intake coordinator's home page
        db.session.add(
            PrivacyNotice(
                **consent_rows.notice_row(episode.id, episode.client_id, admitted, intake.id)
            )
        )
        if rng.random() < 0.85:
            db.session.add(
                Consent(
                    **consent_rows.tpo_row(
                        episode.client_id,
                        episode.id,
                        episode.admitted_on,
                        intake.id,
                        admitted,
                        program=program,
                    )
                )
            )
        if rng.random() < 0.4:
            db.session.add(
                Consent(
                    **consent_rows.family_row(
                        episode.client_id,
                        episode.id,
                        episode.admitted_on,
                        intake.id,
                        admitted,
                        program=program,
                        contact=(contact_id, contact_name),
                    )
                )
            )
    db.session.flush()
    _the_stories(counselor, medical, program, today, now)


def _counselors_open_episodes(counselor: User) -> list[Episode]:
    return list(
        db.session.scalars(
            sa.select(Episode)
            .where(Episode.primary_counselor_id == counselor.id, Episode.discharged_on.is_(None))
            .order_by(Episode.admitted_on, Episode.id)
        )
    )


def _the_stories(counselor: User, medical: User, program: str, today, now) -> None:
    mine = _counselors_open_episodes(counselor)
    if len(mine) < 3:
        return
    outpatient = _provider(ProviderKind.OUTPATIENT)
    sober_living = _provider(ProviderKind.SOBER_LIVING)
    prescriber = _provider(ProviderKind.OPIOID_TREATMENT)
    # Expiring this week: care coordination with the outpatient program.
    first = mine[0]
    db.session.add(
        Consent(
            **consent_rows.provider_row(
                first.client_id,
                first.id,
                today - timedelta(days=60),
                counselor.id,
                now - timedelta(days=60),
                program=program,
                provider=(outpatient.id, outpatient.name, outpatient.address),
                expires_on=today + timedelta(days=4),
            )
        )
    )
    # Revoked after a release made under it.
    second = mine[1]
    signed = max(second.admitted_on, today - timedelta(days=20))
    revoked = Consent(
        **consent_rows.provider_row(
            second.client_id,
            second.id,
            signed,
            counselor.id,
            _morning(signed),
            program=program,
            provider=(sober_living.id, sober_living.name, sober_living.address),
            expires_on=today + timedelta(days=90),
        )
    )
    db.session.add(revoked)
    db.session.flush()
    client = db.session.get(Client, second.client_id)
    sent_on = signed + (today - signed) // 2
    consent_rows.release_at(
        _morning(sent_on, 11),
        client,
        _as_recipient(sober_living),
        Purpose.CARE_COORDINATION,
        counselor,
        items=(consent_rows.release.Item.LEVELS, consent_rows.release.Item.PLAN),
    )
    with at(_morning(today - timedelta(days=1), 15)):
        services.revoke(
            revoked,
            {
                "received_on": today - timedelta(days=1),
                "method": RevocationMethod.ORAL.value,
                "note": "Said at group she no longer wants the house told anything.",
            },
            actor=counselor,
            today=today - timedelta(days=1),
        )
    # Releases under the TPO consent: to the MOUD prescriber, for treatment.
    for number, episode in enumerate(mine[2:5]):
        if not _has_tpo(episode.client_id):
            continue
        client = db.session.get(Client, episode.client_id)
        consent_rows.release_at(
            _morning(today - timedelta(days=2 + number), 14),
            client,
            _as_recipient(prescriber),
            Purpose.TREATMENT,
            counselor,
        )
    # A medical emergency, told by phone to the emergency department.
    emergency = mine[-1]
    with at(_morning(today - timedelta(days=2), 21)):
        gate.disclose_in_emergency(
            db.session.get(Client, emergency.client_id),
            services.emergency_recipient(
                "Dr. A. Lee, emergency physician", "St. Vincent Emergency Department, Billings"
            ),
            [Category.MEDICATIONS, Category.DIAGNOSIS],
            medical,
            nature=EMERGENCY_NATURE,
            information=EMERGENCY_INFORMATION,
            disclosed_at=_morning(today - timedelta(days=2), 21),
        )


def _has_tpo(client_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(Consent.client_id == client_id, Consent.kind == "tpo")
        )
        > 0
    )
