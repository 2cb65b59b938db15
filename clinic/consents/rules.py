"""The rules of 42 CFR Part 2 consents (CLINICAL.md 5, 5a), with no Flask and no database:
what makes a consent valid, when it is active, and whether one covers a disclosure.

Everything here is a function of plain values, so that the boundaries (the expiry day in the
clinic's time zone, the end of treatment, a revocation's moment, the counseling notes' own
consent) are tested without an app. `clinic/consents/gate.py` asks `decide` for every disclosure.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from clinic.consents.vocabulary import (
    RECORD_CATEGORIES,
    Category,
    ConsentKind,
    ConsentStatus,
    ExpiryKind,
    Purpose,
    RecipientKind,
    Signer,
)

# The purposes a consent's purpose stands for: TPO for three, every other for itself.
TPO_PURPOSES = frozenset({Purpose.TREATMENT, Purpose.PAYMENT, Purpose.OPERATIONS})
PURPOSES_OF_TPO_CONSENT = TPO_PURPOSES | {Purpose.TPO}


def covered_purposes(purpose: Purpose) -> frozenset[Purpose]:
    return TPO_PURPOSES if purpose == Purpose.TPO else frozenset({purpose})


def fold(name: str | None) -> str:
    """A name as compared: case and spacing do not make another recipient."""
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True)
class Recipient:
    """Who a consent names, or who a disclosure goes to."""

    kind: RecipientKind
    provider_id: int | None = None
    contact_id: int | None = None
    name: str | None = None  # as shown: the provider's or contact's name, or as typed
    address: str | None = None


@dataclass(frozen=True)
class Terms:
    """What one signed consent says, and what has happened to it since."""

    id: int
    kind: ConsentKind
    recipient: Recipient
    purpose: Purpose
    categories: frozenset[Category]
    all_records: bool
    signed_on: date
    last_day: date | None  # the last day it is in force; None: no end (yet)
    revoked_at: datetime | None = None
    ended_by_discharge: bool = False  # an end-of-treatment consent whose episode closed

    @property
    def covers_categories(self) -> frozenset[Category]:
        if self.all_records:
            return frozenset(RECORD_CATEGORIES) | (self.categories & {Category.COUNSELING_NOTES})
        return self.categories


# --- When a consent is in force ----------------------------------------------------------------


def last_day(
    expiry: ExpiryKind, signed_on: date, expires_on: date | None, discharged_on: date | None
) -> date | None:
    """The last day a consent is in force: its date; a year after signing (the day before the
    anniversary); the discharge day of the episode it was signed in (a later admission does not
    revive it); None for no expiry, and for the end of a treatment still going on."""
    if expiry == ExpiryKind.DATE:
        return expires_on
    if expiry == ExpiryKind.ONE_YEAR:
        return one_year_after(signed_on)
    if expiry == ExpiryKind.END_OF_TREATMENT:
        return discharged_on
    return None


def one_year_after(signed_on: date) -> date:
    """The last day of a consent that lasts a year: the day before the anniversary (29 February
    signed lasts to 28 February)."""
    try:
        anniversary = signed_on.replace(year=signed_on.year + 1)
    except ValueError:  # 29 February
        anniversary = date(signed_on.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def _day_start(day: date, timezone: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def in_force_from(terms: Terms, timezone: str) -> datetime:
    """A consent is in force from the start of the day it was signed, in the clinic's zone."""
    return _day_start(terms.signed_on, timezone)


def in_force_until(terms: Terms, timezone: str) -> datetime | None:
    """The moment a consent stops being in force by its expiry: the end of its last day in the
    clinic's zone (None: no end yet). A revocation may end it sooner."""
    if terms.last_day is None:
        return None
    return _day_start(terms.last_day + timedelta(days=1), timezone)


