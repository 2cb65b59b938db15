"""`flask seed scale`'s history: assessments, instrument results, plans, moves and discharges
that obey the models and the database, in the proportions of a clinic mostly up to date."""

from collections import Counter

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinic.assessments import instruments, placement
from clinic.assessments.models import Assessment, InstrumentResult, assessment_instruments
from clinic.assessments.vocabulary import AssessmentKind, AssessmentStatus
from clinic.auth.models import User
from clinic.care import transitions
from clinic.care.models import DischargeRequest, RequestStatus, TransitionRequest
from clinic.clients.levels import Level
from clinic.clients.models import EmergencyAccess, Episode
from clinic.clients.stays import LevelOfCareStay
from clinic.core import due
from clinic.core.clock import clinic_today, to_local, utcnow
from clinic.extensions import db
from clinic.plans import rules
from clinic.plans.models import (
    ObjectiveProgress,
    PlanGoal,
    PlanObjective,
    PlanProblem,
    PlanReview,
    TreatmentPlan,
)
from clinic.plans.vocabulary import PlanStatus
from clinic.seed import scale
from tests.conftest import wipe_database
from tests.seed.test_seed import assert_episodes_consistent, count

CLIENTS = 400


@pytest.fixture
def clinic(app):
    """A synthetic clinic of CLIENTS clients with its history, committed."""
    result = scale.load_scale(CLIENTS)
    db.session.commit()
    return result


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def open_episodes() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Episode).where(Episode.discharged_on.is_(None))
    )


def test_scale_history_counts_every_row_it_loads(clinic):
    for table in (
        "instrument_results",
        "assessments",
        "assessment_instruments",
        "treatment_plans",
        "plan_problems",
        "plan_objectives",
        "plan_interventions",
        "plan_reviews",
        "transition_requests",
        "discharge_requests",
        "emergency_accesses",
    ):
        rows = db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
        assert rows == clinic.rows[table] > 0, table


def test_scale_assessments_and_results_are_scored_and_signed_as_the_app_would(clinic):
    assert_episodes_consistent()  # the episode copies kept by the triggers, the stays' shape
    results = db.session.scalars(sa.select(InstrumentResult)).all()
    for result in results:
        context = {"sex": result.sex} if result.code == "AUDITC" else {}
        scored = instruments.score(result.code, result.answers_by_item, **context)
        assert (result.total, result.band, result.flags) == (
            scored.total,
            scored.band,
            sorted(scored.flags),
        )
        assert result.safety_flag == (instruments.SAFETY in scored.flags)
    codes = Counter(result.code for result in results)
    assert set(codes) == set(instruments.INSTRUMENTS)
    assert codes["COWS"] > codes["DAST10"]  # every 6 hours through withdrawal management
    assert codes["PHQ9"] > codes["DAST10"]  # repeated every two weeks

    signed = db.session.scalars(
        sa.select(Assessment).where(Assessment.status == AssessmentStatus.SIGNED)
    ).all()
    links = Counter(db.session.scalars(sa.select(assessment_instruments.c.assessment_id)))
    for assessment in signed:
        assert None not in assessment.ratings.values()
        found = placement.recommend(assessment.ratings)
        assert assessment.recommended_level == found.level
        assert assessment.recommendation_drivers == list(found.drivers)
        assert assessment.chosen_level is not None
        assert assessment.signed_by_id == assessment.created_by_id
        assert assessment.created_at <= assessment.signed_at <= utcnow()
        if assessment.kind == AssessmentKind.INTAKE:
            assert links[assessment.id] == 5  # the intake battery
    linked = db.session.execute(
        sa.select(Assessment.episode_id, InstrumentResult.episode_id)
        .join(assessment_instruments, assessment_instruments.c.assessment_id == Assessment.id)
        .join(
            InstrumentResult, InstrumentResult.id == assessment_instruments.c.instrument_result_id
        )
    ).all()
    assert linked
    assert all(mine == theirs for mine, theirs in linked)
    intakes = [each for each in signed if each.kind == AssessmentKind.INTAKE]
    assert len(intakes) > 0.85 * count(Episode)
    # Signed stays signed: the database's read-only guard is in place after the bulk load.
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(
            sa.update(Assessment).where(Assessment.id == signed[0].id).values(d1_rating=4)
        )


