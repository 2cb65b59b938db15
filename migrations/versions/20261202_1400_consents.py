"""42 CFR Part 2 consents, the disclosures made under them, release packets, reviews of
emergency disclosures, and the privacy notice at admission.

- `consents`: every element of 42 CFR 2.31 a column. A consent is never changed once recorded
  and never deleted: triggers refuse any UPDATE except recording the revocation, once (the five
  revocation columns, from empty to set), and every DELETE.
- `disclosures`: the accounting of disclosures, append-only like the audit log (triggers refuse
  UPDATE and DELETE). `consent_id` is empty only for a medical emergency (42 CFR 2.51).
- `release_packets`: what a release sent, as sent; append-only.
- `emergency_disclosure_reviews`: a supervisor's review of an emergency disclosure, once each;
  append-only.
- `privacy_notices`: per episode, when the written summary (42 CFR 2.22) was given and by whom,
  or why not yet.
- `ix_episodes_open_created`: open episodes by when they were entered, the intake coordinator's
  window of admissions (the consents and the privacy notice they still wait for); its
  "created_at IS NOT NULL", always true, lets only a query that bounds created_at use it on
  SQLite, so that the other due kinds keep their own partial indexes.

Downgrade drops the triggers and the tables (what they held is lost: take a copy first).

Revision ID: 20261202_1400
Revises: 20261202_1310
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_1400"
down_revision = "20261202_1310"
branch_labels = None
depends_on = None

CONSENT_KINDS = ("disclosure", "tpo", "family", "counseling_notes")
PURPOSES = (
    "patient_request",
    "treatment",
    "payment",
    "operations",
    "tpo",
    "care_coordination",
    "family_involvement",
    "other",
)
RECIPIENT_KINDS = ("provider", "contact", "named", "tpo_class")
EXPIRIES = ("date", "end_of_treatment", "one_year", "none")
SIGNERS = ("client", "representative")
SIGNATURE_METHODS = ("on_screen", "paper")
REVOCATION_METHODS = ("writing", "oral")

REVOCATION_COLUMNS = (
    "revoked_at",
    "revocation_received_on",
    "revocation_method",
    "revoked_by_id",
    "revocation_note",
)
# Every other column of `consents`: none may change once the consent is recorded.
SIGNED_COLUMNS = (
    "id",
    "client_id",
    "episode_id",
    "kind",
    "disclosing_party",
    "categories",
    "all_records",
    "information_detail",
    "recipient_kind",
    "provider_id",
    "contact_id",
    "recipient_name",
    "recipient_address",
    "purpose",
    "purpose_detail",
    "revocation_explained",
    "expiry",
    "expires_on",
    "signer",
    "representative_name",
    "representative_authority",
    "signature_method",
    "signed_on",
    "witness_id",
    "recorded_at",
)
APPEND_ONLY = ("disclosures", "release_packets", "emergency_disclosure_reviews")
CONSENT_MESSAGE = "a consent is never changed or deleted: only its revocation is recorded, once"


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _recipient_columns():
    return [
        sa.Column("recipient_kind", _enum(RECIPIENT_KINDS, "recipient_kind"), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_address", sa.String(length=300), nullable=True),
    ]


def _fk(table, column, target):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _create_tables():
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("kind", _enum(CONSENT_KINDS, "consent_kind"), nullable=False),
        sa.Column("disclosing_party", sa.String(length=200), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("all_records", sa.Boolean(), nullable=False),
        sa.Column("information_detail", sa.Text(), nullable=True),
        sa.Column("purpose", _enum(PURPOSES, "consent_purpose"), nullable=False),
        sa.Column("purpose_detail", sa.String(length=300), nullable=True),
        sa.Column("revocation_explained", sa.Boolean(), nullable=False),
        sa.Column("expiry", _enum(EXPIRIES, "consent_expiry"), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("signer", _enum(SIGNERS, "consent_signer"), nullable=False),
        sa.Column("representative_name", sa.String(length=120), nullable=True),
        sa.Column("representative_authority", sa.String(length=200), nullable=True),
        sa.Column("signature_method", _enum(SIGNATURE_METHODS, "signature_method"), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_received_on", sa.Date(), nullable=True),
        sa.Column(
            "revocation_method", _enum(REVOCATION_METHODS, "revocation_method"), nullable=True
        ),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revocation_note", sa.Text(), nullable=True),
        *_recipient_columns(),
        _fk("consents", "client_id", "clients"),
        _fk("consents", "episode_id", "episodes"),
        _fk("consents", "witness_id", "users"),
        _fk("consents", "revoked_by_id", "users"),
        _fk("consents", "provider_id", "providers"),
        _fk("consents", "contact_id", "client_contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index("ix_consents_client", "consents", ["client_id", "signed_on"])
    expiring = sa.text("revoked_at IS NULL AND expires_on IS NOT NULL")
    op.create_index(
        "ix_consents_expiring",
        "consents",
        ["expires_on", "id"],
        sqlite_where=expiring,
        postgresql_where=expiring,
    )
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("emergency_nature", sa.Text(), nullable=True),
        sa.Column("purpose", _enum(PURPOSES, "disclosure_purpose"), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("information", sa.Text(), nullable=False),
        sa.Column("disclosed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disclosed_by_id", sa.Integer(), nullable=False),
        sa.Column("artefact_kind", sa.String(length=30), nullable=False),
        sa.Column("artefact_id", sa.Integer(), nullable=True),
        *_recipient_columns(),
        _fk("disclosures", "client_id", "clients"),
        _fk("disclosures", "consent_id", "consents"),
        _fk("disclosures", "disclosed_by_id", "users"),
        _fk("disclosures", "provider_id", "providers"),
        _fk("disclosures", "contact_id", "client_contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    op.create_index("ix_disclosures_client", "disclosures", ["client_id", "disclosed_at"])
    op.create_index("ix_disclosures_consent", "disclosures", ["consent_id"])
    emergency = sa.text("emergency")
    op.create_index(
        "ix_disclosures_emergency",
        "disclosures",
        ["disclosed_at", "id"],
        sqlite_where=emergency,
        postgresql_where=emergency,
    )
    op.create_table(
        "release_packets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _fk("release_packets", "client_id", "clients"),
        _fk("release_packets", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_packets")),
    )
    op.create_index(op.f("ix_release_packets_client_id"), "release_packets", ["client_id"])
    op.create_table(
        "emergency_disclosure_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _fk("emergency_disclosure_reviews", "disclosure_id", "disclosures"),
        _fk("emergency_disclosure_reviews", "reviewed_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_disclosure_reviews")),
        sa.UniqueConstraint(
            "disclosure_id", name=op.f("uq_emergency_disclosure_reviews_disclosure_id")
        ),
    )
    op.create_table(
        "privacy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.Column("pending_reason", sa.String(length=300), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("privacy_notices", "episode_id", "episodes"),
        _fk("privacy_notices", "client_id", "clients"),
        _fk("privacy_notices", "given_by_id", "users"),
        _fk("privacy_notices", "recorded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notices")),
        sa.UniqueConstraint("episode_id", name=op.f("uq_privacy_notices_episode_id")),
    )
    op.create_index(op.f("ix_privacy_notices_client_id"), "privacy_notices", ["client_id"])
    open_episodes = sa.text("discharged_on IS NULL AND created_at IS NOT NULL")
    op.create_index(
        "ix_episodes_open_created",
        "episodes",
        ["created_at"],
        sqlite_where=open_episodes,
        postgresql_where=open_episodes,
    )


def _postgresql_guards() -> list[str]:
    unchanged = " OR ".join(
        f"NEW.{column} IS DISTINCT FROM OLD.{column}"
        for column in SIGNED_COLUMNS
        if column != "categories"
    )
    statements = [
        f"""
        CREATE FUNCTION consents_revocation_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
                OR NEW.categories::text IS DISTINCT FROM OLD.categories::text
                OR {unchanged} THEN
                RAISE EXCEPTION '{CONSENT_MESSAGE}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER consents_revocation_only BEFORE UPDATE OR DELETE ON consents
        FOR EACH ROW EXECUTE FUNCTION consents_revocation_only()
        """,
        """
        CREATE FUNCTION disclosures_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END
        $$
        """,
    ]
    statements += [
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION disclosures_append_only()
        """
        for table in APPEND_ONLY
    ]
    return statements


