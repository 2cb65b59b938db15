"""Searching by name or record number uses an index, not a scan of every client (SQLite plan)."""

import pytest
import sqlalchemy as sa

from clinic.clients import queries
from clinic.clients.models import Client
from clinic.extensions import db


def plan(query) -> str:
    compiled = query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.fixture(autouse=True)
def _sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite; PostgreSQL plans depend on statistics")


def test_a_name_search_uses_the_name_indexes(clients):
    clients.make("Ana", "Smith")
    query = queries.client_rows().where(
        sa.or_(
            queries.name_prefix(Client.search_name, "smith"),
            queries.name_prefix(Client.search_name_reversed, "smith"),
        )
    )
    text = plan(query)
    assert "ix_clients_search_name" in text
    assert "ix_clients_search_name_reversed" in text
    assert "SCAN clients" not in text


def test_a_record_number_search_uses_its_unique_index(clients):
    clients.make()
    text = plan(queries.client_rows().where(queries.name_prefix(Client.mrn, "0001")))
    # SQLite names the index behind a UNIQUE constraint sqlite_autoindex_clients_N.
    assert "SEARCH clients USING INDEX" in text
    assert "(mrn>? AND mrn<?)" in text
    assert "SCAN clients" not in text
