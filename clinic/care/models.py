"""Level-of-care stays: where in the continuum an episode is, and since when."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinic.clients.levels import Level
from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, enum_column_type, partial_unique_index
from clinic.extensions import db


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
