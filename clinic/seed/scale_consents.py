"""The scale clinic's consents, in the proportions of a program that asks at admission: a
second contact for half the clients, the privacy notice for nearly every admission (some of the
last two days' still to give), a TPO consent for nine in ten, family involvement for three in
ten, care coordination with a provider for about one in eight (some expiring in the next two
weeks, a few revoked), and releases under the TPO consents for one episode in ten, up to a
thousand (through the gate, like the demo's)."""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app

from clinic.clients.contacts import Contact
from clinic.clients.models import Client
from clinic.consents import rules
from clinic.consents.models import Consent, PrivacyNotice
from clinic.consents.release import Item
from clinic.consents.vocabulary import Purpose, RecipientKind, RevocationMethod
from clinic.core.clock import clinic_today, to_local
from clinic.directory.models import Provider
from clinic.directory.vocabulary import PEER_GROUPS
from clinic.extensions import db
from clinic.seed import consent_rows

RELEASES_AT_MOST = 1000


def load_scale_consents(
    rng: random.Random, episodes, supervisor: int, now: datetime, insert: Callable
) -> None:
    """Insert the rows (with `insert(model, rows)`), then make the releases."""
    program = current_app.config["CLINIC_NAME"]
    zone = current_app.config["CLINIC_TIMEZONE"]
    today = clinic_today()
    emergency = {
        client_id: (contact_id, name)
        for client_id, contact_id, name in db.session.execute(
            sa.select(Contact.client_id, Contact.id, Contact.name).where(Contact.emergency_contact)
        )
    }
    providers = db.session.execute(
        sa.select(Provider.id, Provider.name, Provider.address).where(
            Provider.active.is_(True), Provider.kind.not_in(PEER_GROUPS)
        )
    ).all()
    contacts, notices, consents, with_tpo = [], [], [], []
    seen: set[int] = set()
    for episode in episodes:
        client_id = episode.client_id
        if client_id not in seen and rng.random() < 0.5:
            contacts.append(
                consent_rows.second_contact_row(rng, client_id, episode.admitted_by, now)
            )
        seen.add(client_id)
        admitted_at = min(now, episode.stays[0].started_at + timedelta(minutes=30))
        signed_on = to_local(admitted_at, zone).date()
        if episode.is_open and admitted_at > now - timedelta(days=2) and rng.random() < 0.5:
            continue  # still to ask: due on the home pages
        witness = episode.admitted_by
        notices.append(consent_rows.notice_row(episode.id, client_id, admitted_at, witness))
        common = (client_id, episode.id, signed_on, witness, admitted_at)
        if rng.random() < 0.9:
            consents.append(consent_rows.tpo_row(*common, program=program))
            with_tpo.append((episode, admitted_at))
        if client_id in emergency and rng.random() < 0.3:
            consents.append(
                consent_rows.family_row(*common, program=program, contact=emergency[client_id])
            )
        if providers and rng.random() < 0.12:
            ends = signed_on + timedelta(days=rng.randint(30, 365))
            if episode.is_open and rng.random() < 0.15:
                ends = today + timedelta(days=rng.randint(0, 13))
            row = consent_rows.provider_row(
                *common,
                program=program,
                provider=rng.choice(providers),
                expires_on=max(ends, signed_on),
            )
            if rng.random() < 0.1 and admitted_at < now - timedelta(days=2):
                revoked_at = admitted_at + (now - admitted_at) * rng.random()
                row.update(
                    revoked_at=revoked_at,
                    revocation_received_on=to_local(revoked_at, zone).date(),
                    revocation_method=RevocationMethod.WRITING,
                    revoked_by_id=witness,
                )
            consents.append(row)
    insert(Contact, contacts)
    insert(PrivacyNotice, notices)
    insert(Consent, consents)
    _releases(rng, with_tpo, providers, supervisor, now)


def _releases(rng, with_tpo, providers, supervisor: int, now: datetime) -> None:
    if not providers:
        return
    chosen = rng.sample(with_tpo, min(RELEASES_AT_MOST, len(with_tpo) // 10))
    for episode, admitted_at in chosen:
        ended = episode.stays[-1].ended_at or now
        moment = admitted_at + (min(ended, now) - admitted_at) * rng.random()
        provider_id, name, address = rng.choice(providers)
        consent_rows.release_at(
            moment,
            db.session.get(Client, episode.client_id),
            rules.Recipient(
                RecipientKind.PROVIDER, provider_id=provider_id, name=name, address=address
            ),
            Purpose.TREATMENT,
            SimpleNamespace(id=episode.primary or supervisor),
            items=(Item.LEVELS,),
        )
