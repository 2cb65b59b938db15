"""Instrument results, six-dimension assessments and their addenda."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.assessments import instruments
from clinic.assessments.vocabulary import (
    AssessmentKind,
    AssessmentStatus,
    OverrideReason,
)
from clinic.clients.levels import Level
from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, enum_column_type, partial_index, partial_unique_index
from clinic.extensions import db

# In the order of the database's CHECK constraint (migrations 0004 and 20261201_2245).
INSTRUMENT_CODES = ("COWS", "PHQ9", "GAD7", "DAST10", "AUDITC", "RULER", "CIWAAR")
DIMENSION_NUMBERS = (1, 2, 3, 4, 5, 6)


class InstrumentResult(db.Model):
    """One administration of a screening instrument: the answers as given, and their score."""

    __tablename__ = "instrument_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"))
    code: Mapped[str] = mapped_column(sa.String(8))
    # Item number (as text: JSON keys) -> value; the ruler's keys are its item names.
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    total: Mapped[int | None]
    band: Mapped[str] = mapped_column(sa.String(40))
    flags: Mapped[list[str]] = mapped_column(sa.JSON)
    sex: Mapped[str | None] = mapped_column(sa.String(6))  # AUDIT-C's threshold, when used
    administered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    administered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A safety flag (PHQ-9 item 9) stays on the chart and home pages until acknowledged.
    safety_flag: Mapped[bool] = mapped_column(default=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    acknowledgement: Mapped[str | None] = mapped_column(sa.Text)

    administered_by = relationship("User", foreign_keys=[administered_by_id], lazy="raise")
    acknowledged_by = relationship("User", foreign_keys=[acknowledged_by_id], lazy="raise")

    __table_args__ = (
        sa.Index("ix_instrument_results_episode_code_at", "episode_id", "code", "administered_at"),
        partial_index(
            "ix_instrument_results_unacknowledged",
            "client_id",
            where="safety_flag AND acknowledged_at IS NULL",
        ),
        sa.CheckConstraint(
            "code IN ({})".format(", ".join(f"'{code}'" for code in INSTRUMENT_CODES)),
            name="known_code",
        ),
        sa.CheckConstraint(
            "(acknowledged_at IS NULL) = (acknowledged_by_id IS NULL)", name="acknowledged_by_whom"
        ),
    )

    @property
    def answers_by_item(self) -> dict[int | str, Any]:
        """The answers keyed as the registry keys items (numbers for numbered items)."""
        return {int(key) if key.isdigit() else key: value for key, value in self.answers.items()}

    @property
    def short_name(self) -> str:
        """The instrument's name as published ("PHQ-9"), not its code."""
        return instruments.INSTRUMENTS[self.code].short_name

    @property
    def needs_acknowledgement(self) -> bool:
        return self.safety_flag and self.acknowledged_at is None


assessment_instruments = sa.Table(
    "assessment_instruments",
    db.metadata,
    sa.Column("assessment_id", sa.ForeignKey("assessments.id"), primary_key=True),
    sa.Column("instrument_result_id", sa.ForeignKey("instrument_results.id"), primary_key=True),
)


class Assessment(db.Model):
    """The six-dimension assessment of one episode: a draft, then signed and read-only."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    kind: Mapped[AssessmentKind] = mapped_column(enum_column_type(AssessmentKind, "kind"))
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_column_type(AssessmentStatus, "assessment_status"), default=AssessmentStatus.DRAFT
    )
    d1_rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    d2_rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    d3_rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    d4_rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    d5_rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    d6_rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    d1_rationale: Mapped[str | None] = mapped_column(sa.Text)
    d2_rationale: Mapped[str | None] = mapped_column(sa.Text)
    d3_rationale: Mapped[str | None] = mapped_column(sa.Text)
    d4_rationale: Mapped[str | None] = mapped_column(sa.Text)
    d5_rationale: Mapped[str | None] = mapped_column(sa.Text)
    d6_rationale: Mapped[str | None] = mapped_column(sa.Text)
    substance_history: Mapped[str | None] = mapped_column(sa.Text)
    medical: Mapped[str | None] = mapped_column(sa.Text)
    mental_health: Mapped[str | None] = mapped_column(sa.Text)
    trauma: Mapped[str | None] = mapped_column(sa.Text)
    family_social: Mapped[str | None] = mapped_column(sa.Text)
    housing: Mapped[str | None] = mapped_column(sa.Text)
    employment: Mapped[str | None] = mapped_column(sa.Text)
    legal: Mapped[str | None] = mapped_column(sa.Text)
    recovery_environment: Mapped[str | None] = mapped_column(sa.Text)
    strengths: Mapped[str | None] = mapped_column(sa.Text)
    preferences: Mapped[str | None] = mapped_column(sa.Text)
    # The recommendation as computed from the ratings (and a linked COWS) at the last save.
    recommended_level: Mapped[Level | None] = mapped_column(
        enum_column_type(Level, "recommended_level")
    )
    recommendation_drivers: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    recommendation_flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    cows_total: Mapped[int | None]
    ciwa_total: Mapped[int | None]  # the latest CIWA-Ar linked, a floor like the COWS
    chosen_level: Mapped[Level | None] = mapped_column(enum_column_type(Level, "chosen_level"))
    override_reason: Mapped[OverrideReason | None] = mapped_column(
        enum_column_type(OverrideReason, "override_reason")
    )
    override_note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    created_by = relationship("User", foreign_keys=[created_by_id], lazy="raise")
    signed_by = relationship("User", foreign_keys=[signed_by_id], lazy="raise")
    instruments: Mapped[list[InstrumentResult]] = relationship(
        secondary=assessment_instruments,
        order_by=InstrumentResult.administered_at,
        lazy="select",  # loaded only when a draft's links are replaced
    )
    addenda: Mapped[list["AssessmentAddendum"]] = relationship(
        back_populates="assessment", order_by="AssessmentAddendum.written_at", lazy="raise"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        # An episode has one intake and one discharge assessment (reassessments: any number).
        partial_unique_index(
            "uq_assessments_once_per_episode",
            "episode_id",
            "kind",
            where="kind IN ('intake', 'discharge')",
        ),
        *(
            sa.CheckConstraint(
                f"d{number}_rating IS NULL OR d{number}_rating BETWEEN 0 AND 4",
                name=f"d{number}_rating_range",
            )
            for number in DIMENSION_NUMBERS
        ),
        sa.CheckConstraint(
            "(status = 'signed') = (signed_at IS NOT NULL AND signed_by_id IS NOT NULL)",
            name="signed_when_signed",
        ),
    )

    @property
    def is_signed(self) -> bool:
        return self.status == AssessmentStatus.SIGNED

    def rating(self, number: int) -> int | None:
        return getattr(self, f"d{number}_rating")

    def rationale(self, number: int) -> str | None:
        return getattr(self, f"d{number}_rationale")

    @property
    def ratings(self) -> dict[int, int | None]:
        return {number: self.rating(number) for number in DIMENSION_NUMBERS}

    @property
    def overridden(self) -> bool:
        return (
            self.chosen_level is not None
            and self.recommended_level is not None
            and self.chosen_level != self.recommended_level
        )


class AssessmentAddendum(db.Model):
    """A correction or addition to a signed assessment, which itself never changes."""

    __tablename__ = "assessment_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    written_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="addenda", lazy="raise")
    written_by = relationship("User", lazy="raise")