def test_scale_plans_meet_the_signing_rules_and_chain_through_reviews(clinic, app):
    plans = db.session.scalars(
        sa.select(TreatmentPlan).options(  # every tree in a few queries, not a few per plan
            selectinload(TreatmentPlan.deferrals),
            selectinload(TreatmentPlan.problems)
            .selectinload(PlanProblem.goals)
            .selectinload(PlanGoal.objectives)
            .selectinload(PlanObjective.interventions),
        )
    ).all()
    statuses = Counter(plan.status for plan in plans)
    assert statuses[PlanStatus.ACTIVE] > 0.8 * open_episodes()
    assert statuses[PlanStatus.SUPERSEDED] > 0
    assert statuses[PlanStatus.DRAFT] > 0
    supervisor = user(scale.SUPERVISOR_EMAIL)
    ratings = {each.id: each.ratings for each in db.session.scalars(sa.select(Assessment))}
    by_id = {plan.id: plan for plan in plans}
    zone = app.config["CLINIC_TIMEZONE"]
    for plan in plans:
        if plan.status != PlanStatus.DRAFT:
            assert plan.acknowledged
            assert plan.cosigned_by_id == supervisor.id
            assert plan.author_signed_at <= plan.cosigned_at <= utcnow()
        if plan.author_signed_at is None:
            continue
        tree = plan
        signed_on = to_local(plan.author_signed_at, zone).date()
        assert plan.problems, plan.id
        assert rules.signing_problems(tree, ratings[plan.assessment_id], signed_on) == []
        assert rules.stock_texts(tree) == []
        if plan.previous_id:
            assert by_id[plan.previous_id].number == plan.number - 1
    # The next review day the application keeps on every active version not yet reviewed.
    waiting_review = db.session.scalars(
        sa.select(TreatmentPlan.next_review_on)
        .join(Episode, Episode.id == TreatmentPlan.episode_id)
        .where(
            TreatmentPlan.status == PlanStatus.ACTIVE,
            Episode.discharged_on.is_(None),
            TreatmentPlan.id.not_in(sa.select(PlanReview.plan_id)),
        )
    ).all()
    assert waiting_review
    assert None not in waiting_review
    reviews = db.session.scalars(sa.select(PlanReview)).all()
    assert reviews
    findings = Counter(db.session.scalars(sa.select(ObjectiveProgress.review_id)))
    for review in reviews:
        reviewed, following = by_id[review.plan_id], by_id[review.next_plan_id]
        assert following.previous_id == reviewed.id
        objectives = [
            objective
            for problem in reviewed.problems
            for goal in problem.goals
            for objective in goal.objectives
        ]
        assert findings[review.id] == len(objectives)
        if following.status == PlanStatus.ACTIVE:
            assert reviewed.status == PlanStatus.SUPERSEDED
            assert reviewed.superseded_at == following.cosigned_at
        else:
            assert reviewed.status == PlanStatus.ACTIVE


