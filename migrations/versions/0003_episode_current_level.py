"""The episode's current level, since when, and its primary counselor, kept by the database.

Lists, caseloads and the caseload report need every open episode's level and counselor. Reading
them from the stay history and the care team is a join per episode; these columns are copies the
database keeps itself with triggers on the two source tables (insert, update and delete), so no
code path can forget them and they never disagree with the history. The level is the open
stay's, or the last stay's once an episode is closed.

On SQLite, a later migration that rebuilds `episodes` (batch mode's copy-and-rename) must drop
these triggers first and create them again afterwards: SQLite refuses to rename a table into a
name that other tables' triggers refer to.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LEVELS = ("WM", "RES", "PHP", "IOP", "OP", "AC")

# Recompute the copies of the episodes whose ids are listed (":ids" is replaced per trigger).
REFRESH = {
    "level": """
        UPDATE episodes SET (current_level, level_since) = (
            SELECT stay.level, stay.started_at FROM level_of_care_stays AS stay
            WHERE stay.episode_id = episodes.id
            ORDER BY stay.ended_at IS NOT NULL, stay.started_at DESC, stay.id DESC
            LIMIT 1
        )
        WHERE episodes.id IN (:ids)
    """,
    "counselor": """
        UPDATE episodes SET primary_counselor_id = (
            SELECT member.user_id FROM care_team_members AS member
            WHERE member.episode_id = episodes.id
              AND member.team_role = 'primary_counselor'
              AND member.removed_at IS NULL
        )
        WHERE episodes.id IN (:ids)
    """,
}
SOURCES = {
    "level": ("level_of_care_stays", "episode_id, level, started_at, ended_at"),
    "counselor": ("care_team_members", "episode_id, user_id, team_role, removed_at"),
}
# Which episodes a change touches, per event.
SQLITE_IDS = {
    "insert": "NEW.episode_id",
    "update": "OLD.episode_id, NEW.episode_id",
    "delete": "OLD.episode_id",
}


def _sqlite_triggers(kind: str) -> list[str]:
    table, columns = SOURCES[kind]
    statements = []
    for event, ids in SQLITE_IDS.items():
        when = f"UPDATE OF {columns}" if event == "update" else event.upper()
        refresh = REFRESH[kind].replace(":ids", ids)
        statements.append(
            f"CREATE TRIGGER {table}_refresh_episode_{event} AFTER {when} ON {table}\n"
            f"BEGIN {refresh}; END"
        )
    return statements


def _postgresql_triggers(kind: str) -> list[str]:
    table, columns = SOURCES[kind]
    function = f"{table}_refresh_episode"
    refresh = REFRESH[kind].replace(":ids", "changed")
    return [
        f"""
        CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed integer;
        BEGIN
            FOREACH changed IN ARRAY ARRAY[
                CASE WHEN TG_OP <> 'INSERT' THEN OLD.episode_id END,
                CASE WHEN TG_OP <> 'DELETE' THEN NEW.episode_id END
            ] LOOP
                IF changed IS NOT NULL THEN
                    {refresh};
                END IF;
            END LOOP;
            RETURN NULL;
        END
        $$
        """,
        f"""
        CREATE TRIGGER {function} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table}
        FOR EACH ROW EXECUTE FUNCTION {function}()
        """,
    ]


def _drop_triggers(dialect: str, kind: str) -> list[str]:
    table, _columns = SOURCES[kind]
    if dialect == "postgresql":
        function = f"{table}_refresh_episode"
        return [f"DROP TRIGGER {function} ON {table}", f"DROP FUNCTION {function}()"]
    return [f"DROP TRIGGER {table}_refresh_episode_{event}" for event in SQLITE_IDS]


def upgrade():
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "current_level",
                sa.Enum(*LEVELS, name="current_level", native_enum=False, create_constraint=True),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("level_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("primary_counselor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_episodes_primary_counselor_id_users"),
            "users",
            ["primary_counselor_id"],
            ["id"],
        )
        batch_op.create_index(
            "ix_episodes_open_caseload",
            ["primary_counselor_id", "current_level"],
            unique=False,
            sqlite_where=sa.text("discharged_on IS NULL"),
            postgresql_where=sa.text("discharged_on IS NULL"),
        )
        batch_op.create_index(
            "ix_episodes_open_level",
            ["current_level", "client_id"],
            unique=False,
            sqlite_where=sa.text("discharged_on IS NULL"),
            postgresql_where=sa.text("discharged_on IS NULL"),
        )
    dialect = op.get_bind().dialect.name
    build = _postgresql_triggers if dialect == "postgresql" else _sqlite_triggers
    for kind, refresh in REFRESH.items():
        op.execute(refresh.replace("WHERE episodes.id IN (:ids)", ""))  # existing episodes
        for statement in build(kind):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for kind in REFRESH:
        for statement in _drop_triggers(dialect, kind):
            op.execute(statement)
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_episodes_open_level",
            sqlite_where=sa.text("discharged_on IS NULL"),
            postgresql_where=sa.text("discharged_on IS NULL"),
        )
        batch_op.drop_index(
            "ix_episodes_open_caseload",
            sqlite_where=sa.text("discharged_on IS NULL"),
            postgresql_where=sa.text("discharged_on IS NULL"),
        )
        batch_op.drop_constraint(
            batch_op.f("fk_episodes_primary_counselor_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("ck_episodes_current_level"), type_="check")
        batch_op.drop_column("primary_counselor_id")
        batch_op.drop_column("level_since")
        batch_op.drop_column("current_level")
