"""Bounded lists: indexes for the census, the caseload report and the intake list.

- `ix_episodes_open_by_level`: open episodes by current level, with the level's start and the
  primary counselor, so that the census (count and average days per level) and the caseload
  report's totals (per level, and those with no primary counselor) read the index alone, not
  the table. It holds `discharged_on` too, always NULL there: SQLite reads a partial index as
  covering only when it holds the columns of its own WHERE.
- `ix_episodes_admitted_on`, `ix_episodes_discharged_on`: admissions and discharges "today" and
  "this week" as two range counts, instead of one OR over every episode ever admitted. Discharge
  dates are indexed for closed episodes only (a range on them never matches an open one).

- `ix_care_team_members_active_user`: the care teams a user is on now, with their episodes, so
  that a counselor's or medical user's list starts from their own teams (index only).

Indexes only: no table is rebuilt, so the triggers of migration 0003 and 0006 stay as they are.

Revision ID: 20261202_0100
Revises: 20261201_2323
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_0100"
down_revision = "20261201_2323"
branch_labels = None
depends_on = None


def _where(condition: str) -> dict:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade():
    op.create_index(
        "ix_episodes_open_by_level",
        "episodes",
        ["current_level", "level_since", "primary_counselor_id", "discharged_on"],
        **_where("discharged_on IS NULL"),
    )
    op.create_index("ix_episodes_admitted_on", "episodes", ["admitted_on"])
    op.create_index(
        "ix_care_team_members_active_user",
        "care_team_members",
        ["user_id", "episode_id"],
        **_where("removed_at IS NULL"),
    )
    op.create_index(
        "ix_episodes_discharged_on",
        "episodes",
        ["discharged_on"],
        **_where("discharged_on IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_episodes_discharged_on", table_name="episodes")
    op.drop_index("ix_care_team_members_active_user", table_name="care_team_members")
    op.drop_index("ix_episodes_admitted_on", table_name="episodes")
    op.drop_index("ix_episodes_open_by_level", table_name="episodes")