def test_scale_requests_rest_on_what_the_rules_ask_for(clinic):
    now = utcnow()
    moves = db.session.scalars(sa.select(TransitionRequest)).all()
    assert moves
    assert all(move.status == RequestStatus.PENDING for move in moves)
    for move in moves:
        stay = db.session.get(LevelOfCareStay, move.from_stay_id)
        assert stay.episode_id == move.episode_id
        assert stay.ended_at is None
        assert stay.level == move.from_level
        assessment = db.session.get(Assessment, move.assessment_id)
        assert assessment.is_signed
        assert assessment.episode_id == move.episode_id
        assert assessment.signed_at <= move.requested_at <= now
        situation = transitions.Situation(
            current=move.from_level,
            target=move.to_level,
            justification=move.justification,
            assessment_signed_at=assessment.signed_at,
            recommended=assessment.recommended_level,
            override_reason=move.override_reason,
            cleared=move.cleared_at is not None,
            beds=None,
            beds_used=0,
            requested_by=move.requested_by_id,
            now=move.requested_at,
        )
        assert transitions.request_problems(situation) == []
    out_of_wm = [move for move in moves if move.from_level == Level.WM]
    assert any(move.cleared_at is None for move in out_of_wm)
    for row in db.session.scalars(sa.select(DischargeRequest)):
        assert db.session.get(Episode, row.episode_id).is_open
        plan = transitions.DischargePlan(
            discharge_type=row.discharge_type,
            reason=row.reason,
            discharge_assessment_signed=db.session.scalar(
                sa.select(sa.func.count()).where(
                    Assessment.episode_id == row.episode_id,
                    Assessment.kind == AssessmentKind.DISCHARGE,
                    Assessment.status == AssessmentStatus.SIGNED,
                )
            )
            == 1,
            living_situation=row.living_situation or "",
            continuing_care=row.continuing_care or "",
            meetings=row.meetings or "",
            moud_continues=row.moud_continues,
            moud_with=row.moud_with or "",
            left_at=row.left_at,
            follow_up=row.follow_up or "",
        )
        assert transitions.discharge_problems(plan) == []
    grants = db.session.scalars(sa.select(EmergencyAccess)).all()
    assert any(grant.reviewed_at for grant in grants)
    assert any(grant.reviewed_at is None for grant in grants)


def test_scale_clinic_has_due_work_but_is_mostly_up_to_date(clinic, app):
    """At 400 clients every kind of due work shows for the supervisor, but for a small share
    of the open episodes, and each role's list is a fraction of what it sees."""
    today, now = clinic_today(), utcnow()
    opened = open_episodes()

    def counts(email: str) -> Counter:
        return Counter(
            {
                group.kind.name: group.count
                for group in due.summary(user(email), today, now, preview=1)
            }
        )

    with app.test_request_context():
        supervisor = counts(scale.SUPERVISOR_EMAIL)
        counselor = counts(scale.FIRST_COUNSELOR_EMAIL)
        medical = counts("medical01@scale.example.org")
    for kind in (
        "intake_assessment",
        "first_plan",
        "plan_review",
        "plan_signature",
        "safety",
        "move",
        "emergency_review",
    ):
        assert supervisor[kind] > 0, (kind, supervisor)
    assert 10 < supervisor.total() < 0.3 * opened, supervisor
    for kind in ("intake_assessment", "first_plan", "plan_review"):
        assert supervisor[kind] < 0.1 * opened, kind
    assert 0 < counselor.total() < 25, counselor  # of a caseload of about 35
    in_wm = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Episode)
        .where(Episode.discharged_on.is_(None), Episode.current_level == Level.WM)
    )
    assert medical["cows"] + medical["ciwa"] < 0.5 * in_wm, medical


def fingerprint() -> dict:
    """What the load put in the database, ids, times and all."""
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
        for table in (
            InstrumentResult.__table__,
            Assessment.__table__,
            TreatmentPlan.__table__,
            PlanReview.__table__,
            TransitionRequest.__table__,
            DischargeRequest.__table__,
        )
    }


def test_scale_history_is_the_same_for_the_same_seed(app, clock):
    scale.load_scale(60)
    db.session.commit()
    first = fingerprint()
    db.session.remove()
    wipe_database(db.engine)
    scale.load_scale(60)
    db.session.commit()
    assert fingerprint() == first
    db.session.remove()
    wipe_database(db.engine)
    scale.load_scale(60, seed=scale.SCALE_SEED + 1)
    db.session.commit()
    assert fingerprint() != first


def test_seed_scale_without_history_leaves_everything_to_do(app):
    result = app.test_cli_runner().invoke(args=["seed", "scale", "--clients", "50", "--no-history"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Loaded synthetic data in ")
    assert count(Episode) > 40
    assert count(Assessment) == count(TreatmentPlan) == count(InstrumentResult) == 0
