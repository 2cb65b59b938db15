"""Level corrections: a supervisor's new stay that corrects the level on record, with why.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "level_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stay_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("corrected_by_id", sa.Integer(), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"],
            ["users.id"],
            name=op.f("fk_level_corrections_corrected_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["stay_id"],
            ["level_of_care_stays.id"],
            name=op.f("fk_level_corrections_stay_id_level_of_care_stays"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_level_corrections")),
        sa.UniqueConstraint("stay_id", name=op.f("uq_level_corrections_stay_id")),
    )


def downgrade():
    op.drop_table("level_corrections")
