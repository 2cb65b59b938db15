"""The census, the caseload report and the client list read indexed, bounded sets: their query
plans, on SQLite (EXPLAIN QUERY PLAN) and on PostgreSQL (EXPLAIN), name the index each reads and
no scan of the whole table. On PostgreSQL sequential scans are priced out (enable_seqscan off),
so that a plan still scanning the table shows a query no index can answer, whatever the
statistics of a small test database."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

from clinic.auth.models import User
from clinic.care import census
from clinic.clients import access, queries
from clinic.clients.census_counts import open_by_level
from clinic.clients.levels import Level
from clinic.clients.models import Client, EmergencyAccess, Episode
from clinic.clients.vocabulary import TeamRole
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db
from clinic.seed.scale import load_scale


class Explain(Executable, ClauseElement):
    """EXPLAIN of a statement, with its parameters bound as the application binds them."""

    inherit_cache = False

    def __init__(self, statement):
        self.statement = statement


@compiles(Explain, "sqlite")
def _explain_sqlite(element, compiler, **kw):
    return "EXPLAIN QUERY PLAN " + compiler.process(element.statement, **kw)


@compiles(Explain, "postgresql")
def _explain_postgresql(element, compiler, **kw):
    return "EXPLAIN (COSTS OFF) " + compiler.process(element.statement, **kw)


def plan(query) -> str:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    return "\n".join(str(row[-1]) for row in db.session.execute(Explain(query)))


def reads(text: str, index: str) -> bool:
    """The plan reads `index` (SQLite: USING [COVERING] INDEX; PostgreSQL: an index scan)."""
    return f"INDEX {index}" in text or f"using {index}" in text


def scans(text: str, table: str) -> bool:
    """The plan reads every row of `table` (SQLite: SCAN without an index; PostgreSQL: a
    sequential scan)."""
    lines = text.splitlines()
    whole = [line for line in lines if f"SCAN {table}" in line and "INDEX" not in line]
    return bool(whole) or any(f"Seq Scan on {table}" in line for line in lines)


CLINIC_SIZE = 2000


@pytest.fixture
def clinic(app):
    """A synthetic clinic of 2,000 clients (about 50 counselors, 10% discharged) with emergency
    access grants and fresh statistics, so that PostgreSQL plans as it would for a real one;
    returns three of its counselors."""
    load_scale(CLINIC_SIZE)
    counselors = list(
        db.session.scalars(sa.select(User).where(User.email.like("counselor%")).order_by(User.id))
    )
    client_ids = list(db.session.scalars(sa.select(Client.id).order_by(Client.id).limit(200)))
    now = utcnow()
    db.session.execute(
        sa.insert(EmergencyAccess),
        [
            {
                "user_id": counselors[number % len(counselors)].id,
                "client_id": client_id,
                "reason": "Synthetic",
                "granted_at": now - timedelta(days=number),
                "expires_at": now - timedelta(days=number) + timedelta(hours=1),
            }
            for number, client_id in enumerate(client_ids)
        ],
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    return counselors[:3]


# --- The census -------------------------------------------------------------------------------


def test_the_census_counts_levels_from_the_counts_the_database_keeps(clinic):
    """Six rows kept by triggers on episodes, equal to counting the open episodes."""
    counted = dict(
        db.session.execute(
            sa.select(Episode.current_level, sa.func.count())
            .where(Episode.discharged_on.is_(None), Episode.current_level.is_not(None))
            .group_by(Episode.current_level)
        ).all()
    )
    kept = open_by_level(utcnow())
    assert {level: count for level, (count, _days) in kept.items() if count} == counted
    assert sum(counted.values()) > 1000


def test_the_census_flows_are_range_counts_on_the_date_indexes(clinic):
    text = plan(census.census_flows(clinic_today()))
    assert reads(text, "ix_episodes_admitted_on"), text
    assert reads(text, "ix_episodes_discharged_on"), text
    assert not scans(text, "episodes"), text


def test_the_census_figures_are_those_of_the_episodes(client, login_as, users, clients):
    today = clinic_today()
    for level in (Level.RES, Level.RES, Level.WM):
        clients.admit(clients.make(), level=level)
    clients.discharge(clients.admit(clients.make(), level=Level.OP), on=today)
    figures = census.census(today)
    by_level = {row.level: row.clients for row in figures.rows}
    assert by_level[Level.RES] == 2
    assert by_level[Level.WM] == 1
    assert by_level[Level.OP] == 0
    assert figures.total == 3
    assert (figures.admitted_today, figures.admitted_this_week) == (4, 4)
    assert (figures.discharged_today, figures.discharged_this_week) == (1, 1)


# --- The caseload report ----------------------------------------------------------------------


def test_the_caseload_totals_without_a_counselor_read_the_caseload_index(clinic):
    text = plan(queries.unassigned_by_level_query())
    assert reads(text, "ix_episodes_open_caseload"), text
    assert not scans(text, "episodes"), text


def test_a_page_of_counselors_probes_the_caseload_index(clinic):
    text = plan(queries.counselors_with_caseloads().limit(25))
    assert reads(text, "ix_episodes_open_caseload"), text
    assert not scans(text, "episodes"), text
    ids = [counselor.id for counselor in clinic]
    text = plan(
        sa.select(queries.Episode.primary_counselor_id).where(
            queries.OPEN_WITH_LEVEL, queries.Episode.primary_counselor_id.in_(ids)
        )
    )
    assert reads(text, "ix_episodes_open_caseload"), text
    assert not scans(text, "episodes"), text


def test_the_caseload_export_reads_the_caseload_index_and_no_history(clinic):
    text = plan(queries.caseload_counts())
    # Either index of the open episodes holds the counselor and the level.
    assert reads(text, "ix_episodes_open_caseload") or reads(text, "ix_episodes_open_by_level")
    assert not scans(text, "episodes"), text
    assert "level_of_care_stays" not in text
    assert "care_team_members" not in text


# --- The client list --------------------------------------------------------------------------


def list_queries(user) -> list:
    """The list's page of keys and its capped count, as the view runs them."""
    visible = access.visible_clients(user, clinic_today(), utcnow())
    keys = queries.client_keys().where(visible).order_by(*queries.SORTS["name"]).limit(25)
    return [keys, queries.capped_count(sa.select(Client.id).where(visible), 1000)]


