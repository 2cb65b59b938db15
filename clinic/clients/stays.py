"""The episode spine: the stays that say where in the continuum an episode is and since when,
supervisors' corrections of the level on record, and the ORM side of the episode copies that the
database keeps (migrations 0003 and 0006).

Stays are append-only: inserting an open stay ends the one before it (a trigger), a stay ends
once, and on PostgreSQL an open episode has exactly one open stay at commit.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Episode
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
    # Set by the database when the stay ends (migration 0006): the next stay began, or the
    # episode was discharged. An open episode's open stay ends no other way.
    ended_by: Mapped[str | None] = mapped_column(sa.String(10))  # a StayEnd

    episode = relationship("Episode", lazy="raise")

    __table_args__ = (
        # One open stay per episode, enforced by the database.
        partial_unique_index(
            "uq_level_of_care_stays_one_open", "episode_id", where="ended_at IS NULL"
        ),
        sa.Index("ix_level_of_care_stays_open_level", "level", "ended_at"),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        # With the triggers of migration 0006: ended_by is set exactly when ended_at is.
        sa.CheckConstraint("ended_by IN ('transition', 'discharge')", name="ended_by"),
    )


class StayEnd(StrEnum):
    """How a stay ended: the next stay began, or the episode was discharged."""

    TRANSITION = "transition"
    DISCHARGE = "discharge"


class LevelCorrection(db.Model):
    """A stay entered by a supervisor to correct the level on record, with the reason. The
    history is not rewritten: the correction is a new entry."""

    __tablename__ = "level_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(sa.ForeignKey("level_of_care_stays.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    corrected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def open_stay(episode_id: int) -> LevelOfCareStay | None:
    """The episode's current stay (None only when the level history needs a correction)."""
    return db.session.scalar(
        sa.select(LevelOfCareStay).where(
            LevelOfCareStay.episode_id == episode_id, LevelOfCareStay.ended_at.is_(None)
        )
    )


# --- The episode's copies, kept by the database ----------------------------------------------

EPISODE_COPIES = ("current_level", "level_since", "primary_counselor_id")
_CHANGED_EPISODES = "clinic.changed_episodes"


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _note_changed_episodes(session, _context) -> None:
    """Remember the episodes whose stays or care team this flush wrote (their copies changed)."""
    changed = {
        record.episode_id
        for record in (*session.new, *session.dirty, *session.deleted)
        if isinstance(record, LevelOfCareStay | CareTeamMember)
    }
    if changed:
        session.info.setdefault(_CHANGED_EPISODES, set()).update(changed)


@sa.event.listens_for(sa.orm.Session, "after_flush_postexec")
def _expire_changed_episodes(session, _context) -> None:
    """Loaded episodes (and their stays) are read again the next time they are used."""
    changed = session.info.pop(_CHANGED_EPISODES, None)
    if not changed:
        return
    for record in list(session.identity_map.values()):
        if isinstance(record, Episode) and record.id in changed:
            session.expire(record, EPISODE_COPIES)
        elif isinstance(record, LevelOfCareStay) and record.episode_id in changed:
            session.expire(record)  # a new stay ends the one before it (migration 0006)
