"""The provider directory.

`providers`: who is outside the program (sober living, outpatient care, MOUD prescribers,
12-step meetings...), kept by admins and never deleted (deactivated: past referrals, consents
and disclosures name them). Payers accepted are a JSON list of codes; `search_name` is the
folded name the directory searches and sorts by (active, kind, name in one index).

Revision ID: 20261202_1300
Revises: 20261202_0520
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_1300"
down_revision = "20261202_0520"
branch_labels = None
depends_on = None

PROVIDER_KINDS = (
    "sober_living",
    "outpatient",
    "intensive_outpatient",
    "opioid_treatment",
    "mental_health",
    "primary_care",
    "vocational",
    "housing",
    "legal_aid",
    "twelve_step",
    "alumni",
    "other",
)


def upgrade():
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                *PROVIDER_KINDS, name="provider_kind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("contact_person", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("payers", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("search_name", sa.String(length=160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_providers_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
    )
    op.create_index("ix_providers_active_kind_name", "providers", ["active", "kind", "search_name"])
    op.create_index("ix_providers_search_name", "providers", ["search_name"])


def downgrade():
    op.drop_index("ix_providers_search_name", table_name="providers")
    op.drop_index("ix_providers_active_kind_name", table_name="providers")
    op.drop_table("providers")
