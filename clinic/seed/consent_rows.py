"""Consents, privacy notices, second contacts and disclosures for the demo and the scale clinics.

Rows are plain dicts (the scale load inserts them with Core executemany; the demo makes ORM
objects of them). Disclosures are never rows here: they go through the gate
(`clinic.consents.gate.disclose`), as of the day they are said to have happened, with a packet
made from the record as a release would."""

import random
from datetime import date, datetime

from clinic.clients.models import Client
from clinic.clients.vocabulary import Relationship
from clinic.consents import gate, release, rules
from clinic.consents.models import ReleasePacket
from clinic.consents.vocabulary import (
    TPO_CLASS_TEXT,
    ConsentKind,
    ExpiryKind,
    Purpose,
    RecipientKind,
    SignatureMethod,
    Signer,
)
from clinic.core.clock import at

PROGRAM = "the program"

SECOND_CONTACTS = (
    (Relationship.SPONSOR, None, ("Ray", "Teresa", "Big Al", "Denise", "Marcus", "June")),
    (Relationship.SIBLING, "sister", ("Angela", "Maria", "Rose", "Kim")),
    (Relationship.SIBLING, "brother", ("Tom", "Eddie", "Sam", "Victor")),
    (Relationship.FRIEND, None, ("Jess", "Chris", "Dana", "Lou")),
    (Relationship.EMPLOYER, "shift supervisor", ("Gary Holt", "Nina Park")),
    (Relationship.PROBATION, "probation officer", ("Officer D. Bauer", "Officer L. Grant")),
)


def second_contact_row(rng: random.Random, client_id: int, created_by_id: int, moment) -> dict:
    """Someone else in the client's life: a sponsor, a sibling, a friend, an employer, a
    probation officer (names fictional; phones in the 555-01xx range)."""
    relationship, words, names = rng.choice(SECOND_CONTACTS)
    return {
        "client_id": client_id,
        "name": rng.choice(names),
        "relationship": relationship,
        "relationship_detail": words,
        "phone": f"(406) 555-01{rng.randint(0, 99):02d}",
        "email": None,
        "address": None,
        "emergency_contact": False,
        "lives_with_client": False,
        "notes": None,
        "active": True,
        "created_at": moment,
        "created_by_id": created_by_id,
        "version": 1,
    }


def _base(client_id: int, episode_id: int | None, signed_on: date, witness_id: int, moment) -> dict:
    return {
        "client_id": client_id,
        "episode_id": episode_id,
        "disclosing_party": PROGRAM,
        "information_detail": None,
        "purpose_detail": None,
        "revocation_explained": True,
        "signer": Signer.CLIENT,
        "representative_name": None,
        "representative_authority": None,
        "signature_method": SignatureMethod.ON_SCREEN,
        "signed_on": signed_on,
        "witness_id": witness_id,
        "recorded_at": moment,
        "revoked_at": None,
        "revocation_received_on": None,
        "revocation_method": None,
        "revoked_by_id": None,
        "revocation_note": None,
        "provider_id": None,
        "contact_id": None,
        "recipient_address": None,
        "expires_on": None,
    }


def tpo_row(client_id, episode_id, signed_on, witness_id, moment, *, program: str) -> dict:
    """The TPO consent most clients sign at admission: all records to the TPO class."""
    return {
        **_base(client_id, episode_id, signed_on, witness_id, moment),
        "disclosing_party": program,
        "kind": ConsentKind.TPO,
        "categories": [],
        "all_records": True,
        "recipient_kind": RecipientKind.TPO_CLASS,
        "recipient_name": TPO_CLASS_TEXT,
        "purpose": Purpose.TPO,
        "expiry": ExpiryKind.NONE,
    }


def family_row(client_id, episode_id, signed_on, witness_id, moment, *, program, contact) -> dict:
    """Family involvement with one contact, until the end of this treatment."""
    contact_id, name = contact
    return {
        **_base(client_id, episode_id, signed_on, witness_id, moment),
        "disclosing_party": program,
        "kind": ConsentKind.FAMILY,
        "categories": ["attendance", "plan"],
        "all_records": False,
        "information_detail": "Attendance, progress in treatment and the plan for aftercare.",
        "recipient_kind": RecipientKind.CONTACT,
        "contact_id": contact_id,
        "recipient_name": name,
        "purpose": Purpose.FAMILY_INVOLVEMENT,
        "expiry": ExpiryKind.END_OF_TREATMENT,
    }


def provider_row(
    client_id, episode_id, signed_on, witness_id, moment, *, program, provider, expires_on
) -> dict:
    """Care coordination with one provider until a date."""
    provider_id, name, address = provider
    return {
        **_base(client_id, episode_id, signed_on, witness_id, moment),
        "disclosing_party": program,
        "kind": ConsentKind.DISCLOSURE,
        "categories": ["attendance", "plan", "discharge"],
        "all_records": False,
        "information_detail": "Level of care, attendance, the treatment plan and, at discharge, "
        "the discharge summary and aftercare plan.",
        "recipient_kind": RecipientKind.PROVIDER,
        "provider_id": provider_id,
        "recipient_name": name,
        "recipient_address": address,
        "purpose": Purpose.CARE_COORDINATION,
        "expiry": ExpiryKind.DATE,
        "expires_on": expires_on,
    }


def notice_row(episode_id, client_id, given_at, by_id) -> dict:
    return {
        "episode_id": episode_id,
        "client_id": client_id,
        "given_at": given_at,
        "given_by_id": by_id,
        "pending_reason": None,
        "recorded_at": given_at,
        "recorded_by_id": by_id,
        "version": 1,
    }


def release_at(
    moment: datetime,
    client: Client,
    recipient: rules.Recipient,
    purpose: Purpose,
    by,
    items=(release.Item.LEVELS, release.Item.ASSESSMENT, release.Item.PLAN),
) -> gate.Result:
    """A release made at `moment`, through the gate, of those of `items` the record has."""
    wanted = list(items)
    content, empty = release.content(client, wanted)
    sent = [item for item in wanted if item not in empty]
    packet = ReleasePacket(
        client_id=client.id,
        items=[item.value for item in sent],
        content=content,
        created_by_id=by.id,
    )
    packet.created_at = moment
    with at(moment):
        result = gate.disclose(
            client,
            recipient,
            purpose,
            [release.CATEGORY[item] for item in sent],
            by,
            packet,
            information=release.describe(sent),
        )
    if not result:
        raise RuntimeError(f"demo release refused: {result.message}")
    return result
