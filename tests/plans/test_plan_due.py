"""Due items from treatment plans on home pages: the first plan within 72 hours, signatures
waiting, and reviews by the level's interval."""

from clinic.clients.levels import Level
from clinic.clients.stays import LevelOfCareStay, StayReason
from clinic.core.clock import utcnow
from clinic.extensions import db
from clinic.plans.models import TreatmentPlan
from clinic.plans.vocabulary import AcknowledgedHow, PlanStatus
from tests.factories import started_plan
from tests.plans.test_plan_views import complete


def due(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return html[html.index('<h2 class="h5">Due</h2>') :]


def make_plan(app, setting, *, active: bool) -> TreatmentPlan:
    """A plan for the setting's episode, signed and acknowledged, co-signed when `active`."""
    plan = started_plan(setting.episode, setting.counselor)
    complete(plan)
    author, supervisor = setting.counselor.id, setting.supervisor.id
    plan.author_signed_by_id, plan.author_signed_at = author, utcnow()
    plan.acknowledged_how, plan.acknowledged_on = AcknowledgedHow.IN_PERSON, utcnow().date()
    if active:
        plan.cosigned_by_id, plan.cosigned_at = supervisor, utcnow()
        plan.status = PlanStatus.ACTIVE
    db.session.commit()
    return plan


def test_the_first_plan_is_due_then_overdue(client, login, setting, clock):
    login(setting.counselor)
    assert "First treatment plan due" in due(client)
    client.post("/logout")
    login(setting.supervisor)
    assert "Treatment plan" not in due(client)  # not late yet
    client.post("/logout")
    clock.advance(hours=73)
    login(setting.counselor)
    assert "Treatment plan overdue" in due(client)
    client.post("/logout")
    login(setting.supervisor)
    assert "Treatment plan overdue" in due(client)


def test_signatures_wait_for_the_right_people(app, client, login, setting, clock):
    plan = make_plan(app, setting, active=False)
    plan.acknowledged_how = None
    db.session.commit()
    login(setting.counselor)
    assert "Record the client&#39;s acknowledgement" in due(client)
    plan.acknowledged_how = AcknowledgedHow.PHONE
    db.session.commit()
    assert "Record the client" not in due(client)
    client.post("/logout")
    login(setting.supervisor)
    assert "Plan awaiting co-signature" in due(client)


def test_reviews_come_due_by_the_level_and_at_a_level_change(app, client, login, setting, clock):
    make_plan(app, setting, active=True)  # residential: every 7 days
    login(setting.counselor)
    assert "Plan review" not in due(client)
    client.post("/logout")
    clock.advance(days=5)
    login(setting.counselor)
    assert "Plan review due" in due(client)  # within 3 days
    client.post("/logout")
    clock.advance(days=3)
    login(setting.counselor)
    assert "Plan review overdue" in due(client)
    client.post("/logout")
    login(setting.supervisor)
    assert "Plan review overdue" in due(client)


def test_a_level_change_makes_the_review_due_at_once(app, client, login, setting, clock):
    make_plan(app, setting, active=True)
    clock.advance(hours=2)  # a level change later on the day the plan took effect
    db.session.add(
        LevelOfCareStay(
            episode_id=setting.episode.id,
            level=Level.PHP,
            started_at=utcnow(),
            reason=StayReason.STEP_DOWN,
        )
    )
    db.session.commit()
    login(setting.counselor)
    assert "Plan review due" in due(client)
