"""A client in residential care with a recent signed reassessment, and the staff around them."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from clinic.assessments.models import Assessment
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.auth.models import User
from clinic.clients.levels import Level
from clinic.clients.models import Client, Episode
from clinic.clients.vocabulary import TeamRole
from clinic.core.clock import utcnow
from clinic.extensions import db


@dataclass
class Ward:
    counselor: User
    medical: User
    supervisor: User
    second_supervisor: User
    client: Client
    episode: Episode
    assessment: Assessment


def signed_assessment(
    episode: Episode,
    by: User,
    recommended: Level,
    age=timedelta(days=1),
    kind=AssessmentKind.REASSESSMENT,
):
    assessment = Assessment(
        client_id=episode.client_id,
        episode_id=episode.id,
        kind=kind,
        created_by_id=by.id,
        **{f"d{number}_rating": 1 for number in range(1, 7)},
        **{f"d{number}_rationale": "seen" for number in range(1, 7)},
        recommended_level=recommended,
        chosen_level=recommended,
    )
    db.session.add(assessment)
    db.session.flush()
    assessment.status = AssessmentStatus.SIGNED
    assessment.signed_at = utcnow() - age
    assessment.signed_by_id = by.id
    db.session.commit()
    return assessment


@pytest.fixture
def ward(users, clients, clock) -> Ward:
    counselor = users.make(full_name="Casey Counselor")
    medical = users.make(roles=("medical",))
    supervisor = users.make(roles=("supervisor",))
    second = users.make(roles=("supervisor",))
    client = clients.make("Ray", "Resident")
    episode = clients.admit(
        client,
        level=Level.RES,
        counselor=counselor,
        team=[(medical, TeamRole.MEDICAL)],
        level_since=utcnow() - timedelta(days=20),
    )
    assessment = signed_assessment(episode, counselor, Level.PHP)
    return Ward(counselor, medical, supervisor, second, client, episode, assessment)
