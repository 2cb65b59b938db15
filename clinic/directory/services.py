"""Keeping the directory: every change audited; providers are deactivated, never deleted.

Every function adds to the caller's transaction; the caller commits.
"""

import sqlalchemy as sa

from clinic.auth.models import User
from clinic.core import audit
from clinic.core.db import assign_changes
from clinic.core.text import clean_text
from clinic.directory.models import Provider
from clinic.directory.vocabulary import Payer, ProviderKind
from clinic.extensions import db

PROVIDER_CREATED = audit.define("provider.created", "Provider added to the directory")
PROVIDER_UPDATED = audit.define("provider.updated", "Directory provider changed")
PROVIDER_DEACTIVATED = audit.define("provider.deactivated", "Directory provider deactivated")
PROVIDER_REACTIVATED = audit.define("provider.reactivated", "Directory provider reactivated")

FIELDS = ("name", "kind", "contact_person", "phone", "email", "address", "website", "notes")


def fold(text: str | None) -> str:
    """A name as the directory search compares it: lower case, single spaces."""
    return " ".join((text or "").casefold().split())


def _values(details: dict) -> dict:
    values = {name: clean_text(details.get(name)) for name in FIELDS}
    values["kind"] = ProviderKind(values["kind"])
    chosen = set(details.get("payers") or ())
    values["payers"] = [payer.value for payer in Payer if payer.value in chosen]
    return values


def create_provider(details: dict, *, actor: User) -> Provider:
    provider = Provider(created_by_id=actor.id, **_values(details))
    provider.search_name = fold(provider.name)
    db.session.add(provider)
    db.session.flush()
    audit.record(PROVIDER_CREATED, target=provider, user=actor)
    return provider


def update_provider(provider: Provider, details: dict, *, actor: User) -> list[str]:
    """Change what was typed differently; returns the names of the fields that changed."""
    changed = assign_changes(provider, _values(details))
    if changed:
        provider.search_name = fold(provider.name)
        audit.record(PROVIDER_UPDATED, target=provider, detail={"changed": changed}, user=actor)
    return changed


def set_active(provider: Provider, active: bool, *, actor: User) -> bool:
    """Deactivate (or reactivate) a provider; False when it already was."""
    if provider.active == active:
        return False
    provider.active = active
    audit.record(
        PROVIDER_REACTIVATED if active else PROVIDER_DEACTIVATED, target=provider, user=actor
    )
    return True


def directory_query(
    q: str | None = None, kind: str | None = None, status: str | None = "active"
) -> sa.Select:
    """Providers by name, filtered by words of the name, kind and status."""
    query = sa.select(Provider)
    for word in fold(q).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Provider.search_name.like(f"%{escaped}%", escape="\\"))
    if kind:
        query = query.where(Provider.kind == ProviderKind(kind))
    if status == "active":
        query = query.where(Provider.active.is_(True))
    elif status == "inactive":
        query = query.where(Provider.active.is_(False))
    return query.order_by(Provider.search_name, Provider.id)


def active_providers(limit: int) -> list[Provider]:
    """The first `limit` active providers by name (a recipient picker's default list)."""
    return list(db.session.scalars(directory_query(status="active").limit(limit)))
