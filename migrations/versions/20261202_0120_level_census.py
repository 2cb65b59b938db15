"""The census kept by the database: open episodes per level, updated by triggers on episodes.

`level_census` has one row per level of care: how many open episodes are at it
(`open_episodes`), how many of those have a `level_since` (`dated_episodes`), and the sum of
those `level_since` values in seconds since 1970 UTC (`level_since_seconds`), from which the
average days at the level follows. Triggers on `episodes` (insert, delete, and update of
current_level, level_since or discharged_on; the copies of migration 0003 are themselves written
by an UPDATE, so every move and correction passes here) take the old row's share away and add
the new row's, in the same transaction as the change. The census and the caseload report's
totals then read six rows whatever the size of the clinic.

Backfilled from the episodes as they are. Downgrade drops the triggers and the table (derived
data only).

Revision ID: 20261202_0120
Revises: 20261202_0110
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_0120"
down_revision = "20261202_0110"
branch_labels = None
depends_on = None

SECONDS = {
    "sqlite": "CAST(strftime('%s', {row}.level_since) AS INTEGER)",
    "postgresql": "CAST(extract(epoch FROM {row}.level_since) AS bigint)",
}
SQLITE_EVENTS = {
    "insert": ("INSERT", ("NEW",)),
    "update": ("UPDATE OF current_level, level_since, discharged_on", ("OLD", "NEW")),
    "delete": ("DELETE", ("OLD",)),
}


def _share(dialect: str, row: str) -> str:
    """The statements adding (NEW) or taking away (OLD) one episode row's share of its level:
    the level's row made first if missing (a level no episode was at yet), then updated."""
    sign = "-" if row == "OLD" else "+"
    seconds = SECONDS[dialect].format(row=row)
    counted = f"{row}.current_level IS NOT NULL AND {row}.discharged_on IS NULL"
    # Constants only: no value from outside is spliced into these statements.
    return (
        "INSERT INTO level_census (level, open_episodes, dated_episodes, level_since_seconds)"  # noqa: S608
        f" SELECT {row}.current_level, 0, 0, 0 WHERE {counted} ON CONFLICT (level) DO NOTHING; "
        f"UPDATE level_census SET open_episodes = open_episodes {sign} 1,"
        f" dated_episodes = dated_episodes {sign}"
        f" (CASE WHEN {row}.level_since IS NULL THEN 0 ELSE 1 END),"
        f" level_since_seconds = level_since_seconds {sign} coalesce({seconds}, 0)"
        f" WHERE level = {row}.current_level AND {counted}"
    )


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(
        "level_census",
        sa.Column("level", sa.String(length=3), nullable=False),
        sa.Column("open_episodes", sa.Integer(), nullable=False),
        sa.Column("dated_episodes", sa.Integer(), nullable=False),
        sa.Column("level_since_seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("level", name=op.f("pk_level_census")),
    )
    seconds = SECONDS[dialect].format(row="episodes")
    op.execute(
        "INSERT INTO level_census (level, open_episodes, dated_episodes, level_since_seconds)"  # noqa: S608 (constants)
        f" SELECT current_level, count(*), count(level_since), coalesce(sum({seconds}), 0)"
        " FROM episodes WHERE discharged_on IS NULL AND current_level IS NOT NULL"
        " GROUP BY current_level"
    )
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION episodes_level_census() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN {_share(dialect, "OLD")}; END IF;
                IF TG_OP <> 'DELETE' THEN {_share(dialect, "NEW")}; END IF;
                RETURN NULL;
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER episodes_level_census AFTER INSERT OR DELETE"
            " OR UPDATE OF current_level, level_since, discharged_on ON episodes"
            " FOR EACH ROW EXECUTE FUNCTION episodes_level_census()"
        )
        return
    for event, (when, rows) in SQLITE_EVENTS.items():
        body = "; ".join(_share(dialect, row) for row in rows)
        op.execute(
            f"CREATE TRIGGER episodes_level_census_{event} AFTER {when} ON episodes\n"
            f"BEGIN {body}; END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER episodes_level_census ON episodes")
        op.execute("DROP FUNCTION episodes_level_census()")
    else:
        for event in SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER episodes_level_census_{event}")
    op.drop_table("level_census")
