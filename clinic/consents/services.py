"""Recording consents and their revocation, choosing recipients, reading the accounting, the
privacy notice at admission and the review of emergency disclosures. The caller commits."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from clinic.auth.models import User
from clinic.clients.contacts import Contact
from clinic.clients.models import Client, Episode
from clinic.clients.services import open_episode
from clinic.consents import rules
from clinic.consents.gate import consent_terms
from clinic.consents.models import Consent, Disclosure, EmergencyReview, PrivacyNotice
from clinic.consents.vocabulary import (
    TPO_CLASS_TEXT,
    Category,
    ConsentKind,
    ConsentStatus,
    ExpiryKind,
    Purpose,
    RecipientKind,
    RevocationMethod,
    SignatureMethod,
    Signer,
)
from clinic.core import audit
from clinic.core.clock import local_date, utcnow
from clinic.core.errors import RuleError
from clinic.core.text import clean_text
from clinic.directory.models import Provider
from clinic.extensions import db

CONSENT_RECORDED = audit.define("consent.recorded", "Part 2 consent recorded")
CONSENT_REVOKED = audit.define("consent.revoked", "Part 2 consent revoked")
PRIVACY_NOTICE = audit.define("privacy_notice.recorded", "Privacy notice at admission recorded")
EMERGENCY_REVIEWED = audit.define(
    "disclosure.emergency_reviewed", "Emergency disclosure reviewed by a supervisor"
)

# How a recipient is chosen on a form: "provider:<id>", "contact:<id>", "named", "tpo_class".
NAMED, TPO_CLASS = RecipientKind.NAMED.value, RecipientKind.TPO_CLASS.value


class ConsentError(RuleError):
    pass


def timezone() -> str:
    return current_app.config["CLINIC_TIMEZONE"]


# --- Recipients ------------------------------------------------------------------------------


def recipient_choices(client_id: int, *, tpo_class: bool, limit: int = 200) -> list[tuple]:
    """The recipients a form offers: the client's current contacts, the directory's active
    providers (the first `limit` by name), for a release the names typed on the client's
    consents not revoked, a name typed, and (consents only) the TPO class. Three statements at
    most."""
    contacts = db.session.execute(
        sa.select(Contact.id, Contact.name, Contact.relationship)
        .where(Contact.client_id == client_id, Contact.active.is_(True))
        .order_by(Contact.name, Contact.id)
    ).all()
    providers = db.session.execute(
        sa.select(Provider.id, Provider.name, Provider.kind)
        .where(Provider.active.is_(True))
        .order_by(Provider.search_name, Provider.id)
        .limit(limit)
    ).all()
    choices = [("", "Choose a recipient")]
    choices += [(f"contact:{id_}", f"{name} ({kind.label})") for id_, name, kind in contacts]
    choices += [(f"provider:{id_}", f"{name} ({kind.label})") for id_, name, kind in providers]
    if not tpo_class:
        named = db.session.execute(
            sa.select(sa.func.min(Consent.id), Consent.recipient_name)
            .where(
                Consent.client_id == client_id,
                Consent.recipient_kind == RecipientKind.NAMED,
                Consent.revoked_at.is_(None),
            )
            .group_by(Consent.recipient_name)
            .order_by(Consent.recipient_name)
        ).all()
        choices += [(f"{NAMED}:{id_}", f"{name} (named on a consent)") for id_, name in named]
    choices.append((NAMED, "Another person or organization (type the name below)"))
    if tpo_class:
        choices.append((TPO_CLASS, f"TPO class: {TPO_CLASS_TEXT}"))
    return choices


def resolve_recipient(
    client_id: int, choice: str | None, name: str | None, address: str | None
) -> rules.Recipient:
    """The recipient a form's choice stands for, with the name and address shown as they are
    now; a contact of another client, or a provider or contact no longer current, is refused."""
    kind, _, ident = (choice or "").partition(":")
    if kind == RecipientKind.PROVIDER and ident.isdigit():
        provider = db.session.get(Provider, int(ident))
        if provider is None or not provider.active:
            raise ConsentError("Choose a current provider from the directory.", "recipient")
        return rules.Recipient(
            RecipientKind.PROVIDER,
            provider_id=provider.id,
            name=provider.name,
            address=clean_text(address) or provider.address,
        )
    if kind == RecipientKind.CONTACT and ident.isdigit():
        contact = db.session.get(Contact, int(ident))
        if contact is None or contact.client_id != client_id or not contact.active:
            raise ConsentError("Choose one of this client's current contacts.", "recipient")
        return rules.Recipient(
            RecipientKind.CONTACT,
            contact_id=contact.id,
            name=contact.name,
            address=clean_text(address) or contact.address,
        )
    if kind == NAMED and ident.isdigit():
        consent = db.session.get(Consent, int(ident))
        if consent is None or consent.client_id != client_id:
            raise ConsentError("Choose a recipient of this client's.", "recipient")
        return rules.Recipient(
            RecipientKind.NAMED,
            name=consent.recipient_name,
            address=clean_text(address) or consent.recipient_address,
        )
    if kind == NAMED and not ident:
        if not clean_text(name):
            raise ConsentError("Type the name of the person or organization.", "recipient_name")
        return rules.Recipient(
            RecipientKind.NAMED, name=clean_text(name), address=clean_text(address)
        )
    if kind == TPO_CLASS and not ident:
        return rules.Recipient(RecipientKind.TPO_CLASS, name=TPO_CLASS_TEXT)
    raise ConsentError("Choose the recipient.", "recipient")


# --- Consents ----------------------------------------------------------------------------------


def _enum(kind, value):
    """The member a form's value names; None for none, or for a value no member has (the
    form's own choice check says so)."""
    return kind._value2member_map_.get(value) if value else None


