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


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class TransitionRequest(db.Model):
    """A request to move an episode to another level, and the supervisor's decision."""

    __tablename__ = "transition_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    from_stay_id: Mapped[int] = mapped_column(sa.ForeignKey("level_of_care_stays.id"))
    from_level: Mapped[Level] = mapped_column(enum_column_type(Level, "from_level"))
    to_level: Mapped[Level] = mapped_column(enum_column_type(Level, "to_level"))
    justification: Mapped[str] = mapped_column(sa.Text)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"))
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column_type(RequestStatus, "request_status"), default=RequestStatus.PENDING
    )
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clearance_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    new_stay_id: Mapped[int | None] = mapped_column(sa.ForeignKey("level_of_care_stays.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        # One pending request per episode; and one transition per stay, whatever is replayed.
        partial_unique_index(
            "uq_transition_requests_one_pending", "episode_id", where="status = 'pending'"
        ),
        partial_unique_index(
            "uq_transition_requests_one_approval_per_stay",
            "from_stay_id",
            where="status = 'approved'",
        ),
    )


class BedCapacity(db.Model):
    """How many beds a bed-based level has (set by administrators)."""

    __tablename__ = "bed_capacities"

    level: Mapped[Level] = mapped_column(enum_column_type(Level, "bed_level"), primary_key=True)
    beds: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("beds >= 0", name="beds_not_negative"),)


class DischargeRequest(db.Model):
    """A request to discharge an episode, with its aftercare plan, and the supervisor's decision.
    Approval closes the episode and ends its open stay."""

    __tablename__ = "discharge_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    discharge_type: Mapped[str] = mapped_column(sa.String(14))  # a DischargeType
    reason: Mapped[str] = mapped_column(sa.Text)
    living_situation: Mapped[str | None] = mapped_column(sa.Text)
    continuing_care: Mapped[str | None] = mapped_column(sa.Text)
    meetings: Mapped[str | None] = mapped_column(sa.Text)
    moud_continues: Mapped[bool | None]
    moud_with: Mapped[str | None] = mapped_column(sa.Text)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # against advice
    follow_up: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column_type(RequestStatus, "discharge_status"), default=RequestStatus.PENDING
    )
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        partial_unique_index(
            "uq_discharge_requests_one_pending", "episode_id", where="status = 'pending'"
        ),
        partial_unique_index(
            "uq_discharge_requests_one_approved", "episode_id", where="status = 'approved'"
        ),
        sa.CheckConstraint(
            "discharge_type IN ('completed', 'transferred', 'against_advice',"
            " 'administrative', 'deceased', 'other')",
            name="known_type",
        ),
    )


class LevelCorrection(db.Model):
    """A stay entered by a supervisor to correct the level on record, with the reason. The
    history is not rewritten: the correction is a new entry."""

    __tablename__ = "level_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(sa.ForeignKey("level_of_care_stays.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    corrected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
