"""Treatment plans: versions of problems -> goals -> objectives -> interventions, with their
signatures, deferrals and reviews."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.core.clock import utcnow
from clinic.core.db import UTCDateTime, enum_column_type, partial_index, partial_unique_index
from clinic.extensions import db
from clinic.plans.vocabulary import AcknowledgedHow, Modality, PlanStatus, Progress


class TreatmentPlan(db.Model):
    """One version of an episode's plan. A draft is edited until its author signs it; the
    client's acknowledgement and a supervisor's co-signature make it active, superseding the
    version before. Nothing of a signed version changes again."""

    __tablename__ = "treatment_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"))
    number: Mapped[int]  # the version number within the episode, from 1
    status: Mapped[PlanStatus] = mapped_column(
        enum_column_type(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"))
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("treatment_plans.id"))
    strengths: Mapped[str | None] = mapped_column(sa.Text)
    preferences: Mapped[str | None] = mapped_column(sa.Text)
    discharge_criteria: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stock_texts: Mapped[int | None]  # goals and objectives left as the library wrote them
    acknowledged_on: Mapped[date | None]
    acknowledged_how: Mapped[AcknowledgedHow | None] = mapped_column(
        enum_column_type(AcknowledgedHow, "acknowledged_how")
    )
    client_comment: Mapped[str | None] = mapped_column(sa.Text)
    acknowledgement_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cosigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The active version's next review day (services.refresh_review_day): derived, so written
    # without a version change; None once reviewed, and for drafts and superseded versions.
    next_review_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    problems: Mapped[list["PlanProblem"]] = relationship(
        back_populates="plan",
        order_by="PlanProblem.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )
    deferrals: Mapped[list["PlanDeferral"]] = relationship(
        back_populates="plan",
        order_by="PlanDeferral.dimension",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        sa.UniqueConstraint("episode_id", "number", name="version_number"),
        # One version being written and one in force, per episode.
        partial_unique_index(
            "uq_treatment_plans_one_draft", "episode_id", where="status = 'draft'"
        ),
        partial_unique_index(
            "uq_treatment_plans_one_active", "episode_id", where="status = 'active'"
        ),
        # Drafts signed by their author, waiting for the acknowledgement or the co-signature.
        partial_index(
            "ix_treatment_plans_signed_drafts",
            "author_signed_at",
            where="status = 'draft' AND author_signed_at IS NOT NULL",
        ),
        # Reviews coming due, in day order, over active versions only.
        partial_index(
            "ix_treatment_plans_active_review", "next_review_on", where="status = 'active'"
        ),
        sa.CheckConstraint(
            "status = 'draft' OR (author_signed_at IS NOT NULL AND cosigned_at IS NOT NULL)",
            name="active_when_signed",
        ),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def author_signed(self) -> bool:
        return self.author_signed_at is not None

    @property
    def editable(self) -> bool:
        """Content changes only before the author signs."""
        return self.is_draft and not self.author_signed

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_how is not None

    def stage(self, episode_open: bool = True) -> tuple[str, str]:
        """Where the version stands, in staff's words, with its badge style: a draft its author
        signed is not "Draft", and a discharged client's plan is no longer in force."""
        if self.status == PlanStatus.DRAFT:
            if not self.author_signed:
                return ("Draft", "warning") if episode_open else ("Unfinished draft", "secondary")
            if not self.acknowledged:
                return "Signed by its author, awaiting the client's acknowledgement", "info"
            return "Awaiting co-signature", "info"
        if self.status == PlanStatus.ACTIVE:
            return ("Active", "success") if episode_open else ("In force at discharge", "secondary")
        return "Superseded", "secondary"


class PlanProblem(db.Model):
    """A need the plan addresses, traced to where it was found."""

    __tablename__ = "plan_problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("treatment_plans.id"), index=True)
    position: Mapped[int]
    dimension: Mapped[int | None] = mapped_column(sa.SmallInteger)  # an assessed dimension
    instrument_flag: Mapped[str | None] = mapped_column(sa.String(40))  # or a screening flag
    statement: Mapped[str] = mapped_column(sa.Text, default="")

    plan: Mapped[TreatmentPlan] = relationship(back_populates="problems", lazy="raise")
    goals: Mapped[list["PlanGoal"]] = relationship(
        back_populates="problem",
        order_by="PlanGoal.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    __table_args__ = (
        sa.CheckConstraint(
            "dimension IS NULL OR dimension BETWEEN 1 AND 6", name="dimension_range"
        ),
    )

    @property
    def source(self) -> str:
        if self.dimension:
            return f"dimension {self.dimension}"
        if self.instrument_flag:
            return f"screening: {self.instrument_flag}"
        return "stated need"


class PlanGoal(db.Model):
    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_problems.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, default="")
    client_words: Mapped[str | None] = mapped_column(sa.Text)

    problem: Mapped[PlanProblem] = relationship(back_populates="goals", lazy="raise")
    objectives: Mapped[list["PlanObjective"]] = relationship(
        back_populates="goal",
        order_by="PlanObjective.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )


class PlanObjective(db.Model):
    __tablename__ = "plan_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_goals.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, default="")
    measure: Mapped[str | None] = mapped_column(sa.Text)
    target_date: Mapped[date | None]
    status: Mapped[Progress] = mapped_column(
        enum_column_type(Progress, "progress"), default=Progress.OPEN
    )
    # The objective of the version before that this one continues (after a review).
    carried_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_objectives.id"))

    goal: Mapped[PlanGoal] = relationship(back_populates="objectives", lazy="raise")
    interventions: Mapped[list["PlanIntervention"]] = relationship(
        back_populates="objective",
        order_by="PlanIntervention.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )


class PlanIntervention(db.Model):
    __tablename__ = "plan_interventions"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_objectives.id"), index=True)
    position: Mapped[int]
    modality: Mapped[Modality | None] = mapped_column(enum_column_type(Modality, "modality"))
    frequency: Mapped[str | None] = mapped_column(sa.String(120))
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    objective: Mapped[PlanObjective] = relationship(back_populates="interventions", lazy="raise")


class PlanDeferral(db.Model):
    """An assessed need (dimension rated 2 or more) deliberately not addressed in this version."""

    __tablename__ = "plan_deferrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("treatment_plans.id"), index=True)
    dimension: Mapped[int] = mapped_column(sa.SmallInteger)
    reason: Mapped[str] = mapped_column(sa.Text)

    plan: Mapped[TreatmentPlan] = relationship(back_populates="deferrals", lazy="raise")

    __table_args__ = (sa.UniqueConstraint("plan_id", "dimension", name="once_per_dimension"),)


class PlanReview(db.Model):
    """A review of the active version: progress per objective, and the version it started."""

    __tablename__ = "plan_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("treatment_plans.id"), unique=True)
    next_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("treatment_plans.id"), unique=True)
    reviewed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.Text)

    findings: Mapped[list["ObjectiveProgress"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", lazy="raise"
    )


class ObjectiveProgress(db.Model):
    __tablename__ = "plan_objective_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_reviews.id"), index=True)
    objective_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_objectives.id"))
    status: Mapped[Progress] = mapped_column(enum_column_type(Progress, "finding"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    review: Mapped[PlanReview] = relationship(back_populates="findings", lazy="raise")

    __table_args__ = (sa.UniqueConstraint("review_id", "objective_id", name="once_per_review"),)
