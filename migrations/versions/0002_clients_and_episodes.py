"""Clients, episodes with their substances, care teams, level-of-care stays, emergency access.

The partial unique indexes are the database's guarantees: one open episode per client, one open
stay per episode, one active primary counselor per episode, a person on a team once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mrn", sa.String(length=12), nullable=False),
        sa.Column("legal_first_name", sa.String(length=80), nullable=False),
        sa.Column("legal_last_name", sa.String(length=80), nullable=False),
        sa.Column("preferred_name", sa.String(length=80), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column(
            "sex_at_birth",
            sa.Enum(
                "female",
                "male",
                "intersex",
                "unknown",
                name="sex_at_birth",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("gender_identity", sa.String(length=60), nullable=True),
        sa.Column("pronouns", sa.String(length=30), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=True),
        sa.Column("postal_code", sa.String(length=12), nullable=True),
        sa.Column("emergency_contact_name", sa.String(length=120), nullable=True),
        sa.Column("emergency_contact_relationship", sa.String(length=60), nullable=True),
        sa.Column("emergency_contact_phone", sa.String(length=30), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("search_name", sa.String(length=200), nullable=False),
        sa.Column("search_name_reversed", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_clients_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("mrn", name=op.f("uq_clients_mrn")),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index("ix_clients_dob_name", ["date_of_birth", "search_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_clients_search_name"), ["search_name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_clients_search_name_reversed"), ["search_name_reversed"], unique=False
        )

    op.create_table(
        "emergency_accesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_emergency_accesses_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_emergency_accesses_reviewed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_emergency_accesses_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_accesses")),
    )
    with op.batch_alter_table("emergency_accesses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emergency_accesses_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_emergency_accesses_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("admitted_on", sa.Date(), nullable=False),
        sa.Column(
            "referral_source",
            sa.Enum(
                "self",
                "family",
                "physician",
                "hospital",
                "treatment_program",
                "court",
                "employer",
                "community",
                "other",
                name="referral_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("payer", sa.String(length=120), nullable=True),
        sa.Column("member_id", sa.String(length=60), nullable=True),
        sa.Column("authorization_notes", sa.Text(), nullable=True),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        sa.Column(
            "discharge_type",
            sa.Enum(
                "completed",
                "transferred",
                "against_advice",
                "administrative",
                "deceased",
                "other",
                name="discharge_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("discharge_reason", sa.Text(), nullable=True),
        sa.Column("admitted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(discharged_on IS NULL) = (discharge_type IS NULL)",
            name=op.f("ck_episodes_discharge_has_type"),
        ),
        sa.CheckConstraint(
            "discharged_on IS NULL OR discharged_on >= admitted_on",
            name=op.f("ck_episodes_discharge_after_admission"),
        ),
        sa.ForeignKeyConstraint(
            ["admitted_by_id"], ["users.id"], name=op.f("fk_episodes_admitted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_episodes_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episodes")),
    )
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_episodes_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "uq_episodes_one_open_per_client",
            ["client_id"],
            unique=True,
            sqlite_where=sa.text("discharged_on IS NULL"),
            postgresql_where=sa.text("discharged_on IS NULL"),
        )

    op.create_table(
        "care_team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "team_role",
            sa.Enum(
                "primary_counselor",
                "therapist",
                "medical",
                "peer_support",
                name="team_role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_care_team_members_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_care_team_members_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"], ["users.id"], name=op.f("fk_care_team_members_removed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_care_team_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_team_members")),
    )
    with op.batch_alter_table("care_team_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_team_members_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_care_team_members_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_care_team_members_once_per_episode",
            ["episode_id", "user_id"],
            unique=True,
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )
        batch_op.create_index(
            "uq_care_team_members_one_primary",
            ["episode_id"],
            unique=True,
            sqlite_where=sa.text("team_role = 'primary_counselor' AND removed_at IS NULL"),
            postgresql_where=sa.text("team_role = 'primary_counselor' AND removed_at IS NULL"),
        )

    op.create_table(
        "level_of_care_stays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "WM",
                "RES",
                "PHP",
                "IOP",
                "OP",
                "AC",
                name="level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "admission",
                "step_down",
                "step_up",
                "lateral",
                name="stay_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at",
            name=op.f("ck_level_of_care_stays_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_level_of_care_stays_approved_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_level_of_care_stays_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_level_of_care_stays_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_level_of_care_stays")),
    )
    with op.batch_alter_table("level_of_care_stays", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_level_of_care_stays_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            "ix_level_of_care_stays_open_level", ["level", "ended_at"], unique=False
        )
        batch_op.create_index(
            "uq_level_of_care_stays_one_open",
            ["episode_id"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )

    op.create_table(
        "substance_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column(
            "substance",
            sa.Enum(
                "heroin",
                "fentanyl",
                "rx_opioids",
                "methadone",
                "buprenorphine",
                "alcohol",
                "cocaine",
                "methamphetamine",
                "cannabis",
                "benzodiazepines",
                "other",
                name="substance",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "route",
            sa.Enum(
                "oral",
                "smoking",
                "intranasal",
                "injection",
                "other",
                name="route",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "frequency",
            sa.Enum(
                "none_30_days",
                "monthly",
                "weekly",
                "several_weekly",
                "daily",
                name="frequency",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("rank BETWEEN 1 AND 3", name=op.f("ck_substance_uses_rank_range")),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_substance_uses_episode_id_episodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_substance_uses")),
        sa.UniqueConstraint("episode_id", "rank", name="uq_substance_uses_episode_rank"),
    )
    with op.batch_alter_table("substance_uses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_substance_uses_episode_id"), ["episode_id"], unique=False
        )


def downgrade():
    # Dropping a table drops its indexes.
    for table in (
        "substance_uses",
        "level_of_care_stays",
        "care_team_members",
        "episodes",
        "emergency_accesses",
        "clients",
    ):
        op.drop_table(table)
