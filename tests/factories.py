"""Builders for test data, committed to the test database."""

import itertools
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.auth.models import Role, User
from clinic.care import moves
from clinic.care.models import TransitionRequest
from clinic.clients.levels import Level
from clinic.clients.models import CareTeamMember, Client, Episode, SubstanceUse
from clinic.clients.stays import LevelOfCareStay, StayEnd, StayReason
from clinic.clients.vocabulary import (
    DischargeType,
    ReferralSource,
    Route,
    SexAtBirth,
    Substance,
    TeamRole,
    UseFrequency,
)
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db
from clinic.plans import services as plans
from clinic.plans.models import TreatmentPlan

DEFAULT_PASSWORD = "a long enough test passphrase"

_sequence = itertools.count(1)


class UserFactory:
    def make(
        self,
        roles=("counselor",),
        *,
        email: str | None = None,
        full_name: str | None = None,
        password: str = DEFAULT_PASSWORD,
        active: bool = True,
        must_change_password: bool = False,
    ) -> User:
        number = next(_sequence)
        user = User(
            email=email or f"staff{number}@clinic.example.org",
            full_name=full_name or f"Staff Member {number}",
            active=active,
            must_change_password=must_change_password,
        )
        user.set_password(password)
        user.set_roles({Role(role) for role in roles})
        db.session.add(user)
        db.session.commit()
        return user


class ClientFactory:
    """Clients, admitted or not, with care teams: `clients.make(...)`, `clients.admit(...)`."""

    def make(
        self,
        first: str | None = None,
        last: str = "Doe",
        *,
        date_of_birth: date = date(1990, 5, 17),
        restricted: bool = False,
        **details,
    ) -> Client:
        number = next(_sequence)
        client = Client(
            legal_first_name=first or f"Client{number}",
            legal_last_name=last,
            date_of_birth=date_of_birth,
            sex_at_birth=details.pop("sex_at_birth", SexAtBirth.FEMALE),
            restricted=restricted,
            mrn=f"{number:09d}",
            **details,
        )
        db.session.add(client)
        db.session.commit()
        return client

    def admit(
        self,
        client: Client,
        *,
        level: Level = Level.RES,
        admitted_on: date | None = None,
        counselor: User | None = None,
        team: tuple = (),
        discharged_on: date | None = None,
        level_since: datetime | None = None,
        substances: tuple[Substance, ...] = (Substance.HEROIN,),
    ) -> Episode:
        admitted_on = admitted_on or clinic_today()
        entered = datetime.combine(admitted_on, time(12), tzinfo=UTC)
        episode = Episode(
            created_at=min(entered, utcnow()),
            client_id=client.id,
            admitted_on=admitted_on,
            referral_source=ReferralSource.SELF,
            discharged_on=discharged_on,
            discharge_type=DischargeType.COMPLETED if discharged_on else None,
        )
        episode.substances = [
            SubstanceUse(
                rank=rank,
                substance=substance,
                route=Route.ORAL if substance == Substance.ALCOHOL else Route.INJECTION,
                frequency=UseFrequency.DAILY,
            )
            for rank, substance in enumerate(substances, start=1)
        ]
        db.session.add(episode)
        db.session.flush()
        started = level_since or utcnow()
        db.session.add(
            LevelOfCareStay(
                episode_id=episode.id,
                level=level,
                started_at=started,
                ended_at=started if discharged_on else None,
                ended_by=StayEnd.DISCHARGE if discharged_on else None,
                reason=StayReason.ADMISSION,
            )
        )
        members = [(counselor, TeamRole.PRIMARY_COUNSELOR)] if counselor else []
        for user, role in [*members, *team]:
            db.session.add(CareTeamMember(episode_id=episode.id, user_id=user.id, team_role=role))
        db.session.commit()
        return episode

    def discharge(
        self, episode: Episode, discharge_type=DischargeType.COMPLETED, on: date | None = None
    ) -> Episode:
        """Discharge as the database requires: the episode closes, then its open stay ends."""
        episode = db.session.get(Episode, episode.id)
        episode.discharged_on = on or episode.admitted_on
        episode.discharge_type = discharge_type
        db.session.flush()
        for stay in db.session.scalars(
            sa.select(LevelOfCareStay).where(
                LevelOfCareStay.episode_id == episode.id, LevelOfCareStay.ended_at.is_(None)
            )
        ):
            stay.ended_at, stay.ended_by = max(utcnow(), stay.started_at), StayEnd.DISCHARGE
        db.session.commit()
        return episode


def signed_assessment(
    episode: Episode,
    by: User,
    recommended: Level,
    age: timedelta = timedelta(days=1),
    kind: AssessmentKind = AssessmentKind.REASSESSMENT,
    *,
    ratings: Mapping[int, int] | None = None,
    instruments: Iterable[InstrumentResult] = (),
    **findings: str,
) -> Assessment:
    """A six-dimension assessment of `episode`, signed by `by` `age` ago, recommending (and
    choosing) `recommended`; every dimension rated 1 unless `ratings` says otherwise; `findings`
    fill domain findings (strengths="...")."""
    ratings = dict.fromkeys(range(1, 7), 1) | dict(ratings or {})
    assessment = Assessment(
        client_id=episode.client_id,
        episode_id=episode.id,
        kind=kind,
        created_by_id=by.id,
        **{f"d{number}_rating": rating for number, rating in ratings.items()},
        **{f"d{number}_rationale": "seen" for number in ratings},
        recommended_level=recommended,
        chosen_level=recommended,
        **findings,
    )
    assessment.instruments = list(instruments)
    db.session.add_all([*assessment.instruments, assessment])
    db.session.flush()
    # Signed in a second step, as the triggers of migration 0004 make read-only what is signed.
    assessment.status = AssessmentStatus.SIGNED
    assessment.signed_at = utcnow() - age
    assessment.signed_by_id = by.id
    db.session.commit()
    return assessment


def pending_move(
    episode: Episode,
    to_level: Level,
    *,
    by: User,
    assessment: Assessment,
    justification: str = "Goals of this level met; ready for the next.",
    override_reason: str | None = None,
) -> TransitionRequest:
    """A move of `episode` to `to_level` requested by `by` through the service, waiting for a
    supervisor (and for medical clearance when it leaves withdrawal management)."""
    made = moves.request_move(
        episode, to_level, justification, assessment.id, override_reason, actor=by
    )
    db.session.commit()
    return made


def started_plan(episode: Episode, author: User) -> TreatmentPlan:
    """The episode's first plan, started by `author` from its latest signed assessment (the
    library's suggestions, unedited), with its whole tree loaded."""
    plan = plans.start(episode, author)
    db.session.commit()
    return plans.load_tree(plan.id)
