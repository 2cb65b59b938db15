"""Level-of-care stays: where in the continuum an episode is, and since when."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.care.levels import Level
from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, enum_column_type, partial_unique_index
from clinic.extensions import db


class StayReason(StrEnum):
    ADMISSION = "admission"
    STEP_DOWN = "step_down"
    STEP_UP = "step_up"
    LATERAL = "lateral"


class LevelOfCareStay(db.Model):
    """A period at one level. History is append-only; the open stay has no end."""

    __tablename__ = "level_of_care_stays"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    level: Mapped[Level] = mapped_column(enum_column_type(Level, "level"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[StayReason] = mapped_column(enum_column_type(StayReason, "stay_reason"))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    episode = relationship("Episode", lazy="raise")

    __table_args__ = (
        # One open stay per episode, enforced by the database.
        partial_unique_index(
            "uq_level_of_care_stays_one_open", "episode_id", where="ended_at IS NULL"
        ),
        sa.Index("ix_level_of_care_stays_open_level", "level", "ended_at"),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
    )