def draft_of(data: dict, in_treatment: bool, born_on: date | None = None) -> rules.Draft:
    """The rules' view of a consent form's data."""
    choice = data.get("recipient") or ""
    recipient_kind = choice.partition(":")[0]
    return rules.Draft(
        kind=_enum(ConsentKind, data.get("kind")),
        disclosing_party=clean_text(data.get("disclosing_party")),
        categories=frozenset(
            filter(None, (_enum(Category, value) for value in data.get("categories") or ()))
        ),
        all_records=bool(data.get("all_records")),
        recipient_kind=_enum(RecipientKind, recipient_kind),
        recipient_name=clean_text(data.get("recipient_name")),
        purpose=_enum(Purpose, data.get("purpose")),
        purpose_detail=clean_text(data.get("purpose_detail")),
        revocation_explained=bool(data.get("revocation_explained")),
        expiry=_enum(ExpiryKind, data.get("expiry")),
        expires_on=data.get("expires_on"),
        signer=_enum(Signer, data.get("signer")),
        representative_name=clean_text(data.get("representative_name")),
        representative_authority=clean_text(data.get("representative_authority")),
        signature_method=data.get("signature_method") or None,
        signed_on=data.get("signed_on"),
        in_treatment=in_treatment,
        born_on=born_on,
    )


def record_consent(client: Client, data: dict, *, actor, today: date) -> Consent:
    """Record a signed consent whose elements the rules accept (else ConsentError, beside the
    first field at fault); audited."""
    episode = open_episode(client.id)
    draft = draft_of(data, episode is not None, client.date_of_birth)
    found = rules.problems(draft, today)
    if found:
        field, message = next(iter(found.items()))
        raise ConsentError(message, field)
    recipient = resolve_recipient(
        client.id, data.get("recipient"), data.get("recipient_name"), data.get("recipient_address")
    )
    _refuse_a_copy(client.id, draft, recipient)
    expires_on = {
        ExpiryKind.DATE: draft.expires_on,
        ExpiryKind.ONE_YEAR: rules.one_year_after(draft.signed_on),
    }.get(draft.expiry)
    representative = draft.signer == Signer.REPRESENTATIVE
    consent = Consent(
        client_id=client.id,
        episode_id=episode.id if episode else None,
        kind=draft.kind,
        disclosing_party=draft.disclosing_party,
        categories=[category.value for category in Category if category in draft.categories],
        all_records=draft.all_records,
        information_detail=clean_text(data.get("information_detail")),
        recipient_kind=recipient.kind,
        provider_id=recipient.provider_id,
        contact_id=recipient.contact_id,
        recipient_name=recipient.name,
        recipient_address=recipient.address,
        purpose=draft.purpose,
        purpose_detail=draft.purpose_detail if draft.purpose == Purpose.OTHER else None,
        revocation_explained=True,
        expiry=draft.expiry,
        expires_on=expires_on,
        signer=draft.signer,
        representative_name=draft.representative_name if representative else None,
        representative_authority=draft.representative_authority if representative else None,
        signature_method=SignatureMethod(draft.signature_method),
        signed_on=draft.signed_on,
        witness_id=actor.id,
    )
    db.session.add(consent)
    db.session.flush()
    audit.record(
        CONSENT_RECORDED,
        target=consent,
        client_id=client.id,
        detail={"kind": consent.kind.value, "recipient_kind": consent.recipient_kind.value},
        user=actor,
    )
    return consent


