"""Due work reads indexes that hold only what is waiting (SQLite's and PostgreSQL's plans), so a
count or a first page never scans the open episodes, the plans or the results of the clinic."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.clients.levels import Level
from clinic.clients.models import Client
from clinic.core import due
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db


def plan(statement) -> str:
    dialect = db.engine.dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    if dialect.name == "sqlite":
        rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    # Few rows in a test database: make the planner show whether an index *can* answer.
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    rows = db.session.execute(sa.text(f"EXPLAIN {compiled}")).all()
    return "\n".join(row[0] for row in rows)


@pytest.mark.parametrize(
    ("kind", "index"),
    [
        ("intake_assessment", "ix_episodes_open_intake_unsigned"),
        ("first_plan", "ix_episodes_open_no_plan"),
        ("plan_review", "ix_treatment_plans_active_review"),
        ("safety", "ix_instrument_results_unacknowledged"),
        ("emergency_review", "ix_emergency_accesses_unreviewed"),
    ],
)
def test_a_supervisors_due_kind_reads_its_partial_index(app, users, clients, clock, kind, index):
    supervisor = users.make(roles=("supervisor",))
    for _ in range(3):
        clients.admit(clients.make(), admitted_on=clinic_today() - timedelta(days=5))
    with app.test_request_context():
        query = due.kinds()[kind].query(supervisor, clinic_today(), utcnow())
        first, count = due.first_statement(query, limit=5), due.count_statement(query)
        if db.engine.dialect.name == "sqlite":
            for text in (plan(first), plan(count)):
                assert index in text, text
                assert "SCAN episodes\n" not in f"{text}\n"
        else:
            # With a test database's few rows PostgreSQL may pick another index over the same
            # rows (any partial index of open episodes, or of active plans): what must hold is
            # that an index answers, never a scan of the table.
            text = plan(first) + plan(count)
            assert "Index" in text, text
            assert "Seq Scan" not in text, text
        db.session.rollback()


@pytest.mark.parametrize("kind", ["cows", "ciwa"])
def test_withdrawal_scores_due_come_in_the_order_of_their_index(app, users, clients, kind):
    """The most urgent few are the index's first rows: never scored, then the longest since
    (no sort of every episode in withdrawal management)."""
    medical = users.make(roles=("medical",))
    for _ in range(3):
        clients.admit(clients.make(), level=Level.WM)
    with app.test_request_context():
        query = due.kinds()[kind].query(medical, clinic_today(), utcnow())
        first = due.first_statement(query, limit=5)
        index = f"ix_episodes_open_{kind}_due"
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("SET LOCAL enable_sort = off"))
        text = plan(first)
        assert index in text, text
        assert "TEMP B-TREE" not in text, text
        assert "Sort" not in text, text
        db.session.rollback()


def test_a_unions_first_rows_are_taken_from_each_parts_first_rows(app, clients, clock):
    """A kind that is a union (supervisors' plan reviews) is ordered and limited part by part,
    then as a whole: the page is the one a sort of every row would give."""
    made = []
    for _ in range(9):
        made.append(clients.make())
        clock.advance(minutes=1)

    def part(odd: bool):
        return sa.select(
            Client.id.label("client_id"),
            Client.created_at.label("due_at"),
            Client.id.label("row_id"),
        ).where((Client.id % 2 == 1) if odd else (Client.id % 2 == 0))

    with app.test_request_context():
        union = sa.union_all(part(True), part(False))
        by_time = [client.id for client in sorted(made, key=lambda c: (c.created_at, c.id))]
        for offset in (0, 2, 7):
            page = due.first_statement(union, limit=3, offset=offset)
            assert [row.row_id for row in db.session.execute(page)] == by_time[offset:][:3]


@pytest.mark.parametrize("kind", ["consent_needed", "privacy_notice"])
def test_an_intake_coordinators_paperwork_reads_the_window_not_every_admission(
    app, users, clients, clock, kind
):
    """The admissions of the intake window come from the index of open episodes by entry
    (`ix_episodes_open_created`), never from a walk of every admission."""
    intake = users.make(roles=("intake",))
    for _ in range(3):
        clients.admit(clients.make())
    with app.test_request_context():
        query = due.kinds()[kind].query(intake, clinic_today(), utcnow())
        text = plan(due.first_statement(query, limit=5)) + plan(due.count_statement(query))
        if db.engine.dialect.name == "sqlite":
            assert "ix_episodes_open_created" in text, text
            assert "ix_episodes_admitted_on" not in text, text
        else:
            assert "Seq Scan on episodes" not in text, text
        db.session.rollback()
