"""Searching by name or record number and filtering by level use indexes, not a scan of every
client (SQLite plans; the census, the caseload report and visibility on both databases are in
tests/reports/test_query_plans.py)."""

import pytest
import sqlalchemy as sa

from clinic.clients import queries
from clinic.clients.levels import Level
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


def test_the_level_filter_starts_from_the_open_episodes_at_that_level(clients):
    clients.admit(clients.make(), level=Level.RES)
    keys = queries.client_keys().where(queries.OpenEpisode.current_level == Level.RES)
    text = plan(keys.order_by(*queries.SORTS["name"]).limit(25))
    assert "SEARCH open_episode USING INDEX ix_episodes_open_level (current_level=?)" in text
    assert "SCAN clients" not in text


def test_a_name_word_search_uses_the_word_index(clients):
    clients.make("Zoë", "O'Connor-Nguyễn")
    query = queries.client_rows().where(queries.name_word_prefix("nguyen"))
    text = plan(query)
    assert "USING COVERING INDEX ix_client_name_words_word (word>? AND word<?)" in text
    assert "SCAN clients" not in text
    assert "SCAN client_name_words" not in text


@pytest.mark.parametrize("sort", sorted(queries.SORTS))
def test_the_list_page_of_a_word_search_reads_the_word_index(clients, users, sort):
    """The page's keys and its count, as the list runs them, for a user who sees every client
    and one who does not (the access clause joins episodes and teams)."""
    from clinic.clients import services

    clients.make("Zoë", "O'Connor-Nguyễn")
    for user in (users.make(roles=("supervisor",)), users.make(roles=("counselor",))):
        visible = services.visible_clause(user)
        conditions = [queries.name_word_prefix("connor"), queries.name_word_prefix("zo")]
        keys = queries.client_keys().where(visible, *conditions)
        for query in (
            keys.order_by(*queries.SORTS[sort]).limit(25),
            queries.capped_count(sa.select(Client.id).where(visible, *conditions), 1000),
        ):
            text = plan(query)
            assert "USING COVERING INDEX ix_client_name_words_word (word>? AND word<?)" in text
            assert "SCAN clients" not in text
            assert "SCAN client_name_words" not in text
