"""A client in residential care with a recent signed reassessment, and the staff around them."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from clinic.assessments.models import Assessment
from clinic.auth.models import User
from clinic.clients.levels import Level
from clinic.clients.models import Client, Episode
from clinic.clients.vocabulary import TeamRole
from clinic.core.clock import utcnow
from tests.factories import signed_assessment


@dataclass
class Ward:
    counselor: User
    medical: User
    supervisor: User
    second_supervisor: User
    client: Client
    episode: Episode
    assessment: Assessment


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
