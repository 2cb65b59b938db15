"""Discharge requests: type, reason, the aftercare plan of a planned discharge, the facts of a
departure against advice, and the supervisor's decision. One pending and one approved request
per episode (partial unique indexes).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "discharge_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("discharge_type", sa.String(length=14), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("living_situation", sa.Text(), nullable=True),
        sa.Column("continuing_care", sa.Text(), nullable=True),
        sa.Column("meetings", sa.Text(), nullable=True),
        sa.Column("moud_continues", sa.Boolean(), nullable=True),
        sa.Column("moud_with", sa.Text(), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "declined",
                "withdrawn",
                name="discharge_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "discharge_type IN ('completed', 'transferred', 'against_advice',"
            " 'administrative', 'deceased', 'other')",
            name=op.f("ck_discharge_requests_known_type"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_discharge_requests_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_discharge_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_discharge_requests_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_discharge_requests_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discharge_requests")),
    )
    with op.batch_alter_table("discharge_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discharge_requests_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discharge_requests_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            "uq_discharge_requests_one_approved",
            ["episode_id"],
            unique=True,
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )
        batch_op.create_index(
            "uq_discharge_requests_one_pending",
            ["episode_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )


def downgrade():
    with op.batch_alter_table("discharge_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_discharge_requests_one_pending",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(
            "uq_discharge_requests_one_approved",
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )
        batch_op.drop_index(batch_op.f("ix_discharge_requests_episode_id"))
        batch_op.drop_index(batch_op.f("ix_discharge_requests_client_id"))

    op.drop_table("discharge_requests")
