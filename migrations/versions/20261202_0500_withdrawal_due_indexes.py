"""Withdrawal scores due from an index: open episodes by level, never scored first, then by
when last scored (COWS and CIWA-Ar), so that medical staff's home page and worklists read the
most urgent few from the index's start rather than sorting every episode in withdrawal
management.

Expression indexes on `(last_cows_at IS NOT NULL)` and `coalesce(last_cows_at, level_since)`,
written as the due queries write them (clinic/assessments/due.py). Downgrade drops them.

Revision ID: 20261202_0500
Revises: 20261202_0120
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_0500"
down_revision = "20261202_0120"
branch_labels = None
depends_on = None

COLUMNS = {"cows": "last_cows_at", "ciwa": "last_ciwa_at"}
OPEN = sa.text("discharged_on IS NULL")


def upgrade():
    for code, column in COLUMNS.items():
        op.create_index(
            f"ix_episodes_open_{code}_due",
            "episodes",
            [
                "current_level",
                sa.text(f"({column} IS NOT NULL)"),
                sa.text(f"coalesce({column}, level_since)"),
                "id",
            ],
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def downgrade():
    for code in COLUMNS:
        op.drop_index(f"ix_episodes_open_{code}_due", table_name="episodes")