def status(terms: Terms, now: datetime, timezone: str) -> ConsentStatus:
    """Active from its signature until the end of its expiry day in the clinic's time zone,
    unless revoked; expired after; revoked from the recorded revocation onwards."""
    if terms.revoked_at is not None and now >= terms.revoked_at:
        return ConsentStatus.REVOKED
    until = in_force_until(terms, timezone)
    if until is not None and now >= until:
        return ConsentStatus.EXPIRED
    return ConsentStatus.ACTIVE


def is_active(terms: Terms, now: datetime, timezone: str) -> bool:
    return now >= in_force_from(terms, timezone) and status(terms, now, timezone) == (
        ConsentStatus.ACTIVE
    )


# --- Whether a consent covers a disclosure -------------------------------------------------------


def names(terms: Terms, recipient: Recipient) -> bool:
    """The consent names this recipient: the same provider or contact, the same name typed, or
    (the TPO class) a provider of the program's directory, which administrators keep. A name
    typed at the release is never taken for a member of the class (anyone could be typed), and
    family members and other contacts never are: each needs a consent naming them."""
    named = terms.recipient
    if named.kind == RecipientKind.TPO_CLASS:
        return recipient.kind == RecipientKind.PROVIDER
    if named.kind != recipient.kind:
        return False
    if named.kind == RecipientKind.PROVIDER:
        return named.provider_id == recipient.provider_id
    if named.kind == RecipientKind.CONTACT:
        return named.contact_id == recipient.contact_id
    return fold(named.name) == fold(recipient.name) != ""


def same_recipient(one: Recipient, other: Recipient) -> bool:
    """The same person or body, whatever address is written beside them."""
    return (one.kind, one.provider_id, one.contact_id, fold(one.name)) == (
        other.kind,
        other.provider_id,
        other.contact_id,
        fold(other.name),
    )


class Reason:
    """Why a disclosure is refused (a code, for tests and the audit log)."""

    NO_CONSENT = "no_consent"
    NOT_IN_FORCE = "not_in_force"
    PURPOSE = "purpose_not_covered"
    CATEGORY = "category_not_covered"
    COUNSELING_NOTES = "counseling_notes"


