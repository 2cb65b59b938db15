"""Consents, the disclosures made under them (the accounting), and the release packets sent.

A consent is never edited once recorded (the database refuses it, migration 20261202_1400):
a change is a new consent, and only the revocation is recorded on it, once. Disclosures and
release packets are append-only, like the audit log; `gate.py` is the only code that writes a
Disclosure.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinic.consents import rules
from clinic.consents.vocabulary import (
    Category,
    ConsentKind,
    ExpiryKind,
    Purpose,
    RecipientKind,
    RevocationMethod,
    SignatureMethod,
    Signer,
)
from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, enum_column_type, partial_index
from clinic.extensions import db


class RecipientColumns:
    """Who a consent names or a disclosure went to: a provider, a contact, or a name typed (the
    name and address are kept as they were, so that the accounting reads as it happened)."""

    recipient_kind: Mapped[RecipientKind] = mapped_column(
        enum_column_type(RecipientKind, "recipient_kind")
    )
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("providers.id"))
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("client_contacts.id"))
    recipient_name: Mapped[str] = mapped_column(sa.String(200))
    recipient_address: Mapped[str | None] = mapped_column(sa.String(300))

    @property
    def recipient(self) -> rules.Recipient:
        return rules.Recipient(
            kind=self.recipient_kind,
            provider_id=self.provider_id,
            contact_id=self.contact_id,
            name=self.recipient_name,
            address=self.recipient_address,
        )


class Consent(RecipientColumns, db.Model):
    """A written consent of the client's under 42 CFR 2.31: every element a column."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"))
    # The episode open when it was signed: an end-of-treatment consent ends at its discharge.
    episode_id: Mapped[int | None] = mapped_column(sa.ForeignKey("episodes.id"))
    kind: Mapped[ConsentKind] = mapped_column(enum_column_type(ConsentKind, "consent_kind"))
    disclosing_party: Mapped[str] = mapped_column(sa.String(200))
    # Category values, in the vocabulary's order; "all my records" (TPO only) beside them.
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    all_records: Mapped[bool] = mapped_column(default=False)
    information_detail: Mapped[str | None] = mapped_column(sa.Text)
    purpose: Mapped[Purpose] = mapped_column(enum_column_type(Purpose, "consent_purpose"))
    purpose_detail: Mapped[str | None] = mapped_column(sa.String(300))
    revocation_explained: Mapped[bool] = mapped_column(default=False)
    expiry: Mapped[ExpiryKind] = mapped_column(enum_column_type(ExpiryKind, "consent_expiry"))
    # The last day in force for a date and for one year (computed at signing); else None.
    expires_on: Mapped[date | None]
    signer: Mapped[Signer] = mapped_column(enum_column_type(Signer, "consent_signer"))
    representative_name: Mapped[str | None] = mapped_column(sa.String(120))
    representative_authority: Mapped[str | None] = mapped_column(sa.String(200))
    signature_method: Mapped[SignatureMethod] = mapped_column(
        enum_column_type(SignatureMethod, "signature_method")
    )
    signed_on: Mapped[date]
    # The staff member who witnessed the signature and recorded the consent.
    witness_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The revocation, recorded once: in force from `revoked_at` (when it was entered), dated as
    # the client dated or said it.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_received_on: Mapped[date | None]
    revocation_method: Mapped[RevocationMethod | None] = mapped_column(
        enum_column_type(RevocationMethod, "revocation_method")
    )
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revocation_note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.Index("ix_consents_client", "client_id", "signed_on"),
        # The "expiring soon" due work: consents with an end date not revoked.
        partial_index(
            "ix_consents_expiring",
            "expires_on",
            "id",
            where="revoked_at IS NULL AND expires_on IS NOT NULL",
        ),
    )

    @property
    def category_list(self) -> list[Category]:
        return [Category(value) for value in self.categories]

    def terms(self, discharged_on: date | None = None) -> rules.Terms:
        """What the rules read of this consent; `discharged_on` is the discharge day of the
        episode it was signed in (for an end-of-treatment consent)."""
        return rules.Terms(
            id=self.id,
            kind=self.kind,
            recipient=self.recipient,
            purpose=self.purpose,
            categories=frozenset(self.category_list),
            all_records=self.all_records,
            signed_on=self.signed_on,
            last_day=rules.last_day(self.expiry, self.signed_on, self.expires_on, discharged_on),
            revoked_at=self.revoked_at,
            ended_by_discharge=self.expiry == ExpiryKind.END_OF_TREATMENT
            and discharged_on is not None,
        )


class Disclosure(RecipientColumns, db.Model):
    """One disclosure of the client's records outside the program: the accounting's row."""

    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"))
    # The consent it was made under; None only for a medical emergency (42 CFR 2.51).
    consent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consents.id"))
    emergency: Mapped[bool] = mapped_column(default=False)
    emergency_nature: Mapped[str | None] = mapped_column(sa.Text)
    purpose: Mapped[Purpose | None] = mapped_column(enum_column_type(Purpose, "disclosure_purpose"))
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    information: Mapped[str] = mapped_column(sa.Text)  # what was disclosed, described
    disclosed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disclosed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # What carried it out of the program: "release_packet" (release_packets.id), later a
    # referral; "emergency" for a medical emergency told by phone or in person.
    artefact_kind: Mapped[str] = mapped_column(sa.String(30))
    artefact_id: Mapped[int | None]

    __table_args__ = (
        sa.Index("ix_disclosures_client", "client_id", "disclosed_at"),
        sa.Index("ix_disclosures_consent", "consent_id"),
        partial_index("ix_disclosures_emergency", "disclosed_at", "id", where="emergency"),
    )

    @property
    def category_list(self) -> list[Category]:
        return [Category(value) for value in self.categories]


class ReleasePacket(db.Model):
    """What a release of information sent, as it was sent: the sections' text, taken once, so
    that a reprint is the same packet (and a new disclosure)."""

    __tablename__ = "release_packets"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    items: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # release.Item values
    content: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)  # release.Section dicts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    ARTEFACT = "release_packet"


class EmergencyReview(db.Model):
    """A supervisor's review of a disclosure made in a medical emergency without consent."""

    __tablename__ = "emergency_disclosure_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id"), unique=True)
    reviewed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.Text)


class PrivacyNotice(db.Model):
    """The written summary of the confidentiality rules (42 CFR 2.22) at an admission: when it
    was given and by whom, or why not yet (a row with `given_at` None). Given once."""

    __tablename__ = "privacy_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), unique=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    given_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    pending_reason: Mapped[str | None] = mapped_column(sa.String(300))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
