"""Migrations build the schema the models describe, on SQLite and PostgreSQL, and undo cleanly.

Run as a new user would: `flask --app wsgi db upgrade`, then `flask --app wsgi db check`.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import empty_database

ROOT = Path(__file__).resolve().parents[1]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]


@pytest.fixture
def fresh_database_url(tmp_path):
    with empty_database("migrations", tmp_path) as url:
        yield url


def flask_db(database_url: str, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "CLINIC_ENV": "development"}
    return subprocess.run(
        [*FLASK, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_upgrade_then_check_finds_no_drift(fresh_database_url):
    upgrade = flask_db(fresh_database_url, "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    check = flask_db(fresh_database_url, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected." in check.stdout + check.stderr


def test_every_migration_downgrades_and_upgrades_again(fresh_database_url):
    for step in (("upgrade",), ("downgrade", "base"), ("upgrade",), ("check",)):
        result = flask_db(fresh_database_url, *step)
        assert result.returncode == 0, f"{step}: {result.stderr}"
    engine = sa.create_engine(fresh_database_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"users", "user_roles", "audit_events", "login_failures"} <= tables


def test_episode_copies_are_filled_in_for_existing_episodes(fresh_database_url):
    """Migration 0003 computes the copies of the episodes that were there before it."""
    assert flask_db(fresh_database_url, "upgrade", "0002").returncode == 0
    rows = [
        "INSERT INTO users (id, email, full_name, password_hash, active, must_change_password,"
        " session_version, created_at, version) VALUES (1, 'c@example.org', 'C', 'x', TRUE,"
        " FALSE, 1, '2026-01-01 00:00:00', 1)",
        "INSERT INTO clients (id, mrn, legal_first_name, legal_last_name, date_of_birth,"
        " sex_at_birth, restricted, search_name, search_name_reversed, created_at, version)"
        " VALUES (1, '12345678', 'A', 'B', '1990-01-01', 'female', FALSE, 'b a', 'a b',"
        " '2026-01-01 00:00:00', 1)",
        "INSERT INTO episodes (id, client_id, admitted_on, referral_source, created_at, version)"
        " VALUES (1, 1, '2026-01-01', 'self', '2026-01-01 00:00:00', 1)",
        "INSERT INTO level_of_care_stays (episode_id, level, started_at, ended_at, reason) VALUES"
        " (1, 'WM', '2026-01-01 10:00:00', '2026-01-04 10:00:00', 'admission'),"
        " (1, 'RES', '2026-01-04 10:00:00', NULL, 'step_down')",
        "INSERT INTO care_team_members (episode_id, user_id, team_role, added_at) VALUES"
        " (1, 1, 'primary_counselor', '2026-01-01 10:00:00')",
    ]
    engine = sa.create_engine(fresh_database_url)
    try:
        with engine.begin() as connection:
            for statement in rows:
                connection.exec_driver_sql(statement)
        assert flask_db(fresh_database_url, "upgrade").returncode == 0
        with engine.connect() as connection:
            copies = connection.exec_driver_sql(
                "SELECT current_level, primary_counselor_id FROM episodes WHERE id = 1"
            ).one()
    finally:
        engine.dispose()
    assert tuple(copies) == ("RES", 1)


def test_the_name_words_of_existing_clients_are_filled_in(fresh_database_url):
    """Migration 20261201_2323 gives the clients already there their name words, as the
    application would (clinic.clients.models.name_words), so that searching by any word of a
    compound surname finds them too."""
    from clinic.clients.models import name_words

    assert flask_db(fresh_database_url, "upgrade", "0008").returncode == 0
    people = {
        1: ("Zoë", "O'Connor-Nguyễn", "Zee"),
        2: ("Ana María", "de la Cruz", None),
        3: ("J.", "St. John", None),
    }
    engine = sa.create_engine(fresh_database_url)
    try:
        with engine.begin() as connection:
            for client_id, (first, last, preferred) in people.items():
                connection.execute(
                    sa.text(
                        "INSERT INTO clients (id, mrn, legal_first_name, legal_last_name,"
                        " preferred_name, date_of_birth, sex_at_birth, restricted, search_name,"
                        " search_name_reversed, created_at, version) VALUES (:id, :mrn, :first,"
                        " :last, :preferred, '1990-01-01', 'female', FALSE, 'x', 'x',"
                        " '2026-01-01 00:00:00', 1)"
                    ),
                    {
                        "id": client_id,
                        "mrn": f"{client_id:09d}",
                        "first": first,
                        "last": last,
                        "preferred": preferred,
                    },
                )
        upgrade = flask_db(fresh_database_url, "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT client_id, word FROM client_name_words").all()
    finally:
        engine.dispose()
    found: dict[int, set[str]] = {}
    for client_id, word in rows:
        found.setdefault(client_id, set()).add(word)
    assert found == {client_id: name_words(*names) for client_id, names in people.items()}
    assert found[1] == {"zoe", "zee", "oconnor", "connor", "nguyen"}


# Every trigger the database must hold at head, per dialect, with the migration that made it.
# SQLite drops a table's triggers with the table, so a later batch rebuild of one of these tables
# (Alembic's way of altering a column on SQLite) would drop them silently: this list fails first.
# A migration that adds, renames or drops a trigger updates it, and the README's table.
TRIGGERS_AT_HEAD = {
    "sqlite": {
        ("audit_events", "audit_events_no_update"): "0001",
        ("audit_events", "audit_events_no_delete"): "0001",
        ("care_team_members", "care_team_members_refresh_episode_insert"): "0003",
        ("care_team_members", "care_team_members_refresh_episode_update"): "0003",
        ("care_team_members", "care_team_members_refresh_episode_delete"): "0003",
        ("level_of_care_stays", "level_of_care_stays_refresh_episode_insert"): "0003",
        ("level_of_care_stays", "level_of_care_stays_refresh_episode_update"): "0003",
        ("level_of_care_stays", "level_of_care_stays_refresh_episode_delete"): "0003",
        ("assessments", "assessments_signed_no_update"): "0004",
        ("assessments", "assessments_signed_no_delete"): "0004",
        ("assessment_instruments", "assessment_instruments_signed_no_insert"): "0004",
        ("assessment_instruments", "assessment_instruments_signed_no_update"): "0004",
        ("assessment_instruments", "assessment_instruments_signed_no_delete"): "0004",
        ("level_of_care_stays", "level_of_care_stays_insert_guard"): "0006",
        ("level_of_care_stays", "level_of_care_stays_close_previous"): "0006",
        ("level_of_care_stays", "level_of_care_stays_update_guard"): "0006",
        ("level_of_care_stays", "level_of_care_stays_no_delete"): "0006",
        ("episodes", "episodes_no_reopening"): "0006",
        ("assessments", "assessments_refresh_intake_signed_at_insert"): "20261202_0110",
        ("assessments", "assessments_refresh_intake_signed_at_update"): "20261202_0110",
        ("treatment_plans", "treatment_plans_refresh_plan_in_force_at_insert"): "20261202_0110",
        ("treatment_plans", "treatment_plans_refresh_plan_in_force_at_update"): "20261202_0110",
        ("instrument_results", "instrument_results_refresh_last_cows_at_insert"): "20261202_0110",
        ("instrument_results", "instrument_results_refresh_last_cows_at_update"): "20261202_0110",
        ("instrument_results", "instrument_results_refresh_last_ciwa_at_insert"): "20261202_0110",
        ("instrument_results", "instrument_results_refresh_last_ciwa_at_update"): "20261202_0110",
        ("episodes", "episodes_level_census_insert"): "20261202_0120",
        ("episodes", "episodes_level_census_update"): "20261202_0120",
        ("episodes", "episodes_level_census_delete"): "20261202_0120",
        ("consents", "consents_revocation_only"): "20261202_1400",
        ("consents", "consents_no_delete"): "20261202_1400",
        **{
            (table, f"{table}_{event}"): "20261202_1400"
            for table in ("disclosures", "release_packets", "emergency_disclosure_reviews")
            for event in ("no_update", "no_delete")
        },
    },
    "postgresql": {
        ("audit_events", "audit_events_append_only"): "0001",
        ("care_team_members", "care_team_members_refresh_episode"): "0003",
        ("level_of_care_stays", "level_of_care_stays_refresh_episode"): "0003",
        ("assessments", "assessments_signed_read_only"): "0004",
        ("assessment_instruments", "assessment_instruments_signed_read_only"): "0004",
        ("level_of_care_stays", "level_of_care_stays_guard"): "0006",
        ("level_of_care_stays", "level_of_care_stays_one_open"): "0006",
        ("episodes", "episodes_one_open_stay"): "0006",
        ("assessments", "assessments_refresh_intake_signed_at"): "20261202_0110",
        ("treatment_plans", "treatment_plans_refresh_plan_in_force_at"): "20261202_0110",
        ("instrument_results", "instrument_results_refresh_last_cows_at"): "20261202_0110",
        ("instrument_results", "instrument_results_refresh_last_ciwa_at"): "20261202_0110",
        ("episodes", "episodes_level_census"): "20261202_0120",
        ("consents", "consents_revocation_only"): "20261202_1400",
        **{
            (table, f"{table}_append_only"): "20261202_1400"
            for table in ("disclosures", "release_packets", "emergency_disclosure_reviews")
        },
    },
}
TRIGGERS_QUERY = {
    "sqlite": "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": "SELECT DISTINCT event_object_table, trigger_name"
    " FROM information_schema.triggers WHERE trigger_schema = current_schema()",
}


def test_the_emergency_contact_becomes_one_of_the_clients_contacts_and_comes_back(
    fresh_database_url,
):
    """Migration 20261202_1310 moves each client's emergency contact to client_contacts: the
    relationship as typed kept word for word and coded by its meaning, a phone without a name
    kept under "Emergency contact"; a client without one gets no contact. Downgrade puts the
    first one back on the client."""
    assert flask_db(fresh_database_url, "upgrade", "20261202_1300").returncode == 0
    given = {
        1: ("Linda Ortiz", "Mother", "(406) 555-0101"),
        2: ("Sam Lee", " Partner ", None),
        3: (None, None, "406 555 0199"),
        4: ("Pat Kim", "Neighbour", "(406) 555-0142"),
        5: (None, None, None),
    }
    engine = sa.create_engine(fresh_database_url)
    try:
        with engine.begin() as connection:
            for client_id, (name, words, phone) in given.items():
                connection.execute(
                    sa.text(
                        "INSERT INTO clients (id, mrn, legal_first_name, legal_last_name,"
                        " date_of_birth, sex_at_birth, restricted, search_name,"
                        " search_name_reversed, created_at, version, emergency_contact_name,"
                        " emergency_contact_relationship, emergency_contact_phone) VALUES (:id,"
                        " :mrn, 'A', 'B', '1990-01-01', 'female', FALSE, 'b a', 'a b',"
                        " '2026-01-01 00:00:00', 1, :name, :words, :phone)"
                    ),
                    {
                        "id": client_id,
                        "mrn": f"{client_id:09d}",
                        "name": name,
                        "words": words,
                        "phone": phone,
                    },
                )
        upgrade = flask_db(fresh_database_url, "upgrade", "20261202_1310")
        assert upgrade.returncode == 0, upgrade.stderr
        with engine.connect() as connection:
            moved = {
                row.client_id: (row.name, row.relationship, row.relationship_detail, row.phone)
                for row in connection.execute(
                    sa.text(
                        "SELECT client_id, name, relationship, relationship_detail, phone"
                        " FROM client_contacts WHERE emergency_contact AND active"
                    )
                )
            }
            columns = {column["name"] for column in sa.inspect(connection).get_columns("clients")}
        assert moved == {
            1: ("Linda Ortiz", "parent", "Mother", "(406) 555-0101"),
            2: ("Sam Lee", "spouse", "Partner", None),
            3: ("Emergency contact", "other", None, "406 555 0199"),
            4: ("Pat Kim", "other", "Neighbour", "(406) 555-0142"),
        }
        assert not columns & {"emergency_contact_name", "emergency_contact_phone"}
        downgrade = flask_db(fresh_database_url, "downgrade", "20261202_1300")
        assert downgrade.returncode == 0, downgrade.stderr
        with engine.connect() as connection:
            back = dict(
                connection.execute(
                    sa.text("SELECT id, emergency_contact_relationship FROM clients")
                ).all()
            )
        assert back == {1: "Mother", 2: "Partner", 3: "other", 4: "Neighbour", 5: None}
    finally:
        engine.dispose()


def test_the_database_holds_every_trigger_expected_at_head(fresh_database_url):
    upgrade = flask_db(fresh_database_url, "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(fresh_database_url)
    try:
        dialect = engine.dialect.name
        with engine.connect() as connection:
            found = {tuple(row) for row in connection.exec_driver_sql(TRIGGERS_QUERY[dialect])}
    finally:
        engine.dispose()
    assert found == set(TRIGGERS_AT_HEAD[dialect])


def test_postgresql_keeps_finer_statistics_for_the_search_words(fresh_database_url):
    """Migration 20261202_0520: the planner's guess of how many words start with what was typed
    decides whether the search reads the matches or walks every client."""
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL setting")
    upgrade = flask_db(fresh_database_url, "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            target = connection.exec_driver_sql(
                "SELECT attstattarget FROM pg_attribute"
                " WHERE attrelid = 'client_name_words'::regclass AND attname = 'word'"
            ).scalar()
    finally:
        engine.dispose()
    assert target == 1000


def test_the_history_has_exactly_one_head():
    """Domains written in parallel re-point their first revision at the other's head, never
    leave two heads for `alembic merge` (README, "Migrations")."""
    heads = flask_db("sqlite://", "heads")
    assert heads.returncode == 0, heads.stderr
    assert len([line for line in heads.stdout.splitlines() if "(head)" in line]) == 1
