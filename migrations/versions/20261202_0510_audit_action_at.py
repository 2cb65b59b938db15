"""Audit events by action, then by id or by time, in place of the index on action alone.

The latest events of one action (the emergency access report's grants and refusals, possible
probing on supervisors' home pages) are a range of (action, at) rather than every event since a
day, filtered and sorted. The audit log's filter by action pages by id: (action, id) gives that
order on both databases (SQLite's index on action alone held the row id; PostgreSQL's did
not), and without it SQLite would sort every event of the action by id from (action, at).
Downgrade puts the index on action back.

Revision ID: 20261202_0510
Revises: 20261202_0500
Create Date: 2026-12-02
"""

from alembic import op

revision = "20261202_0510"
down_revision = "20261202_0500"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_events_action_id", "audit_events", ["action", "id"])
    op.create_index("ix_audit_events_action_at", "audit_events", ["action", "at"])
    op.drop_index("ix_audit_events_action", table_name="audit_events")


def downgrade():
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    op.drop_index("ix_audit_events_action_at", table_name="audit_events")
    op.drop_index("ix_audit_events_action_id", table_name="audit_events")
