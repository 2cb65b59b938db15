"""Level-of-care transitions: requests and decisions, bed capacity, and the database's own
guarantee that an open episode always has exactly one open stay.

The level history is append-only, in the database: a stay is never deleted, never edited, and
ends exactly once, either because the next stay began (inserting an open stay ends the one
before, in the same statement) or because the episode was discharged. At most one open stay per
episode was already a partial unique index (0002). On PostgreSQL a deferred constraint trigger
also checks at commit that every open episode has exactly one open stay and every discharged
one none (a reopened episode has no open stay, so that is refused too). SQLite has no
deferred triggers: there the guards refuse reopening a discharged episode, editing or deleting a
stay, and ending one except by inserting the next or after the discharge; what they cannot see
is SQL that writes ended_by='transition' by hand without inserting the next stay, or an episode
committed without its first stay. The application never does either, and says so plainly if it
finds an open episode without an open stay.

`ended_by` is added without a table rebuild (ALTER TABLE ADD COLUMN) so that migration 0003's
triggers on this table survive on SQLite; existing closed stays are filled in first.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "level-of-care history is append-only: a stay ends when the next begins, or at discharge"
)
REOPEN = "a discharged episode is not reopened: readmit the client"
SHAPE = "a stay is open, or ended with how it ended; a discharged episode has no open stay"
# An UPDATE is allowed only to end an open stay, keeping everything else, by a transition or,
# once its episode is discharged, by the discharge. (Wrapped in COALESCE(..., FALSE) where used:
# an unknown, such as a missing ended_by, refuses too.)
ENDING = """
    OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL
    AND NEW.episode_id = OLD.episode_id AND NEW.level = OLD.level
    AND NEW.started_at = OLD.started_at AND NEW.reason = OLD.reason
    AND (NEW.ended_by = 'transition' OR (NEW.ended_by = 'discharge'
         AND (SELECT discharged_on FROM episodes WHERE id = NEW.episode_id) IS NOT NULL))
"""
BAD_INSERT = """
    (NEW.ended_at IS NULL) <> (NEW.ended_by IS NULL)
    OR (NEW.ended_at IS NULL
        AND (SELECT discharged_on FROM episodes WHERE id = NEW.episode_id) IS NOT NULL)
"""
CLOSE_PREVIOUS = """
    UPDATE level_of_care_stays SET ended_at = NEW.started_at, ended_by = 'transition'
    WHERE episode_id = NEW.episode_id AND ended_at IS NULL
