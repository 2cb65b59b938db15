"""Providers in the directory."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, enum_column_type
from clinic.directory.vocabulary import Payer, ProviderKind
from clinic.extensions import db


class Provider(db.Model):
    """An organisation, service or group outside the program. Deactivated, never deleted: past
    referrals, consents and disclosures name it."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[ProviderKind] = mapped_column(enum_column_type(ProviderKind, "provider_kind"))
    contact_person: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    # Payer codes (directory.vocabulary.Payer values), in the vocabulary's order.
    payers: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # Folded name (lower case, single spaces), what the directory search matches and sorts by.
    search_name: Mapped[str] = mapped_column(sa.String(160))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        sa.Index("ix_providers_active_kind_name", "active", "kind", "search_name"),
        sa.Index("ix_providers_search_name", "search_name"),
    )

    @property
    def payer_labels(self) -> list[str]:
        return [Payer(code).label for code in self.payers or ()]
