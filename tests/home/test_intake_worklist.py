"""The intake coordinator's worklist on the home page: the admissions of their intake window
that wait for a primary counselor, and the intake paperwork still to finish (the screening they
may give, the intake assessment to draft)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.clients.levels import Level
from clinic.core.clock import clinic_today, utcnow
from clinic.core.due import due_items
from clinic.extensions import db

INTAKE_KINDS = {"awaiting_counselor", "intake_screening", "intake_draft"}


def worklist(client) -> str:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html[html.index('<h2 class="h5">Due</h2>') :]


def kinds(app, user) -> list[tuple[str, int | None]]:
    with app.test_request_context():
        return [(item.kind, item.client_id) for item in due_items(user, clinic_today(), utcnow())]


def give(episode, code: str, by) -> None:
    db.session.add(
        InstrumentResult(
            client_id=episode.client_id,
            episode_id=episode.id,
            code=code,
            answers={},
            total=0,
            band="minimal",
            flags=[],
            administered_at=utcnow(),
            administered_by_id=by.id,
        )
    )
    db.session.commit()


@pytest.fixture
def coordinator(users, login):
    user = users.make(roles=("intake",))
    login(user)
    return user


def test_todays_admission_waiting_for_a_counselor_and_its_paperwork(
    app, client, coordinator, clients, users, clock
):
    waiting = clients.make("Tess", "Arrow")
    episode = clients.admit(waiting, level=Level.WM)
    assigned = clients.make("Ben", "Ward")
    clients.admit(assigned, counselor=users.make())

    html = worklist(client)
    assert "Admitted today, awaiting a primary counselor</a>: Tess Arrow" in html
    assert "awaiting a primary counselor</a>: Ben Ward" not in html
    assert "Intake screening to give: PHQ-9, GAD-7, DAST-10, AUDIT-C</a>: Tess Arrow" in html
    assert "Draft the intake assessment</a>: Tess Arrow" in html
    assert "Draft the intake assessment</a>: Ben Ward" in html  # the paperwork is theirs too
    assert f'href="/clients/{waiting.id}/assessments/"' in html

    # What is given leaves the list; a draft is to finish; a signed assessment ends it all.
    give(episode, "PHQ9", coordinator)
    give(episode, "AUDITC", coordinator)
    draft = Assessment(
        client_id=waiting.id,
        episode_id=episode.id,
        kind=AssessmentKind.INTAKE,
        created_by_id=coordinator.id,
    )
    db.session.add(draft)
    db.session.commit()
    html = worklist(client)
    assert "Intake screening to give: GAD-7, DAST-10</a>: Tess Arrow" in html
    assert "Finish the intake assessment draft</a>: Tess Arrow" in html
    assert f'href="/clients/{waiting.id}/assessments/{draft.id}"' in html

    signer_id = users.make().id
    draft.signed_by_id, draft.signed_at = signer_id, utcnow()
    draft.status = AssessmentStatus.SIGNED
    db.session.commit()
    # The consent paperwork of the admission stays theirs too (consents/due.py).
    assert {kind for kind, who in kinds(app, coordinator) if who == waiting.id} == {
        "awaiting_counselor",
        "consent_needed",
        "privacy_notice",
    }


def test_admissions_past_the_intake_window_are_not_on_it(app, coordinator, clients, clock):
    earlier = clients.make()
    clients.admit(earlier, admitted_on=clinic_today() - timedelta(days=4))
    yesterday = clients.make("Yael", "Day")
    clients.admit(yesterday, admitted_on=clinic_today() - timedelta(days=1))
    listed = kinds(app, coordinator)
    assert all(who != earlier.id for _kind, who in listed)
    assert ("awaiting_counselor", yesterday.id) in listed


def test_without_intake_instruments_only_the_assessment_is_left(
    app, coordinator, clients, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "INTAKE_INSTRUMENTS", ())
    clients.admit(clients.make())
    assert {kind for kind, _who in kinds(app, coordinator)} == {
        "awaiting_counselor",
        "intake_draft",
        "consent_needed",
        "privacy_notice",
    }


@pytest.mark.parametrize("role", ["counselor", "medical", "supervisor", "admin"])
def test_the_worklist_is_the_intake_coordinators_alone(app, users, clients, clock, role):
    user = users.make(roles=(role,))
    clients.admit(clients.make(), counselor=user if role == "counselor" else None)
    assert not {kind for kind, _who in kinds(app, user)} & INTAKE_KINDS


def test_restricted_records_stay_off_the_worklist(app, coordinator, clients, clock):
    clients.admit(clients.make(restricted=True))
    assert kinds(app, coordinator) == []


def test_the_worklist_costs_a_fixed_number_of_queries(
    client, coordinator, clients, users, clock, count_queries
):
    def admit(count):
        for number in range(count):
            episode = clients.admit(clients.make())
            if number % 2:
                give(episode, "PHQ9", coordinator)

    admit(2)
    client.get("/")
    with count_queries() as few:
        small = worklist(client)
    admit(20)
    with count_queries() as many:
        large = worklist(client)
    assert small.count("awaiting a primary counselor") == 2
    assert large.count("awaiting a primary counselor") == 5  # DUE_PREVIEW of them, and a count
    assert 'title="22 in all"' in large
    listed = client.get("/worklist/awaiting_counselor").get_data(as_text=True)
    assert listed.count("awaiting a primary counselor") == 22
    assert many.count == few.count
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InstrumentResult)) == 11