def _refuse_a_copy(client_id: int, draft: rules.Draft, recipient: rules.Recipient) -> None:
    """The same consent recorded twice (a form sent again, say) is refused: the same kind,
    recipient, purpose, information, expiry and date signed as one not revoked."""
    for consent, _terms in consent_terms(client_id):
        if (
            consent.revoked_at is None
            and consent.kind == draft.kind
            and rules.same_recipient(consent.recipient, recipient)
            and consent.purpose == draft.purpose
            and frozenset(consent.category_list) == draft.categories
            and consent.all_records == draft.all_records
            and consent.expiry == draft.expiry
            and consent.signed_on == draft.signed_on
            and (draft.expiry != ExpiryKind.DATE or consent.expires_on == draft.expires_on)
        ):
            raise ConsentError(
                f"This consent is recorded already (signed {consent.signed_on.isoformat()}); "
                "nothing was added."
            )


ALREADY_REVOKED = "This consent was revoked already; nothing was changed."


def revoke(consent: Consent, data: dict, *, actor, today: date) -> None:
    """Record the revocation, once, in force from now (disclosures already made stay valid and
    listed). The consent's row is locked first (FOR UPDATE on PostgreSQL), so that a disclosure
    under it waits or is seen, and the moment is taken after the lock."""
    locked = db.session.scalar(
        sa.select(Consent)
        .where(Consent.id == consent.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked.revoked_at is not None:
        raise ConsentError(ALREADY_REVOKED)
    found = rules.revocation_problems(
        locked.signed_on, data.get("received_on"), data.get("method"), today
    )
    if found:
        field, message = next(iter(found.items()))
        raise ConsentError(message, field)
    locked.revoked_at = utcnow()
    locked.revocation_received_on = data["received_on"]
    locked.revocation_method = RevocationMethod(data["method"])
    locked.revoked_by_id = actor.id
    locked.revocation_note = clean_text(data.get("note"))
    audit.record(CONSENT_REVOKED, target=locked, client_id=locked.client_id, user=actor)


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    terms: rules.Terms
    status: ConsentStatus
    last_day: date | None

    @property
    def active(self) -> bool:
        return self.status == ConsentStatus.ACTIVE


def consents_of(client_id: int) -> list[ConsentRow]:
    """The client's consents, newest first, with their status now (one statement)."""
    now = utcnow()
    return [
        ConsentRow(consent, terms, rules.status(terms, now, timezone()), terms.last_day)
        for consent, terms in consent_terms(client_id)
    ]


def consent_row(consent: Consent) -> ConsentRow:
    discharged = None
    if consent.episode_id is not None:
        discharged = db.session.scalar(
            sa.select(Episode.discharged_on).where(Episode.id == consent.episode_id)
        )
    terms = consent.terms(discharged)
    return ConsentRow(consent, terms, rules.status(terms, utcnow(), timezone()), terms.last_day)


def disclosure_count(consent_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(Disclosure.consent_id == consent_id))


# --- The accounting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountingRow:
    disclosure: Disclosure
    consent_signed_on: date | None
    consent_purpose_detail: str | None

    @property
    def purpose(self) -> str:
        """The purpose in words: "Other" says what the consent wrote."""
        purpose = self.disclosure.purpose
        if purpose == Purpose.OTHER and self.consent_purpose_detail:
            return f"{purpose.label}: {self.consent_purpose_detail}"
        return purpose.label if purpose else ""


def accounting(client_id: int, *, years: int, now: datetime | None = None) -> list[AccountingRow]:
    """Every disclosure of the client's records in the last `years` years, newest first, with
    the consent each was made under (one statement)."""
    now = now or utcnow()
    since = now - timedelta(days=365 * years + years // 4 + 1)
    rows = db.session.execute(
        sa.select(Disclosure, Consent.signed_on, Consent.purpose_detail)
        .outerjoin(Consent, Consent.id == Disclosure.consent_id)
        .where(Disclosure.client_id == client_id, Disclosure.disclosed_at >= since)
        .order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc())
    )
    return [AccountingRow(*row) for row in rows]


# --- The privacy notice at admission (42 CFR 2.22) ------------------------------------------


def privacy_notice(episode_id: int) -> PrivacyNotice | None:
    return db.session.scalar(sa.select(PrivacyNotice).where(PrivacyNotice.episode_id == episode_id))


def record_privacy_notice(
    episode: Episode, *, given_at: datetime | None, reason: str | None, actor
) -> PrivacyNotice:
    """Record that the written summary of the confidentiality rules was given (when, by whom),
    or why not yet. Once given, it stays given."""
    notice = privacy_notice(episode.id)
    if notice is not None and notice.given_at is not None:
        raise ConsentError("The privacy notice is recorded as given already.")
    if given_at is None and not clean_text(reason):
        raise ConsentError("Say why the notice has not been given yet.", "reason")
    if given_at is not None and given_at > utcnow():
        raise ConsentError("The time given cannot be in the future.", "given_at")
    if given_at is not None and local_date(given_at) < episode.admitted_on:
        raise ConsentError("The time given is before the admission.", "given_at")
    if notice is None:
        notice = PrivacyNotice(episode_id=episode.id, client_id=episode.client_id)
        db.session.add(notice)
    notice.given_at = given_at
    notice.given_by_id = actor.id if given_at is not None else None
    notice.pending_reason = None if given_at is not None else clean_text(reason)
    notice.recorded_by_id = actor.id
    notice.recorded_at = utcnow()
    db.session.flush()
    audit.record(
        PRIVACY_NOTICE,
        target=notice,
        client_id=episode.client_id,
        detail={"given": given_at is not None},
        user=actor,
    )
    return notice


# --- Emergency disclosures, reviewed by supervisors ----------------------------------------------


def emergency_disclosures() -> tuple[sa.Select, sa.Select]:
    """Emergency disclosures, those waiting for review first, newest first, as (disclosure,
    client, review) rows; and the count of them (both on the emergency disclosures' index)."""
    waiting = EmergencyReview.id.is_(None)
    rows = (
        sa.select(Disclosure, Client, EmergencyReview)
        .join(Client, Client.id == Disclosure.client_id)
        .outerjoin(EmergencyReview, EmergencyReview.disclosure_id == Disclosure.id)
        .where(Disclosure.emergency.is_(True))
        .order_by(waiting.desc(), Disclosure.disclosed_at.desc(), Disclosure.id.desc())
    )
    count = sa.select(sa.func.count()).where(Disclosure.emergency.is_(True))
    return rows, count


def emergency_recipient(name: str, address: str | None) -> rules.Recipient:
    """Who received an emergency disclosure: medical personnel, by name as typed."""
    return rules.Recipient(RecipientKind.NAMED, name=clean_text(name), address=clean_text(address))


def user_names(ids) -> dict[int, str]:
    """Staff names by id, for the ids shown on a page (one statement)."""
    wanted = {id_ for id_ in ids if id_ is not None}
    if not wanted:
        return {}
    return dict(
        db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(wanted))).all()
    )


def review_emergency(disclosure: Disclosure, note: str | None, *, actor) -> EmergencyReview:
    """A supervisor's review of an emergency disclosure (once: a second is refused)."""
    if not disclosure.emergency:
        raise ConsentError("Only an emergency disclosure is reviewed.")
    review = EmergencyReview(
        disclosure_id=disclosure.id, reviewed_by_id=actor.id, note=clean_text(note)
    )
    db.session.add(review)
    db.session.flush()
    audit.record(EMERGENCY_REVIEWED, target=disclosure, client_id=disclosure.client_id, user=actor)
    return review