"""
ERROR = "USING ERRCODE = 'integrity_constraint_violation'"

GUARDS = {
    "sqlite": [
        f"""
        CREATE TRIGGER level_of_care_stays_insert_guard BEFORE INSERT ON level_of_care_stays
        WHEN {BAD_INSERT}
        BEGIN SELECT RAISE(ABORT, '{SHAPE}'); END
        """,
        f"""
        CREATE TRIGGER level_of_care_stays_close_previous BEFORE INSERT ON level_of_care_stays
        WHEN NEW.ended_at IS NULL
        BEGIN {CLOSE_PREVIOUS}; END
        """,
        f"""
        CREATE TRIGGER level_of_care_stays_update_guard BEFORE UPDATE ON level_of_care_stays
        WHEN NOT COALESCE(({ENDING}), FALSE)
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END
        """,
        f"""
        CREATE TRIGGER level_of_care_stays_no_delete BEFORE DELETE ON level_of_care_stays
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END
        """,
        f"""
        CREATE TRIGGER episodes_no_reopening BEFORE UPDATE OF discharged_on ON episodes
        WHEN OLD.discharged_on IS NOT NULL AND NEW.discharged_on IS NULL
        BEGIN SELECT RAISE(ABORT, '{REOPEN}'); END
        """,
    ],
    "postgresql": [
        f"""
        CREATE FUNCTION level_of_care_stays_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{APPEND_ONLY}' {ERROR};
            END IF;
            IF TG_OP = 'INSERT' THEN
                IF {BAD_INSERT} THEN
                    RAISE EXCEPTION '{SHAPE}' {ERROR};
                END IF;
                IF NEW.ended_at IS NULL THEN
                    {CLOSE_PREVIOUS};
                END IF;
                RETURN NEW;
            END IF;
            IF NOT COALESCE(({ENDING}), FALSE) THEN
                RAISE EXCEPTION '{APPEND_ONLY}' {ERROR};
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER level_of_care_stays_guard
        BEFORE INSERT OR UPDATE OR DELETE ON level_of_care_stays
        FOR EACH ROW EXECUTE FUNCTION level_of_care_stays_guard()
        """,
        f"""
        CREATE FUNCTION episodes_one_open_stay() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            target integer;
            discharged date;
            open_stays integer;
        BEGIN
            IF TG_TABLE_NAME = 'episodes' THEN
                target := NEW.id;
            ELSE
                target := NEW.episode_id;
            END IF;
            SELECT discharged_on INTO discharged FROM episodes WHERE id = target;
            SELECT count(*) INTO open_stays FROM level_of_care_stays
            WHERE episode_id = target AND ended_at IS NULL;
            IF discharged IS NULL AND open_stays <> 1 THEN
                RAISE EXCEPTION 'an open episode has exactly one open stay' {ERROR};
            END IF;
            IF discharged IS NOT NULL AND open_stays <> 0 THEN
                RAISE EXCEPTION 'a discharged episode has no open stay' {ERROR};
            END IF;
            RETURN NULL;
        END
        $$
        """,  # noqa: S608 (module constants only, no input)
        """
        CREATE CONSTRAINT TRIGGER level_of_care_stays_one_open
        AFTER INSERT OR UPDATE ON level_of_care_stays
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION episodes_one_open_stay()
        """,
        """
        CREATE CONSTRAINT TRIGGER episodes_one_open_stay
        AFTER INSERT OR UPDATE OF discharged_on ON episodes
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION episodes_one_open_stay()
        """,
    ],
}
UNGUARDS = {
    "sqlite": [
        "DROP TRIGGER level_of_care_stays_insert_guard",
        "DROP TRIGGER level_of_care_stays_close_previous",
        "DROP TRIGGER level_of_care_stays_update_guard",
        "DROP TRIGGER level_of_care_stays_no_delete",
        "DROP TRIGGER episodes_no_reopening",
    ],
    "postgresql": [
        "DROP TRIGGER episodes_one_open_stay ON episodes",
        "DROP TRIGGER level_of_care_stays_one_open ON level_of_care_stays",
        "DROP FUNCTION episodes_one_open_stay()",
        "DROP TRIGGER level_of_care_stays_guard ON level_of_care_stays",
        "DROP FUNCTION level_of_care_stays_guard()",
    ],
}


def add_ended_by():
    """The column with its own check, then how existing closed stays ended: the last stay of a
    discharged episode at the discharge, every other closed one at the next stay."""
    op.execute(
        "ALTER TABLE level_of_care_stays ADD COLUMN ended_by VARCHAR(10)"
        " CONSTRAINT ck_level_of_care_stays_ended_by"
        " CHECK (ended_by IN ('transition', 'discharge'))"
    )
    op.execute(
        """
        UPDATE level_of_care_stays SET ended_by = CASE
            WHEN EXISTS (
                SELECT 1 FROM level_of_care_stays AS later
                WHERE later.episode_id = level_of_care_stays.episode_id
                  AND (later.started_at > level_of_care_stays.started_at
                       OR (later.started_at = level_of_care_stays.started_at
                           AND later.id > level_of_care_stays.id))
            ) THEN 'transition'
            ELSE 'discharge'
        END
        WHERE ended_at IS NOT NULL
        """
    )


def upgrade():
    op.create_table(
        "bed_capacities",
        sa.Column(
            "level",
            sa.Enum(
                "WM",
                "RES",
                "PHP",
                "IOP",
                "OP",
                "AC",
                name="bed_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("beds", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("beds >= 0", name=op.f("ck_bed_capacities_beds_not_negative")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_bed_capacities_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("level", name=op.f("pk_bed_capacities")),
    )
    op.create_table(
        "transition_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("from_stay_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_level",
            sa.Enum(
                "WM",
                "RES",
                "PHP",
                "IOP",
                "OP",
                "AC",
                name="from_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_level",
            sa.Enum(
                "WM",
                "RES",
                "PHP",
                "IOP",
                "OP",
                "AC",
                name="to_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "declined",
                "withdrawn",
                name="request_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_by_id", sa.Integer(), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clearance_note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("new_stay_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_transition_requests_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["cleared_by_id"], ["users.id"], name=op.f("fk_transition_requests_cleared_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_transition_requests_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_transition_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_transition_requests_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["from_stay_id"],
            ["level_of_care_stays.id"],
            name=op.f("fk_transition_requests_from_stay_id_level_of_care_stays"),
        ),
        sa.ForeignKeyConstraint(
            ["new_stay_id"],
            ["level_of_care_stays.id"],
            name=op.f("fk_transition_requests_new_stay_id_level_of_care_stays"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_transition_requests_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transition_requests")),
    )
    with op.batch_alter_table("transition_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transition_requests_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transition_requests_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            "uq_transition_requests_one_approval_per_stay",
            ["from_stay_id"],
            unique=True,
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )
        batch_op.create_index(
            "uq_transition_requests_one_pending",
            ["episode_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    add_ended_by()
    dialect = op.get_bind().dialect.name
    for statement in GUARDS[dialect]:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in UNGUARDS[dialect]:
        op.execute(statement)
    # A plain DROP COLUMN: a batch rebuild would drop migration 0003's triggers on this table.
    op.execute("ALTER TABLE level_of_care_stays DROP COLUMN ended_by")

    with op.batch_alter_table("transition_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_transition_requests_one_pending",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(
            "uq_transition_requests_one_approval_per_stay",
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )
        batch_op.drop_index(batch_op.f("ix_transition_requests_episode_id"))
        batch_op.drop_index(batch_op.f("ix_transition_requests_client_id"))

    op.drop_table("transition_requests")
    op.drop_table("bed_capacities")
