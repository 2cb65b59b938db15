"""Treatment plans: versions of problems, goals, objectives and interventions; deferrals;
reviews with progress per objective.

The database keeps one draft and one active version per episode (partial unique indexes), and
an active or superseded version has both signatures (a check constraint).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "treatment_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "active",
                "superseded",
                name="plan_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("strengths", sa.Text(), nullable=True),
        sa.Column("preferences", sa.Text(), nullable=True),
        sa.Column("discharge_criteria", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_signed_by_id", sa.Integer(), nullable=True),
        sa.Column("author_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stock_texts", sa.Integer(), nullable=True),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column(
            "acknowledged_how",
            sa.Enum(
                "in_person",
                "video",
                "phone",
                "declined",
                name="acknowledged_how",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("client_comment", sa.Text(), nullable=True),
        sa.Column("acknowledgement_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("cosigned_by_id", sa.Integer(), nullable=True),
        sa.Column("cosigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status = 'draft' OR (author_signed_at IS NOT NULL AND cosigned_at IS NOT NULL)",
            name=op.f("ck_treatment_plans_active_when_signed"),
        ),
        sa.ForeignKeyConstraint(
            ["acknowledgement_recorded_by_id"],
            ["users.id"],
            name=op.f("fk_treatment_plans_acknowledgement_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_treatment_plans_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["author_signed_by_id"],
            ["users.id"],
            name=op.f("fk_treatment_plans_author_signed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_treatment_plans_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["cosigned_by_id"], ["users.id"], name=op.f("fk_treatment_plans_cosigned_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_treatment_plans_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_treatment_plans_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["treatment_plans.id"],
            name=op.f("fk_treatment_plans_previous_id_treatment_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_plans")),
        sa.UniqueConstraint("episode_id", "number", name="version_number"),
    )
    with op.batch_alter_table("treatment_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_plans_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            "uq_treatment_plans_one_active",
            ["episode_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.create_index(
            "uq_treatment_plans_one_draft",
            ["episode_id"],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )

    op.create_table(
        "plan_deferrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.SmallInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["treatment_plans.id"],
            name=op.f("fk_plan_deferrals_plan_id_treatment_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_deferrals")),
        sa.UniqueConstraint("plan_id", "dimension", name="once_per_dimension"),
    )
    with op.batch_alter_table("plan_deferrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_deferrals_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.SmallInteger(), nullable=True),
        sa.Column("instrument_flag", sa.String(length=40), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "dimension IS NULL OR dimension BETWEEN 1 AND 6",
            name=op.f("ck_plan_problems_dimension_range"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["treatment_plans.id"],
            name=op.f("fk_plan_problems_plan_id_treatment_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_problems")),
    )
    with op.batch_alter_table("plan_problems", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_problems_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("next_plan_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["next_plan_id"],
            ["treatment_plans.id"],
            name=op.f("fk_plan_reviews_next_plan_id_treatment_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["treatment_plans.id"],
            name=op.f("fk_plan_reviews_plan_id_treatment_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_plan_reviews_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_reviews")),
        sa.UniqueConstraint("next_plan_id", name=op.f("uq_plan_reviews_next_plan_id")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_plan_reviews_plan_id")),
    )
    op.create_table(
        "plan_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("client_words", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["plan_problems.id"],
            name=op.f("fk_plan_goals_problem_id_plan_problems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goals")),
    )
    with op.batch_alter_table("plan_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_goals_problem_id"), ["problem_id"], unique=False)

    op.create_table(
        "plan_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "met",
                "progressing",
                "not_progressing",
                "revised",
                "discontinued",
                name="progress",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["plan_objectives.id"],
            name=op.f("fk_plan_objectives_carried_from_id_plan_objectives"),
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["plan_goals.id"], name=op.f("fk_plan_objectives_goal_id_plan_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_objectives")),
    )
    with op.batch_alter_table("plan_objectives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_objectives_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "plan_interventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "modality",
            sa.Enum(
                "individual",
                "group",
                "family",
                "couples",
                "twelve_step",
                "relapse_prevention",
                "moud",
                "cbt",
                "motivational",
                "trauma",
                "case_management",
                "vocational",
                "equine",
                "mindfulness",
                "spiritual",
                "medical",
                name="modality",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("frequency", sa.String(length=120), nullable=True),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_plan_interventions_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_plan_interventions_objective_id_plan_objectives"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["users.id"],
            name=op.f("fk_plan_interventions_responsible_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_interventions")),
    )
    with op.batch_alter_table("plan_interventions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_interventions_objective_id"), ["objective_id"], unique=False
        )

    op.create_table(
        "plan_objective_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "met",
                "progressing",
                "not_progressing",
                "revised",
                "discontinued",
                name="finding",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_plan_objective_progress_objective_id_plan_objectives"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["plan_reviews.id"],
            name=op.f("fk_plan_objective_progress_review_id_plan_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_objective_progress")),
        sa.UniqueConstraint("review_id", "objective_id", name="once_per_review"),
    )
    with op.batch_alter_table("plan_objective_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_objective_progress_review_id"), ["review_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("plan_objective_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_objective_progress_review_id"))

    op.drop_table("plan_objective_progress")
    with op.batch_alter_table("plan_interventions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_interventions_objective_id"))

    op.drop_table("plan_interventions")
    with op.batch_alter_table("plan_objectives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_objectives_goal_id"))

    op.drop_table("plan_objectives")
    with op.batch_alter_table("plan_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_goals_problem_id"))

    op.drop_table("plan_goals")
    op.drop_table("plan_reviews")
    with op.batch_alter_table("plan_problems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_problems_plan_id"))

    op.drop_table("plan_problems")
    with op.batch_alter_table("plan_deferrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_deferrals_plan_id"))

    op.drop_table("plan_deferrals")
    with op.batch_alter_table("treatment_plans", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_treatment_plans_one_draft",
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )
        batch_op.drop_index(
            "uq_treatment_plans_one_active",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_treatment_plans_client_id"))

    op.drop_table("treatment_plans")
