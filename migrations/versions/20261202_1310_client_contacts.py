"""The client's family members and other contacts; the emergency contact becomes one of them.

`client_contacts` holds every person in the client's life the program may deal with (family,
friends, sponsor, employer, probation officer), across episodes. The emergency contact kept on
`clients` (name, relationship as typed, phone) moves there, marked as the emergency contact:
the relationship as typed is kept word for word in `relationship_detail`, and coded by its
plain meaning ("Mother" -> parent, "Partner" -> spouse or partner, "Aunt" -> other relative,
anything unrecognised -> other); a contact with a phone but no name is named "Emergency
contact". Then the three columns go.

Downgrade puts the columns back and fills them from each client's first active emergency
contact (by id); contacts other than that one cannot be kept in three columns and are lost.

Revision ID: 20261202_1310
Revises: 20261202_1300
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_1310"
down_revision = "20261202_1300"
branch_labels = None
depends_on = None

RELATIONSHIPS = (
    "parent",
    "spouse",
    "child",
    "sibling",
    "relative",
    "friend",
    "sponsor",
    "employer",
    "probation",
    "other",
)
# Words staff typed for the relationship, by the code they mean (compared trimmed, lower case).
WORDS = {
    "parent": ("mother", "father", "mom", "dad", "parent", "stepmother", "stepfather"),
    "spouse": (
        "spouse",
        "partner",
        "wife",
        "husband",
        "fiance",
        "fiancee",
        "girlfriend",
        "boyfriend",
        "spouse or partner",
    ),
    "child": ("son", "daughter", "child"),
    "sibling": ("sister", "brother", "sibling"),
    "relative": (
        "aunt",
        "uncle",
        "cousin",
        "grandmother",
        "grandfather",
        "grandparent",
        "niece",
        "nephew",
        "relative",
        "other relative",
    ),
    "friend": ("friend",),
    "sponsor": ("sponsor",),
    "employer": ("employer", "boss", "supervisor"),
    "probation": ("probation officer", "parole officer", "probation", "parole"),
}


def _relationship_case() -> str:
    word = "lower(trim(emergency_contact_relationship))"
    whens = " ".join(
        f"WHEN {word} IN ({', '.join(repr(w) for w in words)}) THEN '{code}'"
        for code, words in WORDS.items()
    )
    return f"CASE {whens} ELSE 'other' END"


def upgrade():
    op.create_table(
        "client_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "relationship",
            sa.Enum(
                *RELATIONSHIPS,
                name="contact_relationship",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("relationship_detail", sa.String(length=60), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("emergency_contact", sa.Boolean(), nullable=False),
        sa.Column("lives_with_client", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_contacts_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_client_contacts_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_contacts")),
    )
    op.create_index("ix_client_contacts_client", "client_contacts", ["client_id", "active", "name"])
    op.execute(
        "INSERT INTO client_contacts (client_id, name, relationship, relationship_detail, phone,"  # noqa: S608 (constants)
        " emergency_contact, lives_with_client, active, created_at, created_by_id, version)"
        " SELECT id, coalesce(nullif(trim(emergency_contact_name), ''), 'Emergency contact'),"
        f" {_relationship_case()}, nullif(trim(emergency_contact_relationship), ''),"
        " nullif(trim(emergency_contact_phone), ''), true, false, true, created_at,"
        " created_by_id, 1"
        " FROM clients"
        " WHERE coalesce(trim(emergency_contact_name), '') <> ''"
        " OR coalesce(trim(emergency_contact_relationship), '') <> ''"
        " OR coalesce(trim(emergency_contact_phone), '') <> ''"
    )
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("emergency_contact_phone")
        batch.drop_column("emergency_contact_relationship")
        batch.drop_column("emergency_contact_name")


def downgrade():
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("emergency_contact_name", sa.String(length=120)))
        batch.add_column(sa.Column("emergency_contact_relationship", sa.String(length=60)))
        batch.add_column(sa.Column("emergency_contact_phone", sa.String(length=30)))
    first = (
        "(SELECT {column} FROM client_contacts c WHERE c.client_id = clients.id"
        " AND c.emergency_contact AND c.active ORDER BY c.id LIMIT 1)"
    )
    words = "coalesce(relationship_detail, relationship)"
    op.execute(
        "UPDATE clients SET"  # noqa: S608 (constants)
        f" emergency_contact_name = {first.format(column='name')},"
        f" emergency_contact_relationship = {first.format(column=words)},"
        f" emergency_contact_phone = {first.format(column='phone')}"
    )
    op.drop_index("ix_client_contacts_client", table_name="client_contacts")
    op.drop_table("client_contacts")
