"""Due items from assessment on home pages: COWS in withdrawal management, the intake
assessment 24 hours after admission, and that they cost a fixed number of queries."""

from datetime import timedelta

import pytest

from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.clients.levels import Level
from clinic.clients.vocabulary import TeamRole
from clinic.core.clock import utcnow
from clinic.extensions import db


def give_cows(episode, by, when, total=8):
    db.session.add(
        InstrumentResult(
            client_id=episode.client_id,
            episode_id=episode.id,
            code="COWS",
            answers={},
            total=total,
            band="mild",
            flags=[],
            administered_at=when,
            administered_by_id=by.id,
        )
    )
    db.session.commit()


def due_titles(client) -> str:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html[html.index('<h2 class="h5">Due</h2>') :]


@pytest.fixture
def nurse(client, login, users):
    user = users.make(roles=("medical",))
    login(user)
    return user


def test_a_client_entering_withdrawal_management_needs_a_first_cows(client, nurse, clients, clock):
    patient = clients.make("Wanda", "Withers")
    clients.admit(patient, level=Level.WM)
    assert "First COWS due" in due_titles(client)


def test_cows_is_due_again_8_hours_after_the_last(client, nurse, clients, clock):
    patient = clients.make("Wanda", "Withers")
    episode = clients.admit(patient, level=Level.WM, level_since=utcnow() - timedelta(days=1))
    give_cows(episode, nurse, utcnow() - timedelta(hours=7, minutes=59))
    assert "COWS due" not in due_titles(client)
    clock.advance(minutes=2)
    titles = due_titles(client)
    assert "COWS due" in titles
    assert "Wanda Withers" in titles


def test_the_cows_interval_is_configuration(client, nurse, clients, clock, app):
    patient = clients.make()
    episode = clients.admit(patient, level=Level.WM, level_since=utcnow() - timedelta(days=1))
    give_cows(episode, nurse, utcnow() - timedelta(hours=5))
    app.config["COWS_INTERVAL"] = timedelta(hours=4)
    try:
        assert "COWS due" in due_titles(client)
    finally:
        app.config["COWS_INTERVAL"] = timedelta(hours=8)


def test_no_cows_due_outside_withdrawal_management_or_for_counselors(
    client, login, users, clients, clock
):
    counselor = users.make()
    clients.admit(clients.make(), level=Level.WM, counselor=counselor)
    clients.admit(clients.make(), level=Level.RES, team=())
    login(counselor)
    assert "COWS" not in due_titles(client)


def test_the_intake_assessment_is_due_then_overdue_for_its_counselor(
    client, login, users, clients, clock
):
    counselor = users.make()
    supervisor = users.make(roles=("supervisor",))
    patient = clients.make("Ira", "Intake")
    clients.admit(patient, counselor=counselor)
    login(counselor)
    assert "Intake assessment due" in due_titles(client)
    client.post("/logout")
    login(supervisor)
    assert "Ira Intake" not in due_titles(client)  # not late yet: not the supervisor's concern

    client.post("/logout")
    clock.advance(hours=24)
    login(counselor)
    assert "Intake assessment not signed" in due_titles(client)
    client.post("/logout")
    login(supervisor)
    assert "Intake assessment not signed" in due_titles(client)


def test_a_signed_intake_assessment_ends_the_item(client, login, users, clients, clock):
    counselor = users.make()
    patient = clients.make()
    episode = clients.admit(patient, counselor=counselor)
    db.session.add(
        Assessment(
            client_id=patient.id,
            episode_id=episode.id,
            kind=AssessmentKind.INTAKE,
            created_by_id=counselor.id,
            status=AssessmentStatus.SIGNED,
            signed_at=utcnow(),
            signed_by_id=counselor.id,
        )
    )
    db.session.commit()
    login(counselor)
    assert "Intake assessment" not in due_titles(client)


def test_home_queries_do_not_grow_with_assessment_due_items(
    client, login, users, clients, clock, count_queries
):
    supervisor = users.make(roles=("supervisor", "medical", "counselor"))
    login(supervisor)

    def admit(count):
        for _ in range(count):
            clients.admit(
                clients.make(),
                level=Level.WM,
                counselor=supervisor,
                level_since=utcnow() - timedelta(days=2),
            )

    admit(2)
    client.get("/")
    with count_queries() as few:
        client.get("/")
    admit(20)
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count


def test_medical_staff_see_withdrawal_scores_due_as_they_see_the_chart(
    client, nurse, users, clients, clock
):
    """Every unrestricted client in withdrawal management; a restricted one only from the
    nurse's own care team (the rule of clients/access.py, asked per episode at hand)."""
    clients.admit(clients.make("Open", "Anyone"), level=Level.WM)
    clients.admit(clients.make("Hidden", "Restricted", restricted=True), level=Level.WM)
    clients.admit(
        clients.make("Team", "Restricted", restricted=True),
        level=Level.WM,
        team=((nurse, TeamRole.MEDICAL),),
    )
    titles = due_titles(client)
    assert "Open Anyone" in titles
    assert "Team Restricted" in titles
    assert "Hidden Restricted" not in titles