@dataclass(frozen=True)
class Decision:
    """The consent a disclosure is made under, or why none covers it."""

    consent_id: int | None = None
    reason: str | None = None
    message: str | None = None
    missing: tuple[Category, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.consent_id is not None


def _labels(items: Iterable) -> str:
    return ", ".join(item.label for item in items)


def _not_in_force(terms: Terms, now: datetime, timezone: str) -> str:
    if terms.revoked_at is not None and now >= terms.revoked_at:
        return "was revoked"
    if now < in_force_from(terms, timezone):
        return f"is not in force until {terms.signed_on.isoformat()}"
    if terms.ended_by_discharge:
        return f"ended with the client's discharge on {terms.last_day.isoformat()}"
    return f"expired at the end of {terms.last_day.isoformat()}"


def decide(
    consents: Sequence[Terms],
    recipient: Recipient,
    purpose: Purpose,
    categories: Iterable[Category],
    now: datetime,
    timezone: str,
) -> Decision:
    """The newest active consent that names `recipient`, covers `purpose` and every one of
    `categories`, or a refusal naming what is missing. Counseling notes are covered only by a
    consent of their own kind; one consent must cover the whole disclosure."""
    wanted = frozenset(categories)
    who = recipient.name or "this recipient"
    naming = sorted(
        (terms for terms in consents if names(terms, recipient)),
        key=lambda terms: (terms.signed_on, terms.id),
        reverse=True,
    )
    if not naming:
        return Decision(
            reason=Reason.NO_CONSENT,
            message=f"None of the client's consents names {who}: record one before disclosing.",
        )
    if Category.COUNSELING_NOTES in wanted and not any(
        terms.kind == ConsentKind.COUNSELING_NOTES for terms in naming
    ):
        return Decision(
            reason=Reason.COUNSELING_NOTES,
            message="SUD counseling notes are disclosed only under a consent of their own that "
            f"names them; no such consent names {who}.",
            missing=(Category.COUNSELING_NOTES,),
        )
    active = [terms for terms in naming if is_active(terms, now, timezone)]
    if not active:
        newest = naming[0]
        return Decision(
            reason=Reason.NOT_IN_FORCE,
            message=f"The client's consent for {who} (signed {newest.signed_on.isoformat()}) "
            f"{_not_in_force(newest, now, timezone)}; no other consent for them is active.",
        )
    for_purpose = [terms for terms in active if purpose in covered_purposes(terms.purpose)]
    if not for_purpose:
        allowed = sorted({terms.purpose for terms in active}, key=list(Purpose).index)
        return Decision(
            reason=Reason.PURPOSE,
            message=f"The purpose “{purpose.label}” is not covered: the client's consent for "
            f"{who} allows {_labels(allowed)}.",
        )
    for terms in for_purpose:
        if wanted <= terms.covers_categories:
            return Decision(consent_id=terms.id)
    best = min(for_purpose, key=lambda terms: len(wanted - terms.covers_categories))
    missing = tuple(
        category for category in Category if category in wanted - best.covers_categories
    )
    return Decision(
        reason=Reason.CATEGORY,
        message=f"Not covered by the client's consent for {who}: {_labels(missing)}. Send only "
        "what the consent allows, or record a consent that covers it.",
        missing=missing,
    )


# --- What makes a consent valid (5a) -------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A consent as typed, before it is recorded: the fields the form checks."""

    kind: ConsentKind | None
    disclosing_party: str | None
    categories: frozenset[Category]
    all_records: bool
    recipient_kind: RecipientKind | None
    recipient_name: str | None
    purpose: Purpose | None
    purpose_detail: str | None
    revocation_explained: bool
    expiry: ExpiryKind | None
    expires_on: date | None
    signer: Signer | None
    representative_name: str | None
    representative_authority: str | None
    signature_method: str | None
    signed_on: date | None
    in_treatment: bool  # the client has an open episode (an end-of-treatment consent needs one)
    born_on: date | None = None  # the client's date of birth: nothing is signed before it


def problems(draft: Draft, today: date) -> dict[str, str]:
    """Each missing or invalid element, by the form field it is shown beside."""
    found: dict[str, str] = {}
    kind = draft.kind
    if kind is None:
        found["kind"] = "Choose the kind of consent."
    if not draft.disclosing_party:
        found["disclosing_party"] = "Say who may disclose: the program, or a named part of it."
    found.update(_information_problems(draft))
    found.update(_recipient_problems(draft))
    found.update(_purpose_problems(draft))
    if not draft.revocation_explained:
        found["revocation_explained"] = (
            "Tick that the right to revoke was explained to the client (the statement is shown "
            "on the consent)."
        )
    found.update(_expiry_problems(draft, today))
    found.update(_signature_problems(draft, today))
    return found


def _information_problems(draft: Draft) -> dict[str, str]:
    if draft.all_records and draft.kind not in (None, ConsentKind.TPO):
        return {"all_records": "“All my records” is allowed only on a TPO consent."}
    if not draft.categories and not draft.all_records:
        return {"categories": "Choose at least one category of information."}
    notes = Category.COUNSELING_NOTES in draft.categories
    if draft.kind == ConsentKind.COUNSELING_NOTES and not notes:
        return {"categories": "A counseling notes consent must name the SUD counseling notes."}
    if notes and draft.kind not in (None, ConsentKind.COUNSELING_NOTES):
        return {
            "categories": "SUD counseling notes need a consent of their own: choose the kind "
            "“SUD counseling notes”."
        }
    return {}


def _recipient_problems(draft: Draft) -> dict[str, str]:
    recipient = draft.recipient_kind
    if recipient is None:
        return {"recipient": "Choose the recipient."}
    if recipient == RecipientKind.TPO_CLASS and draft.kind not in (None, ConsentKind.TPO):
        return {"recipient": "The TPO class may be named only on a TPO consent."}
    if draft.kind == ConsentKind.FAMILY and recipient != RecipientKind.CONTACT:
        return {"recipient": "A family involvement consent names one of the client's contacts."}
    if recipient == RecipientKind.NAMED and not draft.recipient_name:
        return {"recipient_name": "Type the name of the person or organization."}
    return {}


def _purpose_problems(draft: Draft) -> dict[str, str]:
    purpose, kind = draft.purpose, draft.kind
    if purpose is None:
        return {"purpose": "Choose the purpose."}
    if kind == ConsentKind.TPO and purpose not in PURPOSES_OF_TPO_CONSENT:
        return {"purpose": "A TPO consent is for treatment, payment or health care operations."}
    if purpose == Purpose.TPO and kind not in (None, ConsentKind.TPO):
        return {"purpose": "This purpose is for a TPO consent: choose a narrower one."}
    if kind == ConsentKind.FAMILY and purpose != Purpose.FAMILY_INVOLVEMENT:
        return {"purpose": "A family involvement consent is for family involvement in treatment."}
    if purpose == Purpose.OTHER and not draft.purpose_detail:
        return {"purpose_detail": "Describe the purpose."}
    return {}


def _expiry_problems(draft: Draft, today: date) -> dict[str, str]:
    expiry = draft.expiry
    if expiry is None:
        return {"expiry": "Choose when the consent expires."}
    if expiry == ExpiryKind.DATE:
        if draft.expires_on is None:
            return {"expires_on": "Enter the expiry date."}
        if draft.signed_on is not None and draft.expires_on < draft.signed_on:
            return {"expires_on": "The expiry date cannot be before the date signed."}
        if draft.expires_on < today:
            return {
                "expires_on": "This consent has expired already: nothing could be disclosed "
                "under it. Check the dates."
            }
    if expiry == ExpiryKind.NONE and draft.kind not in (None, ConsentKind.TPO):
        return {"expiry": "Only a TPO consent may have no expiry."}
    if expiry == ExpiryKind.END_OF_TREATMENT and not draft.in_treatment:
        return {
            "expiry": "The client is not in treatment now: choose a date or one year after signing."
        }
    return {}


def _signature_problems(draft: Draft, today: date) -> dict[str, str]:
    found = {}
    if draft.signer is None:
        found["signer"] = "Say who signed."
    elif draft.signer == Signer.REPRESENTATIVE:
        if not draft.representative_name:
            found["representative_name"] = "Enter the representative's name."
        if not draft.representative_authority:
            found["representative_authority"] = (
                "Enter the representative's authority (for example guardian, health care proxy)."
            )
    if not draft.signature_method:
        found["signature_method"] = "Say how the consent was signed."
    if draft.signed_on is None:
        found["signed_on"] = "Enter the date signed."
    elif draft.signed_on > today:
        found["signed_on"] = "The date signed cannot be in the future."
    elif draft.born_on is not None and draft.signed_on < draft.born_on:
        found["signed_on"] = "The date signed is before the client's date of birth."
    elif draft.expiry == ExpiryKind.ONE_YEAR and one_year_after(draft.signed_on) < today:
        found["signed_on"] = (
            "Signed more than a year ago, this consent has expired already: check the date."
        )
    return found


def revocation_problems(
    signed_on: date, received_on: date | None, method: str | None, today: date
) -> dict[str, str]:
    """A revocation is dated on or after the signature and not in the future."""
    found = {}
    if received_on is None:
        found["received_on"] = "Enter the date the revocation was received."
    elif received_on > today:
        found["received_on"] = "The revocation cannot be dated in the future."
    elif received_on < signed_on:
        found["received_on"] = (
            f"A consent cannot be revoked before it was signed ({signed_on.isoformat()})."
        )
    if not method:
        found["method"] = "Say how the revocation was received."
    return found