def _sqlite_guards() -> list[str]:
    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in SIGNED_COLUMNS)
    statements = [
        f"""
        CREATE TRIGGER consents_revocation_only BEFORE UPDATE ON consents
        WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR {changed}
        BEGIN SELECT RAISE(ABORT, '{CONSENT_MESSAGE}'); END
        """,
        f"""
        CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
        BEGIN SELECT RAISE(ABORT, '{CONSENT_MESSAGE}'); END
        """,
    ]
    for table in APPEND_ONLY:
        statements += [
            f"""
            CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
            """,
            f"""
            CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
            """,
        ]
    return statements


def _drop_guards(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            *(f"DROP TRIGGER {table}_append_only ON {table}" for table in APPEND_ONLY),
            "DROP FUNCTION disclosures_append_only()",
            "DROP TRIGGER consents_revocation_only ON consents",
            "DROP FUNCTION consents_revocation_only()",
        ]
    return [
        *(
            f"DROP TRIGGER {table}_{event}"
            for table in APPEND_ONLY
            for event in ("no_update", "no_delete")
        ),
        "DROP TRIGGER consents_no_delete",
        "DROP TRIGGER consents_revocation_only",
    ]


def upgrade():
    _create_tables()
    dialect = op.get_bind().dialect.name
    for statement in _postgresql_guards() if dialect == "postgresql" else _sqlite_guards():
        op.execute(statement)


def downgrade():
    for statement in _drop_guards(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index("ix_episodes_open_created", table_name="episodes")
    op.drop_index(op.f("ix_privacy_notices_client_id"), table_name="privacy_notices")
    op.drop_table("privacy_notices")
    op.drop_table("emergency_disclosure_reviews")
    op.drop_index(op.f("ix_release_packets_client_id"), table_name="release_packets")
    op.drop_table("release_packets")
    op.drop_index("ix_disclosures_emergency", table_name="disclosures")
    op.drop_index("ix_disclosures_consent", table_name="disclosures")
    op.drop_index("ix_disclosures_client", table_name="disclosures")
    op.drop_table("disclosures")
    op.drop_index("ix_consents_expiring", table_name="consents")
    op.drop_index("ix_consents_client", table_name="consents")
    op.drop_table("consents")
