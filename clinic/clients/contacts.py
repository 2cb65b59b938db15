"""The client's family members and other contacts: who is outside the program in the client's
life. They belong to the client, across episodes; a consent, a family session or a release may
name one, so they are set aside (inactive), never deleted."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinic.clients.vocabulary import Relationship
from clinic.core import audit
from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, assign_changes, enum_column_type
from clinic.core.text import clean_text
from clinic.extensions import db


class Contact(db.Model):
    __tablename__ = "client_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    relationship: Mapped[Relationship] = mapped_column(
        enum_column_type(Relationship, "contact_relationship")
    )
    # The relationship in the words given ("aunt", "grandmother"), beside the coded one.
    relationship_detail: Mapped[str | None] = mapped_column(sa.String(60))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    emergency_contact: Mapped[bool] = mapped_column(default=False)
    lives_with_client: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (sa.Index("ix_client_contacts_client", "client_id", "active", "name"),)

    @property
    def relationship_text(self) -> str:
        """The coded relationship, with the words given when they say more ("Other relative:
        aunt")."""
        label = self.relationship.label
        detail = self.relationship_detail
        if not detail or detail.casefold() == label.casefold():
            return label
        return f"{label}: {detail}"


def contacts_of(client_id: int, *, active_only: bool = False) -> list[Contact]:
    """The client's contacts, emergency contacts first, then by name (one query)."""
    query = sa.select(Contact).where(Contact.client_id == client_id)
    if active_only:
        query = query.where(Contact.active.is_(True))
    query = query.order_by(
        Contact.active.desc(), Contact.emergency_contact.desc(), Contact.name, Contact.id
    )
    return list(db.session.scalars(query))


def emergency_contacts(client_id: int) -> list[Contact]:
    """The active emergency contacts of the client (the chart's overview shows them)."""
    return [
        contact for contact in contacts_of(client_id, active_only=True) if contact.emergency_contact
    ]


CONTACT_ADDED = audit.define("contact.added", "Family member or other contact added")
CONTACT_UPDATED = audit.define("contact.updated", "Family member or other contact changed")
CONTACT_SET_ASIDE = audit.define("contact.set_aside", "Contact set aside (no longer current)")
CONTACT_RESTORED = audit.define("contact.restored", "Contact made current again")

FIELDS = (
    "name",
    "relationship",
    "relationship_detail",
    "phone",
    "email",
    "address",
    "emergency_contact",
    "lives_with_client",
    "notes",
)


def _values(details: dict) -> dict:
    values = {name: clean_text(details.get(name)) for name in FIELDS}
    values["relationship"] = Relationship(values["relationship"])
    values["emergency_contact"] = bool(values["emergency_contact"])
    values["lives_with_client"] = bool(values["lives_with_client"])
    return values


def add_contact(client_id: int, details: dict, *, actor) -> Contact:
    """Record a person in the client's life; audited. The caller commits."""
    contact = Contact(client_id=client_id, created_by_id=actor.id, **_values(details))
    db.session.add(contact)
    db.session.flush()
    audit.record(CONTACT_ADDED, target=contact, client_id=client_id, user=actor)
    return contact


def update_contact(contact: Contact, details: dict, *, actor) -> list[str]:
    """Change what was typed differently; returns the changed fields' names (audited)."""
    changed = assign_changes(contact, _values(details))
    if changed:
        audit.record(
            CONTACT_UPDATED,
            target=contact,
            client_id=contact.client_id,
            detail={"changed": changed},
            user=actor,
        )
    return changed


def set_current(contact: Contact, current: bool, *, actor) -> bool:
    """Set a contact aside (no longer in the client's life, say) or back; False if it was."""
    if contact.active == current:
        return False
    contact.active = current
    audit.record(
        CONTACT_RESTORED if current else CONTACT_SET_ASIDE,
        target=contact,
        client_id=contact.client_id,
        user=actor,
    )
    return True
