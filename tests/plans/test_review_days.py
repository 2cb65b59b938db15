"""The stored next review day (`TreatmentPlan.next_review_on`) and the episode's due-work copies
kept by triggers: always what the rules say, whichever way the record changed."""

from datetime import timedelta

import sqlalchemy as sa

from clinic.clients.levels import Level
from clinic.clients.models import Episode
from clinic.clients.stays import LevelOfCareStay, StayReason
from clinic.core.clock import clinic_today, utcnow
from clinic.extensions import db
from clinic.plans import services as plans
from clinic.plans.models import TreatmentPlan
from clinic.plans.vocabulary import PlanStatus, Progress
from tests.plans.test_plan_due import make_plan


def stored_day(plan_id: int):
    return db.session.scalar(
        sa.select(TreatmentPlan.next_review_on).where(TreatmentPlan.id == plan_id)
    )


def test_a_version_taking_effect_gets_its_review_day(app, setting):
    plan = make_plan(app, setting, active=True)  # residential: every 7 days
    assert stored_day(plan.id) == clinic_today() + timedelta(days=7)


def test_drafts_have_no_review_day(app, setting):
    plan = make_plan(app, setting, active=False)
    assert stored_day(plan.id) is None


def test_a_level_change_makes_it_today(app, setting, clock):
    plan = make_plan(app, setting, active=True)
    version = plan.version
    clock.advance(days=2)
    db.session.add(
        LevelOfCareStay(
            episode_id=setting.episode.id,
            level=Level.PHP,
            started_at=utcnow(),
            reason=StayReason.STEP_DOWN,
        )
    )
    db.session.commit()
    assert stored_day(plan.id) == clinic_today()
    db.session.refresh(plan)
    assert plan.version == version  # derived, not an edit: nobody's open form goes stale


def test_a_review_clears_it_and_the_next_version_counts_from_the_review(app, setting, clock):
    plan = make_plan(app, setting, active=True)
    clock.advance(days=6)
    tree = plans.load_tree(plan.id)
    findings = {
        objective.id: (Progress.PROGRESSING, None)
        for problem in tree.problems
        for goal in problem.goals
        for objective in goal.objectives
    }
    following = plans.review(tree, findings, "On track.", actor=setting.counselor)
    db.session.commit()
    assert stored_day(plan.id) is None
    assert stored_day(following.id) is None  # a draft until signed and co-signed


def test_the_command_works_the_days_out_again_after_a_change_of_interval(app, setting, monkeypatch):
    plan = make_plan(app, setting, active=True)
    monkeypatch.setitem(app.config, "PLAN_REVIEW_DAYS", {"RES": 10})
    result = app.test_cli_runner().invoke(args=["plans", "refresh-reviews"])
    assert result.exit_code == 0, result.output
    assert "written for 1 active plans" in result.output
    db.session.expire_all()
    assert stored_day(plan.id) == clinic_today() + timedelta(days=10)


def test_the_episode_knows_when_its_intake_was_signed_and_its_plan_took_effect(app, setting):
    episode = db.session.get(Episode, setting.episode.id)
    assert episode.intake_signed_at == setting.assessment.signed_at
    assert episode.plan_in_force_at is None
    plan = make_plan(app, setting, active=True)
    db.session.expire_all()
    episode = db.session.get(Episode, setting.episode.id)
    assert episode.plan_in_force_at == plan.cosigned_at
    assert plan.status == PlanStatus.ACTIVE
