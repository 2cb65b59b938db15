"""The demo clinic's beds and one move waiting for the supervisor.

Withdrawal management has 8 beds and residential treatment 30. One of the demo counselor's
residential clients was reassessed yesterday and recommended for partial hospitalization; the
counselor has asked for the step-down, which waits on the supervisor's home page.
"""

from datetime import timedelta

import sqlalchemy as sa

from clinic.assessments.models import Assessment
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.auth.models import User
from clinic.care.models import BedCapacity, TransitionRequest
from clinic.clients.levels import Level
from clinic.clients.models import Episode
from clinic.clients.stays import LevelOfCareStay
from clinic.core.clock import utcnow
from clinic.extensions import db

BEDS = {Level.WM: 8, Level.RES: 30}
RATINGS = {1: 0, 2: 1, 3: 2, 4: 1, 5: 2, 6: 1}  # dimensions 3 and 5 at 2: IOP


def load_demo_moves(counselor: User, supervisor: User) -> None:
    for level, beds in BEDS.items():
        db.session.add(BedCapacity(level=level, beds=beds, updated_by_id=supervisor.id))
    episode = db.session.scalar(
        sa.select(Episode)
        .where(
            Episode.primary_counselor_id == counselor.id,
            Episode.discharged_on.is_(None),
            Episode.current_level == Level.RES,
        )
        .order_by(Episode.level_since)
        .limit(1)
    )
    if episode is None:
        return
    signed_at = utcnow() - timedelta(days=1)
    reassessment = Assessment(
        client_id=episode.client_id,
        episode_id=episode.id,
        kind=AssessmentKind.REASSESSMENT,
        created_by_id=counselor.id,
        created_at=signed_at - timedelta(hours=1),
        updated_at=signed_at,
        **{f"d{number}_rating": rating for number, rating in RATINGS.items()},
        **{
            f"d{number}_rationale": "Reviewed with the client at the weekly check-in."
            for number in RATINGS
        },
        substance_history="No use since admission; cravings down to twice a week.",
        recommended_level=Level.IOP,
        recommendation_drivers=[3, 5],
        chosen_level=Level.PHP,
        override_reason="clinical_judgment",
        override_note="Step down through day treatment first: housing not settled.",
    )
    db.session.add(reassessment)
    db.session.flush()
    reassessment.status = AssessmentStatus.SIGNED
    reassessment.signed_at, reassessment.signed_by_id = signed_at, counselor.id
    stay = db.session.scalar(
        sa.select(LevelOfCareStay).where(
            LevelOfCareStay.episode_id == episode.id, LevelOfCareStay.ended_at.is_(None)
        )
    )
    db.session.add(
        TransitionRequest(
            client_id=episode.client_id,
            episode_id=episode.id,
            from_stay_id=stay.id,
            from_level=Level.RES,
            to_level=Level.PHP,
            justification="Stable for weeks, engaged in groups; ready for day treatment.",
            assessment_id=reassessment.id,
            override_reason="The reassessment points to IOP; day treatment first while "
            "housing is settled.",
            requested_by_id=counselor.id,
            requested_at=signed_at + timedelta(hours=2),
        )
    )
    db.session.flush()