@pytest.mark.parametrize("role", ["counselor", "medical"])
def test_a_care_team_list_starts_from_the_users_teams(clinic, users, clients, role):
    member = users.make(roles=(role,))
    team_role = TeamRole.MEDICAL if role == "medical" else TeamRole.THERAPIST
    clients.admit(clients.make(), team=[(member, team_role)])
    for query in list_queries(member):
        text = plan(query)
        # Either index of the teams by user (SQLite picks the older one on a small clinic).
        assert reads(text, "ix_care_team_members_active_user") or reads(
            text, "ix_care_team_members_user_id"
        ), text
        assert reads(text, "ix_emergency_accesses_user_id"), text
        assert not scans(text, "care_team_members"), text
        assert not scans(text, "emergency_accesses"), text
        if role == "counselor":
            assert not scans(text, "clients"), text
        else:  # and every client in withdrawal management, asked per client as the list walks
            assert reads(text, "ix_episodes_open_level"), text
            assert not scans(text, "wm_episode"), text


def test_the_intake_list_asks_each_client_of_the_open_episode_indexes(clinic, users):
    """ "No open episode entered before the intake window" is an anti-join the database may run
    from either side (SQLite: a correlated probe per client), never NOT IN over a list of every
    open episode built first."""
    intake = users.make(roles=("intake",))
    keys, count = list_queries(intake)
    for query in (keys, count):
        text = plan(query)
        assert "LIST SUBQUERY" not in text, text
        assert "hashed SubPlan" not in text, text
        assert "CORRELATED SCALAR SUBQUERY" in text or "Anti Join" in text, text
        assert not scans(text, "intake_episode"), text
    text = plan(keys)  # the page: clients in name order, each asked of an index
    assert reads(text, "ix_clients_search_name"), text
    assert reads(text, "uq_episodes_one_open_per_client") or reads(text, "ix_episodes_client_id")
