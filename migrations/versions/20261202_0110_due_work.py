"""Due work answered from indexes over what is waiting, not scans of the clinic.

- `episodes.intake_signed_at`: when the episode's intake assessment was signed (the first, if
  ever more than one), kept by triggers on `assessments` (insert, and update of status or
  signed_at), like migration 0003's copies.
- `episodes.plan_in_force_at`: when a treatment plan of the episode first left draft, kept by
  triggers on `treatment_plans` (insert, and update of status).
- `episodes.last_cows_at`, `episodes.last_ciwa_at`: when the episode's latest COWS and CIWA-Ar
  were given, kept by triggers on `instrument_results` (insert, and update of code or
  administered_at; results are never deleted), so that withdrawal scores due are read from the
  episode row rather than a search of the results for every client in withdrawal management.
- `treatment_plans.next_review_on`: the active version's next review day, written by the
  application (it depends on the configured review intervals and the clinic's time zone):
  when a version is co-signed, when the episode's level changes, cleared when it is reviewed.
  Backfilled here with the intervals and time zone configured now.
- Partial indexes: open episodes without a signed intake assessment, open episodes without a
  plan in force (both by when the admission was entered), active plans by review day, drafts
  signed by their author (waiting for the acknowledgement or the co-signature), and emergency
  access grants not yet reviewed.

The columns are added with ALTER TABLE ADD COLUMN rather than a batch rebuild, so that the
triggers already on episodes and assessments survive on SQLite. Downgrade drops the triggers,
indexes and columns; nothing is lost that is not derived from other rows.

Revision ID: 20261202_0110
Revises: 20261202_0100
Create Date: 2026-12-02
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "20261202_0110"
down_revision = "20261202_0100"
branch_labels = None
depends_on = None

# The review intervals in days when this revision was written (PLAN_REVIEW_DAYS overrides them).
REVIEW_DAYS = {"WM": 3, "RES": 7, "PHP": 14, "IOP": 14, "OP": 30, "AC": 90}

REFRESH = {
    "intake_signed_at": (
        "assessments",
        "status, signed_at",
        "UPDATE episodes SET intake_signed_at = (SELECT min(signed_at) FROM assessments"
        " WHERE assessments.episode_id = {id} AND kind = 'intake' AND status = 'signed')"
        " WHERE id = {id}",
        "NEW.kind = 'intake'",
    ),
    "last_cows_at": (
        "instrument_results",
        "code, administered_at",
        "UPDATE episodes SET last_cows_at = (SELECT max(administered_at) FROM instrument_results"
        " WHERE instrument_results.episode_id = {id} AND code = 'COWS') WHERE id = {id}",
        "NEW.code = 'COWS'",
    ),
    "last_ciwa_at": (
        "instrument_results",
        "code, administered_at",
        "UPDATE episodes SET last_ciwa_at = (SELECT max(administered_at) FROM instrument_results"
        " WHERE instrument_results.episode_id = {id} AND code = 'CIWAAR') WHERE id = {id}",
        "NEW.code = 'CIWAAR'",
    ),
    "plan_in_force_at": (
        "treatment_plans",
        "status",
        "UPDATE episodes SET plan_in_force_at = (SELECT min(coalesce(cosigned_at, created_at))"
        " FROM treatment_plans WHERE treatment_plans.episode_id = {id} AND status <> 'draft')"
        " WHERE id = {id}",
        "NEW.status <> 'draft'",
    ),
}
INDEXES = (
    ("ix_episodes_open_intake_unsigned", "episodes", "created_at", "intake_signed_at IS NULL"),
    ("ix_episodes_open_no_plan", "episodes", "created_at", "plan_in_force_at IS NULL"),
)
# Emergency access grants not yet reviewed, for supervisors' due work.
UNREVIEWED = ("ix_emergency_accesses_unreviewed", "emergency_accesses", "granted_at")


def _trigger_name(column: str, event: str) -> str:
    return f"{REFRESH[column][0]}_refresh_{column}" + (f"_{event}" if event else "")


def _create_triggers(dialect: str) -> None:
    # Each fires only for the rows that can change its column (a COWS for last_cows_at...).
    for column, (table, columns, refresh, when) in REFRESH.items():
        if dialect == "postgresql":
            function = _trigger_name(column, "")
            op.execute(
                f"""
                CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    {refresh.format(id="NEW.episode_id")};
                    RETURN NULL;
                END
                $$
                """
            )
            op.execute(
                f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OF {columns} ON {table}"
                f" FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {function}()"
            )
            continue
        for event, fired in (("insert", "INSERT"), ("update", f"UPDATE OF {columns}")):
            op.execute(
                f"CREATE TRIGGER {_trigger_name(column, event)} AFTER {fired} ON {table}"
                f" WHEN {when}\nBEGIN {refresh.format(id='NEW.episode_id')}; END"
            )


def _drop_triggers(dialect: str) -> None:
    for column, (table, _columns, _refresh, _when) in REFRESH.items():
        if dialect == "postgresql":
            function = _trigger_name(column, "")
            op.execute(f"DROP TRIGGER {function} ON {table}")
            op.execute(f"DROP FUNCTION {function}()")
        else:
            for event in ("insert", "update"):
                op.execute(f"DROP TRIGGER {_trigger_name(column, event)}")


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _backfill_review_days(connection) -> None:
    """The next review day of every active, not yet reviewed version (plans.services rules)."""
    config = current_app.config
    days = {**REVIEW_DAYS, **(config.get("PLAN_REVIEW_DAYS") or {})}
    zone = ZoneInfo(config.get("CLINIC_TIMEZONE") or "UTC")
    rows = connection.execute(
        sa.text(
            "SELECT p.id, coalesce(r.reviewed_at, p.cosigned_at), e.current_level, e.level_since"
            " FROM treatment_plans p JOIN episodes e ON e.id = p.episode_id"
            " LEFT JOIN plan_reviews r ON r.next_plan_id = p.id"
            " WHERE p.status = 'active'"
            " AND NOT EXISTS (SELECT 1 FROM plan_reviews d WHERE d.plan_id = p.id)"
        )
    ).all()
    updates = []
    for plan_id, anchored, level, since in rows:
        if anchored is None or level is None:
            continue
        anchored = _aware(anchored)
        changed = _aware(since) if since is not None else None
        if changed is not None and changed > anchored:
            due = changed.astimezone(zone).date()
        else:
            due = anchored.astimezone(zone).date() + timedelta(days=days[level])
        updates.append({"id": plan_id, "due": due})
    if updates:
        connection.execute(
            sa.text("UPDATE treatment_plans SET next_review_on = :due WHERE id = :id"), updates
        )


def upgrade():
    connection = op.get_bind()
    dialect = connection.dialect.name
    timestamp = "TIMESTAMP WITH TIME ZONE" if dialect == "postgresql" else "DATETIME"
    op.execute(f"ALTER TABLE episodes ADD COLUMN intake_signed_at {timestamp}")
    op.execute(f"ALTER TABLE episodes ADD COLUMN plan_in_force_at {timestamp}")
    op.execute(f"ALTER TABLE episodes ADD COLUMN last_cows_at {timestamp}")
    op.execute(f"ALTER TABLE episodes ADD COLUMN last_ciwa_at {timestamp}")
    op.execute("ALTER TABLE treatment_plans ADD COLUMN next_review_on DATE")
    for (
        _table,
        _columns,
        refresh,
        _when,
    ) in REFRESH.values():  # every episode, as the triggers would
        op.execute(refresh.format(id="episodes.id").removesuffix(" WHERE id = episodes.id"))
    _create_triggers(dialect)
    for name, table, column, missing in INDEXES:
        condition = sa.text(f"discharged_on IS NULL AND {missing}")
        op.create_index(name, table, [column], sqlite_where=condition, postgresql_where=condition)
    unreviewed = sa.text("reviewed_at IS NULL")
    name, table, column = UNREVIEWED
    op.create_index(name, table, [column], sqlite_where=unreviewed, postgresql_where=unreviewed)
    signed = sa.text("status = 'draft' AND author_signed_at IS NOT NULL")
    op.create_index(
        "ix_treatment_plans_signed_drafts",
        "treatment_plans",
        ["author_signed_at"],
        sqlite_where=signed,
        postgresql_where=signed,
    )
    active = sa.text("status = 'active'")
    op.create_index(
        "ix_treatment_plans_active_review",
        "treatment_plans",
        ["next_review_on"],
        sqlite_where=active,
        postgresql_where=active,
    )
    _backfill_review_days(connection)


def downgrade():
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_treatment_plans_active_review", table_name="treatment_plans")
    op.drop_index("ix_treatment_plans_signed_drafts", table_name="treatment_plans")
    op.drop_index(UNREVIEWED[0], table_name=UNREVIEWED[1])
    for name, table, _column, _missing in INDEXES:
        op.drop_index(name, table_name=table)
    _drop_triggers(dialect)
    op.execute("ALTER TABLE treatment_plans DROP COLUMN next_review_on")
    op.execute("ALTER TABLE episodes DROP COLUMN plan_in_force_at")
    op.execute("ALTER TABLE episodes DROP COLUMN intake_signed_at")
    op.execute("ALTER TABLE episodes DROP COLUMN last_cows_at")
    op.execute("ALTER TABLE episodes DROP COLUMN last_ciwa_at")
