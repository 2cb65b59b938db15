"""Client name words: each word of a client's names, indexed for searching by any of them.

Every word of the legal and preferred names, so that a search by any word of a compound or
double surname ("nguyen", "connor") is a range on one index.

The words of the clients already there are computed here, with a copy of the splitting rule as
it stands in this revision (clinic/clients/models.py `name_words`): a migration does not import
the application, whose rule may change later (with a migration of its own).

Revision ID: 20261201_2323
Revises: 20261201_2300
Create Date: 2026-12-01
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "20261201_2323"
down_revision = "20261201_2300"
branch_labels = None
depends_on = None

WORD_LENGTH = 200
APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4"
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]+")
_SEPARATOR = re.compile(f"[^\\w{APOSTROPHES}]+|_+")


def name_words(*parts):
    words = set()
    for part in parts:
        decomposed = unicodedata.normalize("NFKD", part or "")
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        for token in _SEPARATOR.split(folded):
            pieces = [piece for piece in _APOSTROPHE.split(token) if piece]
            if pieces:
                words.add("".join(pieces))
                words.update(piece for piece in pieces if len(piece) > 1)
    return {word[:WORD_LENGTH] for word in words}


def upgrade():
    words = op.create_table(
        "client_name_words",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=WORD_LENGTH), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_name_words_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("client_id", "word", name=op.f("pk_client_name_words")),
    )
    op.create_index("ix_client_name_words_word", "client_name_words", ["word", "client_id"])

    connection = op.get_bind()
    clients = connection.execute(
        sa.text("SELECT id, legal_first_name, legal_last_name, preferred_name FROM clients")
    )
    batch = []
    for client_id, first, last, preferred in clients:
        batch.extend(
            {"client_id": client_id, "word": word}
            for word in sorted(name_words(first, last, preferred))
        )
        if len(batch) >= 5000:
            op.bulk_insert(words, batch)
            batch = []
    if batch:
        op.bulk_insert(words, batch)


def downgrade():
    op.drop_index("ix_client_name_words_word", table_name="client_name_words")
    op.drop_table("client_name_words")
