"""Held forms: what a user typed into a form posted after their session ended, kept for them to
review and send again after signing in (deleted once offered back, or when it expires).

Revision ID: 20261201_2300
Revises: 20261201_2245
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "20261201_2300"
down_revision = "20261201_2245"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "held_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=500), nullable=False),
        sa.Column("action", sa.String(length=500), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_held_forms_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_forms")),
    )
    with op.batch_alter_table("held_forms", schema=None) as batch_op:
        batch_op.create_index("ix_held_forms_user_id_page", ["user_id", "page"], unique=False)


def downgrade():
    with op.batch_alter_table("held_forms", schema=None) as batch_op:
        batch_op.drop_index("ix_held_forms_user_id_page")
    op.drop_table("held_forms")
