"""The demo clinic's treatment plans, built from its signed intake assessments.

Every open episode with a signed intake assessment has a plan with the counselor's and the
client's words filled in, signed, acknowledged and co-signed; the two newest are left for the
staff: one draft still being written, one signed and waiting for its co-signature.
"""

import random
from datetime import timedelta

import sqlalchemy as sa

from clinic.assessments.models import Assessment
from clinic.assessments.vocabulary import AssessmentStatus
from clinic.auth.models import User
from clinic.clients.models import Episode
from clinic.core.clock import utcnow
from clinic.extensions import db
from clinic.plans import services
from clinic.plans.vocabulary import AcknowledgedHow, PlanStatus

CLIENT_WORDS = (
    "I want to be there for my kids.",
    "I'm tired of waking up sick every morning.",
    "I want my mom to trust me again.",
    "I want to keep my job and my apartment.",
    "I don't want to die like my brother did.",
    "I want to feel like myself again.",
)
STRENGTHS = (
    "Honest about use; close to a sister; worked as a welder for ten years.",
    "Good sense of humour; finished high school; wants to coach little league again.",
    "Shows up on time; strong faith community; a dog at home.",
)
PREFERENCES = (
    "Morning groups; a female counselor; would like to try a women's meeting.",
    "Evening appointments after work; no group sharing on the first week.",
    "Wants family involved; prefers Spanish for family sessions.",
)
CRITERIA = (
    "Safe housing confirmed, relapse prevention plan written, outpatient appointment booked.",
    "30 days without use, sponsor named, stable on medication.",
)


def load_demo_plans(supervisor: User) -> None:
    """Plans for the episodes that have a signed intake assessment; the caller commits."""
    rng = random.Random(2028)  # noqa: S311 (reproducible demo data, not secrets)
    now = utcnow()
    rows = db.session.execute(
        sa.select(Episode, Assessment)
        .join(Assessment, Assessment.episode_id == Episode.id)
        .where(Assessment.status == AssessmentStatus.SIGNED, Episode.discharged_on.is_(None))
        .order_by(Episode.created_at.desc())
    ).all()
    left_as_draft = left_for_cosigning = False
    for episode, assessment in rows:
        author = db.session.get(User, episode.primary_counselor_id)
        if author is None:
            continue
        plan = services.start(episode, author)
        db.session.flush()
        plan = services.load_tree(plan.id)
        plan.created_at = assessment.signed_at + timedelta(hours=2)
        if not left_as_draft:
            left_as_draft = True  # the newest: still being written
            continue
        _write(rng, plan)
        signed_at = min(now, assessment.signed_at + timedelta(days=1))
        plan.author_signed_by_id, plan.author_signed_at = author.id, signed_at
        plan.stock_texts = 0
        plan.acknowledged_on = signed_at.date()
        plan.acknowledged_how = rng.choice(
            [AcknowledgedHow.IN_PERSON, AcknowledgedHow.IN_PERSON, AcknowledgedHow.VIDEO]
        )
        plan.acknowledgement_recorded_by_id = author.id
        if not left_for_cosigning:
            left_for_cosigning = True  # the supervisor's next job
            continue
        # In force since a day after signing, or (standing in for the reviews of a longer
        # stay) since a recent day within the level's review interval: a few come due.
        interval = services.review_interval(episode.current_level)
        recent = now - timedelta(days=rng.randint(0, interval), hours=rng.randint(1, 8))
        plan.cosigned_by_id = supervisor.id
        plan.cosigned_at = min(now, max(signed_at + timedelta(hours=20), recent))
        plan.status = PlanStatus.ACTIVE
    db.session.flush()


def _write(rng: random.Random, plan) -> None:
    """What the counselor writes with the client: their words, and the suggestions made theirs."""
    for problem in plan.problems:
        for goal in problem.goals:
            goal.client_words = rng.choice(CLIENT_WORDS)
            goal.text = goal.text.rstrip(".") + ", one day at a time."
            for objective in goal.objectives:
                objective.text = objective.text.rstrip(".") + " with the counselor's help."
    plan.strengths = rng.choice(STRENGTHS)
    plan.preferences = rng.choice(PREFERENCES)
    plan.discharge_criteria = rng.choice(CRITERIA)
