"""A record of another client reached through one's own client's URL answers 404, and the denial
is audited like any other (clients/chart.py `load_owned`), whatever the domain."""

import pytest
import sqlalchemy as sa

from clinic.assessments.models import InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind
from clinic.clients.levels import Level
from clinic.core.audit import AuditEvent
from clinic.core.clock import utcnow
from clinic.extensions import db
from clinic.plans import services as plans
from tests.factories import pending_move, signed_assessment


@pytest.fixture
def two_clients(users, clients, clock):
    counselor = users.make(roles=("counselor",))
    supervisor = users.make(roles=("supervisor",))
    records = {}
    for name in ("mine", "theirs"):
        client = clients.make(name.title(), "Client")
        episode = clients.admit(client, level=Level.RES, counselor=counselor)
        assessment = signed_assessment(
            episode, counselor, Level.RES, kind=AssessmentKind.INTAKE, ratings={5: 3}
        )
        result = InstrumentResult(
            client_id=client.id,
            episode_id=episode.id,
            code="GAD7",
            answers={str(item): 0 for item in range(1, 8)},
            total=0,
            band="minimal",
            flags=[],
            administered_at=utcnow(),
            administered_by_id=counselor.id,
        )
        db.session.add(result)
        plan = plans.start(episode, counselor)
        db.session.commit()
        move = pending_move(
            episode,
            Level.PHP,
            by=counselor,
            assessment=assessment,
            override_reason="Payer authorized partial hospitalization.",
        )
        records[name] = {
            "client": client.id,
            "assessment": assessment.id,
            "result": result.id,
            "plan": plan.id,
            "problem": plans.load_tree(plan.id).problems[0].id,
            "move": move.id,
        }
    return supervisor, records


URLS = [
    "/clients/{mine}/assessments/{assessment}",
    "/clients/{mine}/assessments/instruments/{result}",
    "/clients/{mine}/plans/{plan}",
    "/clients/{mine}/plans/{plan}/print",
    "/clients/{mine}/plans/{my_plan}/problems/{problem}",
]


@pytest.mark.parametrize("template", URLS)
def test_another_clients_record_through_my_clients_url_is_404_and_audited(
    client, login, two_clients, template
):
    supervisor, records = two_clients
    theirs = records["theirs"]
    url = template.format(mine=records["mine"]["client"], my_plan=records["mine"]["plan"], **theirs)
    login(supervisor)
    assert client.get(url).status_code == 404
    denials = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "access.denied")
    ).all()
    assert [event.detail["path"] for event in denials] == [url]
    assert denials[0].user_id == supervisor.id


def test_another_clients_move_cannot_be_decided_through_my_clients_url(client, login, two_clients):
    supervisor, records = two_clients
    url = f"/clients/{records['mine']['client']}/care/moves/{records['theirs']['move']}/decline"
    login(supervisor)
    assert client.post(url, data={"note": "Not ready."}).status_code == 404
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "access.denied"))
        == 1
    )
