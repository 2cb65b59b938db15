"""Screening instrument results, six-dimension assessments, their links and addenda.

A signed assessment is read-only in the database itself, not only in the application: triggers
refuse to update or delete it, or to change which results it links (corrections are addenda).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SIGNED_GUARD = {
    "postgresql": [
        """
        CREATE FUNCTION assessments_signed_read_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.status = 'signed' THEN
                RAISE EXCEPTION 'a signed assessment is read-only: add an addendum'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER assessments_signed_read_only BEFORE UPDATE OR DELETE ON assessments
        FOR EACH ROW EXECUTE FUNCTION assessments_signed_read_only()
        """,
        """
        CREATE FUNCTION assessment_instruments_signed_read_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT status FROM assessments WHERE id = CASE WHEN TG_OP = 'DELETE'
                    THEN OLD.assessment_id ELSE NEW.assessment_id END) = 'signed' THEN
                RAISE EXCEPTION 'a signed assessment is read-only: add an addendum'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER assessment_instruments_signed_read_only
        BEFORE INSERT OR UPDATE OR DELETE ON assessment_instruments
        FOR EACH ROW EXECUTE FUNCTION assessment_instruments_signed_read_only()
        """,
    ],
    "sqlite": [
        """
        CREATE TRIGGER assessments_signed_no_update BEFORE UPDATE ON assessments
        WHEN OLD.status = 'signed'
        BEGIN SELECT RAISE(ABORT, 'a signed assessment is read-only: add an addendum'); END
        """,
        """
        CREATE TRIGGER assessments_signed_no_delete BEFORE DELETE ON assessments
        WHEN OLD.status = 'signed'
        BEGIN SELECT RAISE(ABORT, 'a signed assessment is read-only: add an addendum'); END
        """,
        """
        CREATE TRIGGER assessment_instruments_signed_no_insert BEFORE INSERT
        ON assessment_instruments
        WHEN (SELECT status FROM assessments WHERE id = NEW.assessment_id) = 'signed'
        BEGIN SELECT RAISE(ABORT, 'a signed assessment is read-only: add an addendum'); END
        """,
        """
        CREATE TRIGGER assessment_instruments_signed_no_update BEFORE UPDATE
        ON assessment_instruments
        WHEN (SELECT status FROM assessments WHERE id = OLD.assessment_id) = 'signed'
          OR (SELECT status FROM assessments WHERE id = NEW.assessment_id) = 'signed'
        BEGIN SELECT RAISE(ABORT, 'a signed assessment is read-only: add an addendum'); END
        """,
        """
        CREATE TRIGGER assessment_instruments_signed_no_delete BEFORE DELETE
        ON assessment_instruments
        WHEN (SELECT status FROM assessments WHERE id = OLD.assessment_id) = 'signed'
        BEGIN SELECT RAISE(ABORT, 'a signed assessment is read-only: add an addendum'); END
        """,
    ],
}
SIGNED_UNGUARD = {
    "postgresql": [
        "DROP TRIGGER assessment_instruments_signed_read_only ON assessment_instruments",
        "DROP FUNCTION assessment_instruments_signed_read_only()",
        "DROP TRIGGER assessments_signed_read_only ON assessments",
        "DROP FUNCTION assessments_signed_read_only()",
    ],
    "sqlite": [
        "DROP TRIGGER assessment_instruments_signed_no_insert",
        "DROP TRIGGER assessment_instruments_signed_no_update",
        "DROP TRIGGER assessment_instruments_signed_no_delete",
        "DROP TRIGGER assessments_signed_no_update",
        "DROP TRIGGER assessments_signed_no_delete",
    ],
}


def upgrade():
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "intake",
                "reassessment",
                "discharge",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "signed",
                name="assessment_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("d1_rating", sa.SmallInteger(), nullable=True),
        sa.Column("d2_rating", sa.SmallInteger(), nullable=True),
        sa.Column("d3_rating", sa.SmallInteger(), nullable=True),
        sa.Column("d4_rating", sa.SmallInteger(), nullable=True),
        sa.Column("d5_rating", sa.SmallInteger(), nullable=True),
        sa.Column("d6_rating", sa.SmallInteger(), nullable=True),
        sa.Column("d1_rationale", sa.Text(), nullable=True),
        sa.Column("d2_rationale", sa.Text(), nullable=True),
        sa.Column("d3_rationale", sa.Text(), nullable=True),
        sa.Column("d4_rationale", sa.Text(), nullable=True),
        sa.Column("d5_rationale", sa.Text(), nullable=True),
        sa.Column("d6_rationale", sa.Text(), nullable=True),
        sa.Column("substance_history", sa.Text(), nullable=True),
        sa.Column("medical", sa.Text(), nullable=True),
        sa.Column("mental_health", sa.Text(), nullable=True),
        sa.Column("trauma", sa.Text(), nullable=True),
        sa.Column("family_social", sa.Text(), nullable=True),
        sa.Column("housing", sa.Text(), nullable=True),
        sa.Column("employment", sa.Text(), nullable=True),
        sa.Column("legal", sa.Text(), nullable=True),
        sa.Column("recovery_environment", sa.Text(), nullable=True),
        sa.Column("strengths", sa.Text(), nullable=True),
        sa.Column("preferences", sa.Text(), nullable=True),
        sa.Column(
            "recommended_level",
            sa.Enum(
                "WM",
                "RES",
                "PHP",
                "IOP",
                "OP",
                "AC",
                name="recommended_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("recommendation_drivers", sa.JSON(), nullable=False),
        sa.Column("recommendation_flags", sa.JSON(), nullable=False),
        sa.Column("cows_total", sa.Integer(), nullable=True),
        sa.Column(
            "chosen_level",
            sa.Enum(
                "WM",
                "RES",
                "PHP",
                "IOP",
                "OP",
                "AC",
                name="chosen_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "override_reason",
            sa.Enum(
                "client_preference",
                "not_available",
                "payer",
                "clinical_judgment",
                "legal_mandate",
                "other",
                name="override_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("override_note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(status = 'signed') = (signed_at IS NOT NULL AND signed_by_id IS NOT NULL)",
            name=op.f("ck_assessments_signed_when_signed"),
        ),
        sa.CheckConstraint(
            "d1_rating IS NULL OR d1_rating BETWEEN 0 AND 4",
            name=op.f("ck_assessments_d1_rating_range"),
        ),
        sa.CheckConstraint(
            "d2_rating IS NULL OR d2_rating BETWEEN 0 AND 4",
            name=op.f("ck_assessments_d2_rating_range"),
        ),
        sa.CheckConstraint(
            "d3_rating IS NULL OR d3_rating BETWEEN 0 AND 4",
            name=op.f("ck_assessments_d3_rating_range"),
        ),
        sa.CheckConstraint(
            "d4_rating IS NULL OR d4_rating BETWEEN 0 AND 4",
            name=op.f("ck_assessments_d4_rating_range"),
        ),
        sa.CheckConstraint(
            "d5_rating IS NULL OR d5_rating BETWEEN 0 AND 4",
            name=op.f("ck_assessments_d5_rating_range"),
        ),
        sa.CheckConstraint(
            "d6_rating IS NULL OR d6_rating BETWEEN 0 AND 4",
            name=op.f("ck_assessments_d6_rating_range"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_assessments_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_assessments_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_assessments_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["users.id"], name=op.f("fk_assessments_signed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(
            "uq_assessments_once_per_episode",
            ["episode_id", "kind"],
            unique=True,
            sqlite_where=sa.text("kind IN ('intake', 'discharge')"),
            postgresql_where=sa.text("kind IN ('intake', 'discharge')"),
        )

    op.create_table(
        "instrument_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(length=40), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("sex", sa.String(length=6), nullable=True),
        sa.Column("administered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("administered_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("safety_flag", sa.Boolean(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledgement", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "code IN ('COWS', 'PHQ9', 'GAD7', 'DAST10', 'AUDITC', 'RULER')",
            name=op.f("ck_instrument_results_known_code"),
        ),
        sa.CheckConstraint(
            "(acknowledged_at IS NULL) = (acknowledged_by_id IS NULL)",
            name=op.f("ck_instrument_results_acknowledged_by_whom"),
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_instrument_results_acknowledged_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["administered_by_id"],
            ["users.id"],
            name=op.f("fk_instrument_results_administered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_instrument_results_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_instrument_results_episode_id_episodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_results")),
    )
    with op.batch_alter_table("instrument_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instrument_results_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            "ix_instrument_results_episode_code_at",
            ["episode_id", "code", "administered_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_instrument_results_unacknowledged",
            ["client_id"],
            unique=False,
            sqlite_where=sa.text("safety_flag AND acknowledged_at IS NULL"),
            postgresql_where=sa.text("safety_flag AND acknowledged_at IS NULL"),
        )

    op.create_table(
        "assessment_addenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_addenda_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"], ["users.id"], name=op.f("fk_assessment_addenda_written_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_addenda")),
    )
    with op.batch_alter_table("assessment_addenda", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_addenda_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "assessment_instruments",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("instrument_result_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_instruments_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["instrument_result_id"],
            ["instrument_results.id"],
            name=op.f("fk_assessment_instruments_instrument_result_id_instrument_results"),
        ),
        sa.PrimaryKeyConstraint(
            "assessment_id", "instrument_result_id", name=op.f("pk_assessment_instruments")
        ),
    )
    for statement in SIGNED_GUARD[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    for statement in SIGNED_UNGUARD[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table("assessment_instruments")
    with op.batch_alter_table("assessment_addenda", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_addenda_assessment_id"))

    op.drop_table("assessment_addenda")
    with op.batch_alter_table("instrument_results", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_instrument_results_unacknowledged",
            sqlite_where=sa.text("safety_flag AND acknowledged_at IS NULL"),
            postgresql_where=sa.text("safety_flag AND acknowledged_at IS NULL"),
        )
        batch_op.drop_index("ix_instrument_results_episode_code_at")
        batch_op.drop_index(batch_op.f("ix_instrument_results_client_id"))

    op.drop_table("instrument_results")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assessments_once_per_episode",
            sqlite_where=sa.text("kind IN ('intake', 'discharge')"),
            postgresql_where=sa.text("kind IN ('intake', 'discharge')"),
        )
        batch_op.drop_index(batch_op.f("ix_assessments_episode_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_client_id"))

    op.drop_table("assessments")
